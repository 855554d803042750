//! Target CPU seconds per 1,000 requests of a stage. From the scraped
//! `process_cpu_seconds_total` counter when the run has it: each scrape interval inside the
//! stage's measured window is a window (CPU seconds used / requests completed in it), so the
//! figure can be tested like the others. Otherwise from the stage's CPU profiles (total CPU
//! over requests served in the capture): one value, never significant on its own.

use super::probes::{metric_series, profiles};
use super::windows::measured_seconds;
use crate::metrics::{RunResult, StageResult};
use crate::probe::MetricSeries;

const CPU_COUNTER: &str = "process_cpu_seconds_total";

/// CPU cost of a stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StageCpu {
    /// CPU seconds per 1,000 requests over the stage.
    pub per_1k: f64,
    /// `(cpu_seconds, requests)` per scrape interval; empty when from profiles.
    pub windows: Vec<(f64, f64)>,
}

/// The stage's CPU cost, or `None` when the run has neither metrics nor profiles for it.
pub fn stage_cpu(run: &RunResult, stage: &StageResult) -> Option<StageCpu> {
    from_metrics(run, stage).or_else(|| from_profiles(run, stage))
}

fn from_metrics(run: &RunResult, stage: &StageResult) -> Option<StageCpu> {
    let series = metric_series(&run.probes);
    let counter: &MetricSeries = series.iter().find(|s| s.name == CPU_COUNTER)?;
    let (first, end) = measured_seconds(stage);
    let (lo, hi) = (f64::from(first), f64::from(end));
    let mut points: Vec<[f64; 2]> = counter
        .points
        .iter()
        .copied()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect();
    points.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let mut windows = Vec::new();
    for pair in points.windows(2) {
        let ([t0, v0], [t1, v1]) = (pair[0], pair[1]);
        if t0 < lo - 0.5 || t1 > hi + 0.5 || t1 <= t0 || v1 < v0 {
            continue; // outside the measured window, or a counter reset
        }
        let requests = completed_between(run, t0, t1);
        if requests > 0.0 {
            windows.push((v1 - v0, requests));
        }
    }
    let (cpu, requests) = windows
        .iter()
        .fold((0.0, 0.0), |(c, r), (wc, wr)| (c + wc, r + wr));
    (requests > 0.0).then(|| StageCpu {
        per_1k: cpu / requests * 1000.0,
        windows,
    })
}

/// Requests completed in the whole seconds nearest to `[t0, t1)`.
fn completed_between(run: &RunResult, t0: f64, t1: f64) -> f64 {
    let (a, b) = (t0.round().max(0.0) as u32, t1.round().max(0.0) as u32);
    run.timeline
        .iter()
        .filter(|s| s.t >= a && s.t < b)
        .map(|s| f64::from(s.completed))
        .sum()
}

fn from_profiles(run: &RunResult, stage: &StageResult) -> Option<StageCpu> {
    let values: Vec<f64> = profiles(&run.probes)
        .iter()
        .filter(|p| p.is_cpu() && p.stage.as_deref() == Some(stage.name.as_str()))
        .filter_map(|p| p.cpu_per_1k())
        .collect();
    (!values.is_empty()).then(|| StageCpu {
        per_1k: values.iter().sum::<f64>() / values.len() as f64,
        windows: Vec::new(),
    })
}
