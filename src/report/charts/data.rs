//! The chart arguments a `RunResult` provides: stage bands and per-second series.

use super::concurrency::ConcurrencySecond;
use super::frame::StageBand;
use super::latency::LatencySecond;
use super::throughput::RateSecond;
use crate::metrics::RunResult;

pub fn stage_bands(r: &RunResult) -> Vec<StageBand> {
    r.stages
        .iter()
        .map(|s| StageBand {
            name: s.name.clone(),
            start_s: s.start_s,
            end_s: s.start_s + s.duration_s,
            warmup_s: s.warmup_s,
        })
        .collect()
}

/// The time axis extent: the run's duration, or the timeline's when it is longer.
pub fn duration_s(r: &RunResult) -> f64 {
    let timeline = r
        .timeline
        .iter()
        .map(|s| s.t as f64 + 1.0)
        .fold(0.0, f64::max);
    r.run.duration_s.max(timeline)
}

pub fn latency_seconds(r: &RunResult) -> Vec<LatencySecond> {
    r.timeline
        .iter()
        .map(|s| LatencySecond {
            t: s.t as f64,
            p50_us: s.p50_us,
            p90_us: s.p90_us,
            p99_us: s.p99_us,
            max_us: s.latency.percentile(100.0),
        })
        .collect()
}

pub fn rate_seconds(r: &RunResult) -> Vec<RateSecond> {
    r.timeline
        .iter()
        .map(|s| RateSecond {
            t: s.t as f64,
            completed: s.completed as f64,
            errors: s.errors.values().map(|&n| n as f64).sum(),
            dropped: s.dropped as f64,
        })
        .collect()
}

pub fn concurrency_seconds(r: &RunResult) -> Vec<ConcurrencySecond> {
    r.timeline
        .iter()
        .map(|s| ConcurrencySecond {
            t: s.t as f64,
            in_flight_max: s.in_flight_max as f64,
            lag_max_us: s.lag_max_us as f64,
        })
        .collect()
}
