//! The chart arguments a `RunResult` provides: stage bands and per-window series. Long runs
//! are drawn in windows of several seconds (at most [`MAX_POINTS`] per line), merging the
//! per-second histograms exactly, so an hour stays readable and percentiles stay true.

use super::concurrency::ConcurrencySecond;
use super::frame::StageBand;
use super::latency::LatencySecond;
use super::throughput::RateSecond;
use crate::metrics::{CoarseHistogram, RunResult, SecondResult};

/// Most points per line on a time axis.
pub const MAX_POINTS: usize = 360;

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

/// Seconds per point: 1, or more when the timeline is longer than [`MAX_POINTS`] seconds.
pub fn window_s(r: &RunResult) -> u32 {
    let seconds = r
        .timeline
        .iter()
        .map(|s| s.t as usize + 1)
        .max()
        .unwrap_or(0);
    seconds.div_ceil(MAX_POINTS).max(1) as u32
}

/// The timeline's seconds grouped into windows of `window` seconds, by their `t`.
fn windows(r: &RunResult, window: u32) -> Vec<(f64, Vec<&SecondResult>)> {
    let mut out: Vec<(f64, Vec<&SecondResult>)> = Vec::new();
    for s in &r.timeline {
        let start = (s.t / window * window) as f64;
        match out.last_mut() {
            Some((t, group)) if *t == start => group.push(s),
            _ => out.push((start, vec![s])),
        }
    }
    out
}

pub fn latency_seconds(r: &RunResult, window: u32) -> Vec<LatencySecond> {
    windows(r, window)
        .into_iter()
        .map(|(t, group)| {
            if let [one] = group[..] {
                return LatencySecond {
                    t,
                    p50_us: one.p50_us,
                    p90_us: one.p90_us,
                    p99_us: one.p99_us,
                    max_us: one.latency.percentile(100.0),
                };
            }
            let mut merged = CoarseHistogram::default();
            group.iter().for_each(|s| merged.add(&s.latency));
            LatencySecond {
                t,
                p50_us: merged.percentile(50.0),
                p90_us: merged.percentile(90.0),
                p99_us: merged.percentile(99.0),
                max_us: merged.percentile(100.0),
            }
        })
        .collect()
}

/// Per-second rates, averaged over each window.
pub fn rate_seconds(r: &RunResult, window: u32) -> Vec<RateSecond> {
    windows(r, window)
        .into_iter()
        .map(|(t, group)| {
            let per_s = |f: &dyn Fn(&SecondResult) -> f64| {
                group.iter().map(|s| f(s)).sum::<f64>() / window as f64
            };
            RateSecond {
                t,
                completed: per_s(&|s| s.completed as f64),
                errors: per_s(&|s| s.errors.values().map(|&n| n as f64).sum()),
                dropped: per_s(&|s| s.dropped as f64),
            }
        })
        .collect()
}

/// Maxima over each window.
pub fn concurrency_seconds(r: &RunResult, window: u32) -> Vec<ConcurrencySecond> {
    windows(r, window)
        .into_iter()
        .map(|(t, group)| ConcurrencySecond {
            t,
            in_flight_max: group.iter().map(|s| s.in_flight_max).max().unwrap_or(0) as f64,
            lag_max_us: group.iter().map(|s| s.lag_max_us).max().unwrap_or(0) as f64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{long_result, sample_result};

    #[test]
    fn short_runs_keep_every_second() {
        let r = sample_result();
        assert_eq!(window_s(&r), 1);
        let lat = latency_seconds(&r, 1);
        assert_eq!(lat.len(), 40);
        assert_eq!(lat[3].p99_us, r.timeline[3].p99_us);
    }

    #[test]
    fn long_runs_merge_windows_exactly() {
        let r = long_result();
        let w = window_s(&r);
        assert_eq!(w, 10);
        let lat = latency_seconds(&r, w);
        assert_eq!(lat.len(), 360);
        let mut merged = CoarseHistogram::default();
        r.timeline[..10].iter().for_each(|s| merged.add(&s.latency));
        assert_eq!(lat[0].p99_us, merged.percentile(99.0));
        let rates = rate_seconds(&r, w);
        let sum: f64 = r.timeline[..10].iter().map(|s| s.completed as f64).sum();
        assert_eq!(rates[0].completed, sum / 10.0);
        assert_eq!(rates[1].t, 10.0);
    }
}
