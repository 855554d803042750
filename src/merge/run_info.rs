//! The merged run's identity: scenario (one digest, targets listed), wall-clock span, status
//! (partial if any part was, or a segment is missing), and the machines that ran it.

use super::check::Membership;
use crate::metrics::{Environment, RunInfo, RunResult, RunStatus, ScenarioInfo};

/// The first part's scenario; when segments were pointed at different targets, all are listed.
pub fn merge_scenario(parts: &[&RunResult]) -> Option<ScenarioInfo> {
    let first = parts.first()?;
    Some(ScenarioInfo {
        target: unique(parts.iter().map(|p| p.scenario.target.as_str())),
        ..first.scenario.clone()
    })
}

pub fn merge_run_info(membership: &Membership<'_>) -> Option<RunInfo> {
    let parts: Vec<&RunResult> = membership.parts.iter().map(|(_, p)| *p).collect();
    let earliest = parts.iter().min_by_key(|p| p.run.start_unix_ms)?;
    let start_ms = earliest.run.start_unix_ms;
    let duration_s = parts
        .iter()
        .map(|p| (p.run.start_unix_ms - start_ms) as f64 / 1000.0 + p.run.duration_s)
        .fold(0.0, f64::max);
    let mut reasons: Vec<String> = membership
        .parts
        .iter()
        .filter(|(_, p)| p.run.status == RunStatus::Partial)
        .map(|(s, p)| {
            let why = p.run.partial_reason.as_deref().unwrap_or("stopped early");
            format!("segment {}/{}: {why}", s.index, s.count)
        })
        .collect();
    if !membership.missing.is_empty() {
        let missing: Vec<String> = membership.missing.iter().map(u32::to_string).collect();
        reasons.push(format!(
            "merged without segment index {} of {} (--allow-partial): the load is short by that share",
            missing.join(", "),
            membership.count
        ));
    }
    Some(RunInfo {
        started_at: earliest.run.started_at.clone(),
        start_unix_ms: start_ms,
        duration_s,
        status: if reasons.is_empty() {
            RunStatus::Complete
        } else {
            RunStatus::Partial
        },
        partial_reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
        segment: None,
        environment: merge_environment(&parts),
    })
}

/// Hosts listed, CPUs and threads summed: the merged run had all of them.
fn merge_environment(parts: &[&RunResult]) -> Environment {
    let envs = || parts.iter().map(|p| &p.run.environment);
    Environment {
        host: unique(envs().map(|e| e.host.as_str())),
        os: unique(envs().map(|e| e.os.as_str())),
        arch: unique(envs().map(|e| e.arch.as_str())),
        cpus: envs().map(|e| e.cpus).sum(),
        threads: envs().map(|e| e.threads).sum(),
    }
}

/// Distinct values in first-seen order, comma separated.
pub fn unique<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for v in values {
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen.join(", ")
}
