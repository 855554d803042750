//! Whether two runs can be compared: the same stages and requests by name and the same load
//! model. Differences that only change how to read the comparison (scenario digest, rates,
//! partial runs, a saturated generator) are warnings.

use super::error::CompareError;
use crate::metrics::{LoadModelInfo, RunResult, StageResult};

/// Every difference that makes the runs incomparable, or the warnings when there is none.
pub fn check(base: &RunResult, candidate: &RunResult) -> Result<Vec<String>, CompareError> {
    let mut differences = Vec::new();
    if base.scenario.model != candidate.scenario.model {
        differences.push(format!(
            "load model: {} in the base run, {} in the candidate",
            model(&base.scenario.model),
            model(&candidate.scenario.model)
        ));
    }
    missing(
        &names(&base.stages),
        &names(&candidate.stages),
        "stage",
        "",
        &mut differences,
    );
    for b in &base.stages {
        if let Some(c) = candidate.stages.iter().find(|c| c.name == b.name) {
            let context = format!(" in stage {:?}", b.name);
            let reqs = |s: &StageResult| {
                s.requests
                    .iter()
                    .map(|r| r.name.clone())
                    .collect::<Vec<_>>()
            };
            missing(&reqs(b), &reqs(c), "request", &context, &mut differences);
        }
    }
    if !differences.is_empty() {
        return Err(CompareError::Incompatible { differences });
    }
    Ok(warnings(base, candidate))
}

fn names(stages: &[StageResult]) -> Vec<String> {
    stages.iter().map(|s| s.name.clone()).collect()
}

fn missing(
    base: &[String],
    candidate: &[String],
    what: &str,
    context: &str,
    out: &mut Vec<String>,
) {
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter()
            .filter(|n| !b.contains(n))
            .map(|n| format!("{n:?}"))
            .collect()
    };
    let (only_base, only_candidate) = (only(base, candidate), only(candidate, base));
    if !only_base.is_empty() {
        out.push(format!(
            "{what} {}{context} only in the base run",
            only_base.join(", ")
        ));
    }
    if !only_candidate.is_empty() {
        out.push(format!(
            "{what} {}{context} only in the candidate run",
            only_candidate.join(", ")
        ));
    }
}

fn model(m: &LoadModelInfo) -> String {
    match m {
        LoadModelInfo::Open => "open".into(),
        LoadModelInfo::Closed { think_time_s } => format!("closed (think time {think_time_s}s)"),
    }
}

fn warnings(base: &RunResult, candidate: &RunResult) -> Vec<String> {
    let mut w = Vec::new();
    if base.scenario.digest != candidate.scenario.digest {
        w.push(
            "the scenario files differ (different digests): check that the load is the same".into(),
        );
    }
    for b in &base.stages {
        let Some(c) = candidate.stages.iter().find(|c| c.name == b.name) else {
            continue;
        };
        let differs = |x: f64, y: f64| (x - y).abs() > 0.01 * x.abs().max(y.abs()).max(1e-9);
        if differs(b.from, c.from) || differs(b.to, c.to) {
            w.push(format!(
                "stage {:?}: load level {}→{} in the base run, {}→{} in the candidate",
                b.name, b.from, b.to, c.from, c.to
            ));
        }
    }
    for (label, run) in [("base", base), ("candidate", candidate)] {
        if run.is_partial() {
            w.push(format!("the {label} run is partial: it stopped early"));
        }
        if run.generator.bottleneck {
            w.push(format!(
                "the load generator was a bottleneck in the {label} run"
            ));
        }
    }
    w
}
