//! Do the parts belong together? Same scenario digest, same schema and stages, the same N,
//! distinct indexes, and (unless partial merging is allowed) every index present.

use super::error::MergeError;
use crate::metrics::{RunResult, SegmentInfo};

/// The parts, checked and in index order, and the indexes that are missing.
pub struct Membership<'a> {
    pub count: u32,
    pub parts: Vec<(SegmentInfo, &'a RunResult)>,
    pub missing: Vec<u32>,
}

pub fn check(parts: &[RunResult], allow_partial: bool) -> Result<Membership<'_>, MergeError> {
    let mut segmented = parts
        .iter()
        .enumerate()
        .map(|(i, p)| match p.run.segment {
            Some(s) => Ok((s, p)),
            None => Err(MergeError::NotASegment {
                part: format!("part {} (scenario {:?})", i + 1, p.scenario.name),
            }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let Some(&(first_seg, first)) = segmented.first() else {
        return Err(MergeError::NoParts);
    };
    for &(seg, part) in &segmented[1..] {
        same_run(first_seg, first, seg, part)?;
    }
    segmented.sort_by_key(|(s, _)| s.index);
    if let Some(w) = segmented.windows(2).find(|w| w[0].0.index == w[1].0.index) {
        return Err(MergeError::DuplicateIndex {
            index: w[0].0.index,
            count: w[0].0.count,
        });
    }
    let count = first_seg.count;
    let present: Vec<u32> = segmented.iter().map(|(s, _)| s.index).collect();
    let missing: Vec<u32> = (0..count).filter(|i| !present.contains(i)).collect();
    if !missing.is_empty() && !allow_partial {
        return Err(MergeError::Missing {
            count,
            missing,
            present,
        });
    }
    Ok(Membership {
        count,
        parts: segmented,
        missing,
    })
}

fn name(s: SegmentInfo) -> String {
    format!("{}/{}", s.index, s.count)
}

/// `part` (segment `seg`) was produced by the same scenario and plan as `first`.
fn same_run(
    first_seg: SegmentInfo,
    first: &RunResult,
    seg: SegmentInfo,
    part: &RunResult,
) -> Result<(), MergeError> {
    if part.scenario.digest != first.scenario.digest {
        return Err(MergeError::DifferentScenarios {
            first_segment: name(first_seg),
            first_digest: first.scenario.digest.clone(),
            segment: name(seg),
            digest: part.scenario.digest.clone(),
        });
    }
    if seg.count != first_seg.count {
        return Err(MergeError::DifferentCounts {
            first_segment: name(first_seg),
            first_count: first_seg.count,
            segment: name(seg),
            count: seg.count,
        });
    }
    if part.schema_version != first.schema_version {
        return Err(MergeError::DifferentSchemas {
            first_segment: name(first_seg),
            first_version: first.schema_version,
            segment: name(seg),
            version: part.schema_version,
        });
    }
    let stage_names = |r: &RunResult| r.stages.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    if stage_names(part) != stage_names(first) {
        return Err(MergeError::DifferentStages {
            first_segment: name(first_seg),
            first_stages: stage_names(first),
            segment: name(seg),
            stages: stage_names(part),
        });
    }
    Ok(())
}
