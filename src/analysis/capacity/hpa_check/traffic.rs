//! The traffic shape an HPA is checked against: a scenario's stages (open model, rates joined
//! piecewise-linearly; a step between stages is a vertical jump) or a CSV of `time_s,rate` rows
//! (a header line and `#` comments are skipped).

use super::super::error::CapacityError;
use crate::analysis::hpa::TrafficShape;
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
    fn reads_the_bundled_peak_scenario() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hpa/peak.toml");
        let shape = traffic_from_path(&path).unwrap();
        assert!(shape.end_s() >= 600.0 && shape.peak_rps() > shape.rate_at(0.0));
    }
}
