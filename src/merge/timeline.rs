//! Timelines aligned on the wall clock: each part's seconds are shifted by its start's distance
//! from the earliest part's start (rounded to whole seconds) and summed second by second.

use crate::metrics::{RunResult, SecondResult};

/// Whole seconds between the earliest start and `part`'s start.
pub fn offset_s(part: &RunResult, earliest_ms: u64) -> u32 {
    let ms = part.run.start_unix_ms.saturating_sub(earliest_ms);
    u32::try_from((ms + 500) / 1000).unwrap_or(u32::MAX)
}

pub fn merge_timelines(parts: &[&RunResult]) -> Vec<SecondResult> {
    let earliest = parts.iter().map(|p| p.run.start_unix_ms).min().unwrap_or(0);
    let mut merged: Vec<SecondResult> = Vec::new();
    for p in parts {
        let offset = offset_s(p, earliest) as usize;
        for s in &p.timeline {
            let t = offset.saturating_add(s.t as usize);
            if merged.len() <= t {
                let from = merged.len();
                merged.extend((from..=t).map(|t| SecondResult {
                    t: t as u32,
                    ..SecondResult::default()
                }));
            }
            add_second(&mut merged[t], s);
        }
    }
    for s in &mut merged {
        s.p50_us = s.latency.percentile(50.0);
        s.p90_us = s.latency.percentile(90.0);
        s.p99_us = s.latency.percentile(99.0);
    }
    merged
}

fn add_second(into: &mut SecondResult, s: &SecondResult) {
    into.sent = into.sent.saturating_add(s.sent);
    into.dropped = into.dropped.saturating_add(s.dropped);
    into.completed = into.completed.saturating_add(s.completed);
    into.ok = into.ok.saturating_add(s.ok);
    for (outcome, n) in &s.errors {
        let e = into.errors.entry(*outcome).or_insert(0);
        *e = e.saturating_add(*n);
    }
    // The parts' peaks need not coincide within the second: the sum is an upper bound.
    into.in_flight_max = into.in_flight_max.saturating_add(s.in_flight_max);
    into.lag_max_us = into.lag_max_us.max(s.lag_max_us);
    into.latency.add(&s.latency);
}
