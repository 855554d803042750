//! The per-second windows a stage's significance tests use: the whole seconds of the
//! timeline inside the stage's measured window (after warm-up, before its end or the run's
//! stop). Each window holds that second's successful-request latency histogram (all request
//! names together: the timeline is not split by name), its ok count and its error count.

use crate::metrics::{RunResult, StageResult};

/// One measured second.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub t: u32,
    /// Non-empty buckets of the coarse latency histogram, `(bucket, count)`.
    pub latency: Vec<(usize, u64)>,
    pub ok: u64,
    pub errors: u64,
}

impl Window {
    pub fn latency_count(&self) -> u64 {
        self.latency.iter().map(|(_, c)| c).sum()
    }
}

/// The seconds `[first, end)` of `stage`'s measured window: whole seconds only.
pub fn measured_seconds(stage: &StageResult) -> (u32, u32) {
    let start = stage.start_s + stage.warmup_s;
    let end = start + stage.measured_s;
    if !start.is_finite() || !end.is_finite() || end <= start {
        return (0, 0);
    }
    // `as` saturates: negative → 0, huge → u32::MAX.
    let first = (start - 1e-6).ceil().max(0.0) as u32;
    let last = (end + 1e-6).floor().max(0.0) as u32;
    (first, last.max(first))
}

/// The measured windows of `stage` in `run`'s timeline, in time order.
pub fn stage_windows(run: &RunResult, stage: &StageResult) -> Vec<Window> {
    let (first, end) = measured_seconds(stage);
    let mut windows: Vec<Window> = run
        .timeline
        .iter()
        .filter(|s| s.t >= first && s.t < end)
        .map(|s| Window {
            t: s.t,
            latency: s
                .latency
                .to_sparse()
                .into_iter()
                .map(|[b, c]| (b as usize, c as u64))
                .collect(),
            ok: s.ok as u64,
            errors: s.errors.values().map(|&e| e as u64).sum(),
        })
        .collect();
    windows.sort_by_key(|w| w.t);
    windows.dedup_by_key(|w| w.t);
    windows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(start: f64, warmup: f64, measured: f64) -> StageResult {
        StageResult {
            name: "s".into(),
            start_s: start,
            duration_s: warmup + measured,
            warmup_s: warmup,
            measured_s: measured,
            from: 1.0,
            to: 1.0,
            requests: vec![],
            warmup: vec![],
            scheduler_lag: Default::default(),
        }
    }

    #[test]
    fn whole_measured_seconds_only() {
        assert_eq!(measured_seconds(&stage(0.0, 1.0, 7.0)), (1, 8));
        assert_eq!(measured_seconds(&stage(10.0, 2.5, 5.0)), (13, 17));
        assert_eq!(measured_seconds(&stage(0.0, 0.0, 0.4)), (0, 0));
        assert_eq!(measured_seconds(&stage(f64::NAN, 0.0, 3.0)), (0, 0));
        assert_eq!(measured_seconds(&stage(-5.0, 0.0, 7.0)), (0, 2));
    }
}
