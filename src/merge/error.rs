//! Why segment runs could not be merged: each message names the segments, digests or indexes
//! concerned and what to do about it.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum MergeError {
    #[error(
        "nothing to merge: give the run directories of every segment (loadlab run --segment i/N)"
    )]
    NoParts,
    #[error("{part} is not a segment run (it has no run.segment): merge takes the results of `loadlab run --segment i/N`")]
    NotASegment { part: String },
    #[error("segment {segment} ran scenario digest {digest} but segment {first_segment} ran {first_digest}: these are segments of different scenarios (or of different versions of the file)")]
    DifferentScenarios {
        first_segment: String,
        first_digest: String,
        segment: String,
        digest: String,
    },
    #[error("segment {segment} was split {count} ways but segment {first_segment} {first_count} ways: every segment of one run has the same N in --segment i/N")]
    DifferentCounts {
        first_segment: String,
        first_count: u32,
        segment: String,
        count: u32,
    },
    #[error("segment {index}/{count} is given twice: pass each segment's run directory once")]
    DuplicateIndex { index: u32, count: u32 },
    #[error("{count} segments expected; missing index {} (present: {}): pass every segment's run directory, or --allow-partial to merge the ones present", list(.missing), list(.present))]
    Missing {
        count: u32,
        missing: Vec<u32>,
        present: Vec<u32>,
    },
    #[error("segment {segment} has result schema version {version} but segment {first_segment} has {first_version}: re-render both with the same loadlab version")]
    DifferentSchemas {
        first_segment: String,
        first_version: u32,
        segment: String,
        version: u32,
    },
    #[error("segment {segment} has stages [{}] but segment {first_segment} has [{}]: the segments did not run the same plan", .stages.join(", "), .first_stages.join(", "))]
    DifferentStages {
        first_segment: String,
        first_stages: Vec<String>,
        segment: String,
        stages: Vec<String>,
    },
    #[error("cannot re-evaluate threshold {expression:?} on the merged data: {reason}")]
    Threshold { expression: String, reason: String },
}

fn list(indexes: &[u32]) -> String {
    if indexes.is_empty() {
        return "none".to_string();
    }
    indexes
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
