//! Checks a run's figures against the scenario's thresholds.

use crate::metrics::{RunResult, Summary, ThresholdResult};
use crate::report::format::{format_micros, format_percent};
use crate::scenario::{Metric, Threshold};

pub fn evaluate(result: &RunResult, thresholds: &[Threshold]) -> Vec<ThresholdResult> {
    thresholds.iter().map(|t| evaluate_one(result, t)).collect()
}

fn evaluate_one(result: &RunResult, t: &Threshold) -> ThresholdResult {
    let summary = result.summary(t.stage.as_deref(), t.request.as_deref());
    let observed = observe(&summary, t.metric);
    let passed = observed.is_some_and(|v| t.op.holds(v, t.limit));
    ThresholdResult {
        expression: t.expression.clone(),
        observed,
        observed_text: observed.map_or_else(|| "no data".to_string(), |v| render(t.metric, v)),
        passed,
    }
}

/// The value of `metric` in its canonical unit; `None` when there is nothing to measure.
pub fn observe(s: &Summary, metric: Metric) -> Option<f64> {
    let has_latency = s.latency.count() > 0;
    match metric {
        Metric::Percentile(p) => has_latency.then(|| s.latency.percentile(p) as f64),
        Metric::Min => has_latency.then(|| s.latency.min() as f64),
        Metric::Max => has_latency.then(|| s.latency.max() as f64),
        Metric::Mean => has_latency.then(|| s.latency.mean()),
        Metric::ErrorRate => Some(s.error_rate()),
        Metric::ErrorCount => Some(s.errors as f64),
        Metric::Rate => (s.measured_s > 0.0).then(|| s.throughput()),
        Metric::Dropped => Some(s.dropped as f64),
        Metric::DroppedRate => Some(s.dropped_rate()),
        Metric::Requests => Some(s.sent as f64),
    }
}

fn render(metric: Metric, value: f64) -> String {
    match metric {
        Metric::Percentile(_) | Metric::Min | Metric::Max | Metric::Mean => format_micros(value),
        Metric::ErrorRate | Metric::DroppedRate => format_percent(value),
        Metric::Rate => format!("{value:.1}/s"),
        Metric::ErrorCount | Metric::Dropped | Metric::Requests => format!("{value:.0}"),
    }
}
