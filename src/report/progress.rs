//! The live progress line: one more reader of the counters the engine publishes.

use super::format::{format_count, format_rate};
use crate::engine::LiveSnapshot;

/// What the progress line needs to know about the plan.
pub struct ProgressContext {
    pub total_s: f64,
    /// (name, start_s, end_s)
    pub stages: Vec<(String, f64, f64)>,
}

/// One progress line for elapsed time `t_s`, given this and the previous reading one
/// `interval_s` earlier.
pub fn progress_line(
    ctx: &ProgressContext,
    t_s: f64,
    now: &LiveSnapshot,
    before: &LiveSnapshot,
    interval_s: f64,
) -> String {
    let stage = ctx
        .stages
        .iter()
        .find(|(_, a, b)| t_s >= *a && t_s < *b)
        .map_or("ending", |(n, _, _)| n.as_str());
    let rate = if interval_s > 0.0 {
        now.completed.saturating_sub(before.completed) as f64 / interval_s
    } else {
        0.0
    };
    let pct = if ctx.total_s > 0.0 {
        (t_s / ctx.total_s * 100.0).min(100.0)
    } else {
        100.0
    };
    format!(
        "[{t_s:>6.1}s/{:.0}s {pct:>3.0}%] {stage:<10} sent {:>9}  done/s {:>8}  in-flight {:>5}  errors {:>7}  dropped {:>7}",
        ctx.total_s,
        format_count(now.sent),
        format_rate(rate),
        now.in_flight(),
        format_count(now.errors),
        format_count(now.dropped),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_current_stage_and_rate() {
        let ctx = ProgressContext {
            total_s: 10.0,
            stages: vec![("warm".into(), 0.0, 5.0), ("steady".into(), 5.0, 10.0)],
        };
        let before = LiveSnapshot {
            sent: 100,
            completed: 90,
            errors: 0,
            dropped: 0,
        };
        let now = LiveSnapshot {
            sent: 300,
            completed: 290,
            errors: 1,
            dropped: 2,
        };
        let line = progress_line(&ctx, 6.0, &now, &before, 1.0);
        assert!(line.contains("steady"), "{line}");
        assert!(line.contains("200.0"), "{line}");
        assert!(line.contains("60%"), "{line}");
    }
}
