//! The traffic shape an HPA is checked against: a scenario's stages (open model, rates joined
//! piecewise-linearly; a step between stages is a vertical jump) or a CSV of `time_s,rate` rows
//! (a header line and `#` comments are skipped) — or a run's own load: its open-model stages,
//! or for a closed-model run the requests it actually sent each second.

use super::super::error::CapacityError;
use crate::analysis::hpa::TrafficShape;
use crate::metrics::{LoadModelInfo, RunResult};
use crate::scenario::{self, LoadModel};
use std::path::Path;

/// Reads the shape from a `.csv` file, or else from a scenario.
pub fn traffic_from_path(path: &Path) -> Result<TrafficShape, CapacityError> {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let points = if is_csv {
        let text = std::fs::read_to_string(path).map_err(|source| CapacityError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        csv_points(&text).map_err(|problem| CapacityError::Parse {
            path: path.to_path_buf(),
            problem,
        })?
    } else {
        scenario_points(path)?
    };
    TrafficShape::new(points).map_err(|e| CapacityError::Parse {
        path: path.to_path_buf(),
        problem: e.to_string(),
    })
}

fn scenario_points(path: &Path) -> Result<Vec<(f64, f64)>, CapacityError> {
    let plan = scenario::load(path)?;
    if let LoadModel::Closed { .. } = plan.load.model {
        return Err(CapacityError::Scenario {
            path: path.to_path_buf(),
            problem: "a traffic shape is a request rate: use an open-model scenario or a CSV of time_s,rate".into(),
        });
    }
    Ok(plan
        .load
        .stages
        .iter()
        .flat_map(|s| {
            [
                (s.start.as_secs_f64(), s.from),
                (s.end().as_secs_f64(), s.to),
            ]
        })
        .collect())
}

/// The load a run applied, as a traffic shape: its stages' rates for the open model (what it
/// offered), else the requests sent in each second of its timeline (users do not map to a rate).
/// The second value says which.
pub fn run_traffic(run: &RunResult) -> Result<(TrafficShape, &'static str), String> {
    let (points, what): (Vec<(f64, f64)>, _) = match run.scenario.model {
        LoadModelInfo::Open => (
            run.stages
                .iter()
                .flat_map(|s| [(s.start_s, s.from), (s.start_s + s.duration_s, s.to)])
                .collect(),
            "the run's stages",
        ),
        LoadModelInfo::Closed { .. } => (
            run.timeline
                .iter()
                .map(|s| (f64::from(s.t), f64::from(s.sent)))
                .collect(),
            "the requests the run sent each second (closed model)",
        ),
    };
    TrafficShape::new(points)
        .map(|shape| (shape, what))
        .map_err(|e| format!("the run's load is not a usable traffic shape: {e}"))
}

/// `time_s,rate` rows.
pub fn csv_points(text: &str) -> Result<Vec<(f64, f64)>, String> {
    let mut points = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = line.split_once(',').and_then(|(t, r)| {
            Some((t.trim().parse::<f64>().ok()?, r.trim().parse::<f64>().ok()?))
        });
        match parsed {
            Some(p) => points.push(p),
            None if points.is_empty() && i == 0 => continue, // a header
            None => {
                return Err(format!(
                    "line {}: expected `time_s,rate` (two numbers), got {line:?}",
                    i + 1
                ))
            }
        }
    }
    if points.is_empty() {
        return Err("no `time_s,rate` rows".into());
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_csv_rows() {
        let p = csv_points("time_s,rate\n0,100\n# peak\n60, 400\n").unwrap();
        assert_eq!(p, vec![(0.0, 100.0), (60.0, 400.0)]);
        assert!(csv_points("time_s,rate\n").is_err());
        let e = csv_points("0,100\n60;400\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn a_runs_traffic_is_its_stages_or_what_it_sent() {
        let mut run = crate::report::test_support::sample_result();
        let (shape, what) = run_traffic(&run).unwrap();
        assert_eq!(what, "the run's stages");
        assert_eq!(shape.end_s(), 40.0);
        assert_eq!(shape.rate_at(5.0), 50.0);
        assert_eq!(shape.rate_at(15.0), 200.0);
        assert_eq!(shape.rate_at(35.0), 600.0);
        run.scenario.model = LoadModelInfo::Closed { think_time_s: 1.0 };
        let (shape, what) = run_traffic(&run).unwrap();
        assert!(what.contains("closed model"), "{what}");
        let t = &run.timeline[12];
        assert_eq!(shape.rate_at(f64::from(t.t)), f64::from(t.sent));
    }

    #[test]
    fn reads_the_bundled_peak_scenario() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hpa/peak.toml");
        let shape = traffic_from_path(&path).unwrap();
        assert!(shape.end_s() >= 600.0 && shape.peak_rps() > shape.rate_at(0.0));
    }
}
