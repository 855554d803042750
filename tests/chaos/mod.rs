//! Shared helpers for the hardening tests: the chaos server and the checks every hostile run
//! must pass. Processes, scenarios and in-process runs come from `tests/support`.
#![allow(dead_code)]

pub mod server;

use loadlab::metrics::{Outcome, RunResult};
use std::collections::BTreeMap;

/// Outcome counts of a run, by class, with zero counts left out.
pub fn outcomes(r: &RunResult) -> BTreeMap<Outcome, u64> {
    let (_, _, by) = r.all_counts();
    by.into_iter().filter(|(_, n)| *n > 0).collect()
}

/// The accounting every run must satisfy, however hostile the target: every planned arrival is
/// either sent or dropped, every sent request has exactly one outcome, and the per-second
/// timeline agrees with the histograms.
pub fn assert_counts_exact(r: &RunResult, planned_arrivals: u64) {
    let (sent, dropped, by) = r.all_counts();
    assert_eq!(
        sent + dropped,
        planned_arrivals,
        "sent {sent} + dropped {dropped} = planned arrivals"
    );
    assert_eq!(by.values().sum::<u64>(), sent, "one outcome per request");
    let timeline_sent: u64 = r.timeline.iter().map(|s| s.sent as u64).sum();
    assert_eq!(
        timeline_sent, sent,
        "the timeline counts every request sent"
    );
}

/// Resident set size of a process in kB, from `/proc/PID/status` (`self` for this one).
pub fn rss_kb(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
