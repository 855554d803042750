//! Merging segment runs (`loadlab run --segment i/N`) into one run, exactly.
//!
//! Segments deal arrivals (or users) round-robin, so together they are the single-machine run;
//! HDR histograms and per-second coarse histograms add without loss, so the merged percentiles
//! are those of one histogram holding every sample. What merge does with each part of a
//! `RunResult`:
//! - **scenario**: must share one digest; the first segment's info, all targets listed;
//! - **run**: earliest start, wall-clock span, partial if any segment was or one is missing
//!   (with `allow_partial`), `segment` cleared, hosts listed and CPUs/threads summed;
//! - **stages**: counts, drops, bytes, status codes summed; histograms added (module `stages`);
//! - **timeline**: aligned on wall clock and summed per second (module `timeline`);
//! - **generator**: summed, lag p99 recomputed, bottleneck if any segment was (module `generator`);
//! - **thresholds**: re-read from their stored expressions and re-evaluated (module `thresholds`);
//! - **probes**: kept per segment under `probes.segments[i]` (module `probes`).

mod check;
mod error;
mod generator;
mod probes;
mod run_info;
mod stages;
mod thresholds;
mod timeline;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

pub use error::MergeError;

use crate::metrics::RunResult;

/// Merges the results of the segments of one run. Refuses parts that do not belong together,
/// and a missing segment unless `allow_partial` (the result is then marked partial).
pub fn merge(parts: &[RunResult], allow_partial: bool) -> Result<RunResult, MergeError> {
    let membership = check::check(parts, allow_partial)?;
    let ordered: Vec<&RunResult> = membership.parts.iter().map(|(_, p)| *p).collect();
    let (Some(first), Some(scenario), Some(run)) = (
        ordered.first(),
        run_info::merge_scenario(&ordered),
        run_info::merge_run_info(&membership),
    ) else {
        return Err(MergeError::NoParts);
    };
    let stages = stages::merge_stages(&ordered);
    let mut merged = RunResult {
        schema_version: first.schema_version,
        loadlab_version: run_info::unique(ordered.iter().map(|p| p.loadlab_version.as_str())),
        scenario,
        run,
        generator: generator::merge_generator(&membership, &stages),
        timeline: timeline::merge_timelines(&ordered),
        stages,
        thresholds: Vec::new(),
        probes: probes::merge_probes(&membership),
    };
    merged.thresholds = thresholds::reevaluate(&ordered, &merged)?;
    Ok(merged)
}
