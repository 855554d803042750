//! Before/after comparison of two runs that CI can trust: [`compare`] matches stages and
//! requests by name and judges p50, p90, p99, p99.9, max, throughput, error rate and target
//! CPU per 1,000 requests, each as Improved, Regressed, Unchanged or Inconclusive.
//!
//! # Method
//! A change counts only when it is beyond its tolerance ([`Tolerances`]; tails are noisier,
//! so p99.9 and max tolerate more) **and** statistically significant. Significance comes
//! from the *per-second windows* of each stage's measured time (after warm-up): every whole
//! second of the timeline inside the window is one observation. Seconds, not requests,
//! because requests within a run are correlated (a GC pause, a noisy neighbour slows many at
//! once); testing millions of requests as independent would call every A/A run different.
//!
//! - For each latency percentile: the percentile of each second's latency histogram
//!   (successful requests, by intended second) is one value per window. A two-sided
//!   **Mann–Whitney U test** (normal approximation, tie-corrected, no continuity correction)
//!   compares the base and candidate windows. A **percentile bootstrap** resamples each run's
//!   windows with replacement (2,000 times, a fixed-seed RNG: deterministic) and recomputes
//!   the ratio of the *pooled* percentile (candidate / base) for a 99% interval.
//! - Throughput: ok count per second, ratio of the means. Error rate: errors / sent per
//!   second, bootstrap of the *difference* of the pooled rates. CPU per 1,000 requests: per
//!   scrape interval of `process_cpu_seconds_total`, ratio of the pooled cost; from profiles
//!   alone it is one number per stage and cannot be significant.
//! - Significant: p < 0.01 and the interval lies wholly on the side of the change (excludes
//!   1 for ratios, 0 for differences). Fewer than 5 windows on a side: Inconclusive unless
//!   the change is enormous (×2 or ×½, ten error-rate points) and the windows are completely
//!   separated. The maximum is one sample: it follows p99.9's verdict or is Inconclusive.
//! - The timeline is per stage, not per request name. So the stage's `(all)` row is tested
//!   directly, and the rows of a stage with several requests *borrow* the stage's test: such
//!   a row regresses when its own change is beyond tolerance and the stage-wide change is
//!   significant in the same direction. A regression confined to a low-volume request can
//!   therefore be diluted and show as Inconclusive, never falsely as significant on its own.
//!
//! Values shown (base, candidate, change) come from the runs' full HDR histograms; the
//! tests use the per-second coarse histograms (buckets at most 6.25% wide).

mod bootstrap;
mod cpu;
mod curve;
mod decide;
mod error;
mod metric;
mod model;
mod options;
mod pooled;
mod probes;
mod profile_diff;
mod rank_test;
mod shape;
mod significance;
mod stage;
mod windows;

#[cfg(test)]
pub(crate) mod synthetic;
#[cfg(test)]
mod tests;

pub use error::CompareError;
pub use metric::{Metric, Unit, ALL_METRICS};
pub use model::{
    Comparison, CurvePoint, MethodSettings, MetricComparison, ProfileComparison, RowComparison,
    RunRef, StageComparison, Statistic, TestResult, Verdict, VerdictCounts,
};
pub use options::{scenario_settings, CompareOptions, ToleranceSpec, Tolerances};
pub use stage::ALL_ROW;

use crate::metrics::RunResult;

/// Compares `candidate` against `base`. Fails only when the runs cannot be compared
/// (stages or requests missing on a side, a different load model) or the options are
/// unusable; everything else (partial runs, different scenario files) is a warning.
pub fn compare(
    base: &RunResult,
    candidate: &RunResult,
    opts: &CompareOptions,
) -> Result<Comparison, CompareError> {
    opts.validate()?;
    let mut warnings = shape::check(base, candidate)?;
    let stages = base
        .stages
        .iter()
        .filter_map(|b| {
            let c = candidate.stages.iter().find(|c| c.name == b.name)?;
            Some(stage::compare_stage(base, candidate, b, c, opts))
        })
        .collect();
    warnings.extend(cpu_warning(base, candidate));
    let mut comparison = Comparison {
        base: run_ref(base, &opts.base_label),
        candidate: run_ref(candidate, &opts.candidate_label),
        settings: MethodSettings {
            tolerances: opts.tolerances,
            alpha: opts.alpha,
            confidence: opts.confidence,
            resamples: opts.resamples,
            min_windows: opts.min_windows,
            seed: opts.seed,
            scenario_section: opts.scenario_section.clone(),
        },
        method: method_text(opts),
        warnings,
        stages,
        profile: profile_diff::profile_comparison(base, candidate, opts.top_functions),
        counts: VerdictCounts::default(),
    };
    comparison.count_verdicts();
    Ok(comparison)
}

fn run_ref(run: &RunResult, label: &str) -> RunRef {
    RunRef {
        label: label.to_string(),
        scenario: run.scenario.name.clone(),
        digest: run.scenario.digest.clone(),
        started_at: run.run.started_at.clone(),
        target: run.scenario.target.clone(),
        duration_s: run.run.duration_s,
        partial: run.is_partial(),
    }
}

/// CPU per request is compared only when both runs measured it.
fn cpu_warning(base: &RunResult, candidate: &RunResult) -> Option<String> {
    let has = |run: &RunResult| run.stages.iter().any(|s| cpu::stage_cpu(run, s).is_some());
    match (has(base), has(candidate)) {
        (true, false) => Some(
            "CPU per request not compared: only the base run has profile or metrics data".into(),
        ),
        (false, true) => Some(
            "CPU per request not compared: only the candidate run has profile or metrics data"
                .into(),
        ),
        _ => None,
    }
}

/// The method in words, with the parameters used, for every report.
pub fn method_text(opts: &CompareOptions) -> String {
    let t = &opts.tolerances;
    let pct = |x: f64| {
        format!("{:.3}", x * 100.0)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
            + "%"
    };
    let source = match &opts.scenario_section {
        Some(side) => format!(
            " Settings: the {side} run's [compare] section, with any compare flags overriding it."
        ),
        None => String::new(),
    };
    format!(
        "A change is Regressed or Improved only when it is beyond its tolerance (p50 {}, p90 {}, \
         p99 {}, p99.9 {}, max {}, throughput {}, CPU/1k requests {}, error rate {} points) and \
         statistically significant. Each stage's measured (post-warm-up) whole seconds are the \
         observations: per second, the windowed percentile of successful requests' latency, the \
         ok count, the error fraction. A two-sided Mann–Whitney U test (normal approximation, \
         tie-corrected) compares the two runs' seconds, and a bootstrap ({} resamples of seconds \
         with replacement, fixed seed) gives a {} interval of the ratio of pooled percentiles \
         (difference for the error rate). Significant: p < {} and the interval excludes no change. \
         Fewer than {} seconds on a side: inconclusive unless the change is at least ×2 with the \
         seconds completely separated. The maximum follows p99.9. The timeline is not split by \
         request, so per-request rows use their stage's all-request test. Values are from the full \
         HDR histograms.{}",
        pct(t.p50),
        pct(t.p90),
        pct(t.p99),
        pct(t.p999),
        pct(t.max),
        pct(t.throughput),
        pct(t.cpu_per_1k),
        pct(t.error_rate),
        opts.resamples,
        pct(opts.confidence),
        opts.alpha,
        opts.min_windows,
        source
    )
}
