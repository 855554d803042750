//! Stages, requests and outcomes add exactly: counts, drops, bytes and status codes sum; HDR
//! histograms (latency, service time, scheduler lag) add bucket by bucket.

use crate::metrics::{RequestResult, RunResult, StageResult};

/// The stages of `parts` (already checked to have the same stage names, in order) added up.
pub fn merge_stages(parts: &[&RunResult]) -> Vec<StageResult> {
    let Some(first) = parts.first() else {
        return Vec::new();
    };
    first
        .stages
        .iter()
        .enumerate()
        .map(|(i, template)| {
            let same: Vec<&StageResult> = parts.iter().filter_map(|p| p.stages.get(i)).collect();
            merge_stage(template, &same)
        })
        .collect()
}

fn merge_stage(template: &StageResult, stages: &[&StageResult]) -> StageResult {
    let mut merged = StageResult {
        // The plan's levels (`from`, `to`) are the whole scenario's in every segment.
        requests: Vec::new(),
        warmup: Vec::new(),
        scheduler_lag: Default::default(),
        // A segment stopped early measured less; the merged stage covers the longest window.
        measured_s: stages.iter().map(|s| s.measured_s).fold(0.0, f64::max),
        ..template.clone()
    };
    for s in stages {
        add_requests(&mut merged.requests, &s.requests);
        add_requests(&mut merged.warmup, &s.warmup);
        merged.scheduler_lag.add(&s.scheduler_lag);
    }
    merged
}

/// Adds `from` into `into`, matching requests by name (new names are appended in order).
pub fn add_requests(into: &mut Vec<RequestResult>, from: &[RequestResult]) {
    for r in from {
        match into.iter_mut().find(|m| m.name == r.name) {
            Some(m) => add_request(m, r),
            None => {
                let mut fresh = RequestResult {
                    name: r.name.clone(),
                    ..RequestResult::default()
                };
                add_request(&mut fresh, r);
                into.push(fresh);
            }
        }
    }
}

fn add_request(into: &mut RequestResult, from: &RequestResult) {
    into.dropped += from.dropped;
    into.bytes_received += from.bytes_received;
    for (outcome, o) in &from.outcomes {
        let m = into.outcomes.entry(*outcome).or_default();
        m.count += o.count;
        m.latency.add(&o.latency);
        m.service_time.add(&o.service_time);
    }
    for (code, n) in &from.status_codes {
        *into.status_codes.entry(code.clone()).or_insert(0) += n;
    }
}
