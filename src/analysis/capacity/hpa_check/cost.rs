//! The HPA simulator's cost model from a capacity result: CPU seconds per request, the capacity
//! found as the per-pod capacity, and p99 against per-pod load — each step's offered rate taken
//! as the load of a single pod (the target measured was one instance).

use super::super::error::CapacityError;
use super::super::figures::target_steps;
use super::super::result::CapacityResult;
use crate::analysis::hpa::{CostModel, LatencyCurve};
use std::path::Path;

pub fn cost_model(r: &CapacityResult, source: &Path) -> Result<CostModel, CapacityError> {
    let missing = |what: &str| CapacityError::Parse {
        path: source.to_path_buf(),
        problem: what.to_string(),
    };
    let cpu = r.cpu_seconds_per_request.ok_or_else(|| {
        missing(
            "has no CPU per request: rerun `loadlab capacity` with `[metrics] url` set in the \
             scenario, so the target's process_cpu_seconds_total is scraped",
        )
    })?;
    let capacity = r.max_rate_meeting_slo.ok_or_else(|| {
        missing("found no rate that met its SLO, so there is no per-pod capacity to model")
    })?;
    let mut points: Vec<(f64, f64)> = Vec::new();
    for s in target_steps(&r.steps) {
        let Some(p99) = s.p99_ms else { continue };
        match points.last_mut() {
            Some(last) if last.0 == s.rate => last.1 = p99,
            _ => points.push((s.rate, p99)),
        }
    }
    let curve = LatencyCurve::new(points).map_err(|e| missing(&e.to_string()))?;
    let cost = CostModel::new(cpu, capacity, curve);
    cost.validate().map_err(|e| missing(&e.to_string()))?;
    Ok(cost)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::capacity::figures::tests::step;
    use crate::analysis::capacity::{SearchContext, SearchEnd, SearchSettings};

    #[test]
    fn builds_the_curve_from_the_steps() {
        let steps = vec![
            step(100.0, 10.0, true, Some(0.05)),
            step(400.0, 12.0, true, Some(0.2)),
            step(800.0, 900.0, false, None),
            step(600.0, 300.0, false, None),
        ];
        let r = CapacityResult::build(
            SearchContext {
                scenario: "s".into(),
                scenario_path: "s.toml".into(),
                target: "t".into(),
                started_at: "now".into(),
                slo: "p99<50ms".into(),
            },
            SearchSettings {
                start_rate: 100.0,
                max_rate: 1000.0,
                growth: 2.0,
                precision: 0.05,
                step_s: 3.0,
                warmup_s: 0.75,
                max_in_flight: 256,
            },
            steps,
            SearchEnd::Found {
                capacity: 400.0,
                first_fail: 600.0,
            },
            Some(0.5),
        );
        let cost = cost_model(&r, Path::new("c.json")).unwrap();
        assert_eq!(
            cost.latency.points(),
            &[(100.0, 10.0), (400.0, 12.0), (600.0, 300.0), (800.0, 900.0)]
        );
        assert_eq!(cost.capacity_rps_per_pod, 400.0);
        assert!((cost.cpu_seconds_per_request - 0.0005).abs() < 1e-12);
        let mut no_cpu = r.clone();
        no_cpu.cpu_seconds_per_request = None;
        let e = cost_model(&no_cpu, Path::new("c.json")).unwrap_err();
        assert!(e.to_string().contains("[metrics] url"), "{e}");
    }
}
