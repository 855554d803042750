//! The profile diff: per-function CPU per request between a CPU profile of each run
//! ([`function_cost_diff`]), preferring captures of the same stage, split into the top
//! regressions and improvements. The folded stacks travel along for the differential
//! flame graph the HTML view draws.

use super::model::ProfileComparison;
use super::probes::{profiles, ProfileEntry};
use crate::metrics::RunResult;
use crate::probe::function_cost_diff;

/// `None` unless both runs carry a CPU profile and at least one has stacks. A capture that
/// succeeded but caught no samples (a near-idle target: the work was switched off) is a
/// measurement of zero CPU, not missing data: every function of the other side is then
/// gone (or new).
pub fn profile_comparison(
    base: &RunResult,
    candidate: &RunResult,
    top: usize,
) -> Option<ProfileComparison> {
    let usable = |run: &RunResult| -> Vec<ProfileEntry> {
        profiles(&run.probes)
            .into_iter()
            .filter(|p| p.is_cpu() && (!p.folded.stacks().is_empty() || p.measured_nothing()))
            .collect()
    };
    let (b, c) = (usable(base), usable(candidate));
    let same_stage = b.iter().find_map(|pb| {
        let stage = pb.stage.as_ref()?;
        let pc = c.iter().find(|pc| pc.stage.as_ref() == Some(stage))?;
        Some((pb, pc))
    });
    let (pb, pc) = same_stage.or_else(|| Some((b.first()?, c.first()?)))?;
    let (base_folded, candidate_folded) = (pb.folded.stacks(), pc.folded.stacks());
    if base_folded.is_empty() && candidate_folded.is_empty() {
        return None;
    }
    let (base_requests, candidate_requests) = (pb.requests.unwrap_or(0), pc.requests.unwrap_or(0));
    let deltas = function_cost_diff(
        &base_folded,
        &candidate_folded,
        base_requests,
        candidate_requests,
    );
    let pick = |worse: bool| {
        deltas
            .iter()
            .filter(|d| {
                if worse {
                    d.delta_ns_per_req > 0.0
                } else {
                    d.delta_ns_per_req < 0.0
                }
            })
            .take(top)
            .cloned()
            .collect()
    };
    Some(ProfileComparison {
        stage: pb.stage.clone().filter(|s| pc.stage.as_ref() == Some(s)),
        base_requests,
        candidate_requests,
        regressions: pick(true),
        improvements: pick(false),
        base_folded,
        candidate_folded,
    })
}
