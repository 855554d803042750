//! Cuts a step short when the SLO breaks badly while it runs, so an overshooting step does not
//! hammer the target for its whole duration. Fed the engine's live counters about once a second.
//!
//! After the warm-up, a second in which more than half the completed requests failed, or in
//! which the requests in flight imply (Little's law: mean latency = in flight ÷ arrival rate) a
//! mean latency over 10× the SLO's strictest latency limit, ends the step. The p99 is at least
//! the mean, so the second rule never fires on a step that could meet the SLO.

use super::slo::{BAD_BREAK_ERROR_RATE, BAD_BREAK_LATENCY_FACTOR};
use crate::engine::LiveSnapshot;
use crate::report::format::{format_micros, format_percent};

/// The watcher's state for one step.
#[derive(Debug, Clone)]
pub struct StepWatch {
    rate: f64,
    warmup_s: f64,
    latency_limit_s: Option<f64>,
    last: Option<(f64, LiveSnapshot)>,
}

impl StepWatch {
    /// A watch of a step at `rate` req/s whose first `warmup_s` seconds are not judged.
    pub fn new(rate: f64, warmup_s: f64, latency_limit_s: Option<f64>) -> Self {
        StepWatch {
            rate,
            warmup_s,
            latency_limit_s,
            last: None,
        }
    }

    /// Reads the counters at `elapsed_s` into the step; returns why to stop it, if it should.
    pub fn tick(&mut self, elapsed_s: f64, now: LiveSnapshot) -> Option<String> {
        if elapsed_s < self.warmup_s {
            return None;
        }
        let Some((t0, before)) = self.last else {
            self.last = Some((elapsed_s, now));
            return None;
        };
        if elapsed_s - t0 < 1.0 {
            return None;
        }
        self.last = Some((elapsed_s, now));
        let completed = now.completed.saturating_sub(before.completed);
        let errors = now.errors.saturating_sub(before.errors);
        if completed > 0 && errors as f64 / completed as f64 > BAD_BREAK_ERROR_RATE {
            return Some(format!(
                "cut short: {} of the requests completed in a second failed (over {})",
                format_percent(errors as f64 / completed as f64),
                format_percent(BAD_BREAK_ERROR_RATE)
            ));
        }
        let limit = self.latency_limit_s?;
        let mean_latency_s = now.in_flight() as f64 / self.rate.max(1e-9);
        (mean_latency_s > BAD_BREAK_LATENCY_FACTOR * limit).then(|| {
            format!(
                "cut short: {} requests in flight at {:.0}/s mean a latency of about {}, over {}× the limit {}",
                now.in_flight(),
                self.rate,
                format_micros(mean_latency_s * 1e6),
                BAD_BREAK_LATENCY_FACTOR,
                format_micros(limit * 1e6)
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(sent: u64, completed: u64, errors: u64) -> LiveSnapshot {
        LiveSnapshot {
            sent,
            completed,
            errors,
            dropped: 0,
        }
    }

    #[test]
    fn stops_early_on_a_bad_break_after_the_warm_up() {
        // 100/s against a 50 ms limit: 60 in flight ≈ 600 ms mean latency > 10 × 50 ms.
        let mut w = StepWatch::new(100.0, 2.0, Some(0.05));
        assert_eq!(
            w.tick(1.0, snap(100, 40, 0)),
            None,
            "warm-up is never judged"
        );
        assert_eq!(w.tick(2.0, snap(200, 140, 0)), None);
        let why = w.tick(3.0, snap(300, 240, 0)).expect("cut short");
        assert!(why.contains("60 requests in flight"), "{why}");
    }

    #[test]
    fn errors_over_half_stop_it() {
        let mut w = StepWatch::new(100.0, 0.0, None);
        assert_eq!(w.tick(0.0, snap(0, 0, 0)), None);
        assert_eq!(
            w.tick(0.5, snap(50, 50, 40)),
            None,
            "less than a second apart"
        );
        let why = w.tick(1.0, snap(100, 100, 60)).expect("cut short");
        assert!(why.contains("60.0%"), "{why}");
    }

    #[test]
    fn a_healthy_step_runs_on() {
        let mut w = StepWatch::new(500.0, 1.0, Some(0.05));
        for s in 1..10u64 {
            assert_eq!(w.tick(s as f64, snap(500 * s, 500 * s - 10, 1)), None);
        }
    }
}
