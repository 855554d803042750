//! Live mode's second half: what a run recorded from a Prometheus server about the real HPA —
//! its `[metrics.queries]` named [`REPLICAS_QUERY`] (the scale's replicas, e.g. kube-state-metrics'
//! `kube_horizontalpodautoscaler_status_current_replicas`) and, optionally, [`CPU_QUERY`] (CPU
//! cores used by all the pods) — read back from `result.json` and set beside the simulation:
//! one row per recorded point, and how far prediction and reality diverged.
//!
//! Pure apart from [`read_run`]. Times are seconds since the run's start, which is also the
//! simulation's `t = 0` when the traffic shape is the run's own stages.

use super::super::error::CapacityError;
use crate::analysis::hpa::SimOutput;
use crate::metrics::RunResult;
use crate::probe::{MetricSeries, ProbeResults, QueryResult};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `[metrics.queries]` name whose result is the actual replica count.
pub const REPLICAS_QUERY: &str = "replicas";
/// The `[metrics.queries]` name whose result is the CPU cores used by all the pods.
pub const CPU_QUERY: &str = "cpu";

/// A first replicas point later than this (one HPA sync period) does not say how the run
/// started; the simulation then starts in its own steady state.
pub const INITIAL_WITHIN_S: f64 = 15.0;

/// The replicas (and CPU) a run recorded, as `[t_s, value]` points.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The run directory (or `result.json`) they came from, as given.
    pub run: String,
    /// The PromQL behind [`REPLICAS_QUERY`].
    pub replicas_query: String,
    pub replicas: Vec<[f64; 2]>,
    /// The PromQL behind [`CPU_QUERY`], when the run had one that returned data.
    pub cpu_query: Option<String>,
    /// CPU cores, summed over the query's series at each instant.
    pub cpu_cores: Vec<[f64; 2]>,
}

impl Recorded {
    /// The replicas at the run's start (its first point, rounded, if it is within the first
    /// [`INITIAL_WITHIN_S`]): where the simulation starts, so both curves leave from the same
    /// state.
    pub fn initial_replicas(&self) -> Option<u32> {
        self.replicas
            .first()
            .filter(|p| p[0] <= INITIAL_WITHIN_S)
            .map(|p| p[1].round().clamp(0.0, f64::from(u32::MAX)) as u32)
    }

    /// The replicas recorded at or before `t_s` (the latest such point).
    fn replicas_at(&self, t_s: f64) -> Option<f64> {
        let n = self.replicas.partition_point(|p| p[0] <= t_s);
        n.checked_sub(1).map(|i| self.replicas[i][1])
    }
}

/// Reads a run's `result.json` (the directory or the file).
pub fn read_run(path: &Path) -> Result<RunResult, CapacityError> {
    let file: PathBuf = if path.is_dir() {
        path.join("result.json")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|source| CapacityError::Read {
        path: file.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| CapacityError::Parse {
        path: file,
        problem: format!("not a loadlab run result: {e}"),
    })
}

/// The replicas (and CPU) recorded by `run`, read from `path`. Fails, saying what to add to the
/// scenario, when the run has no usable `replicas` query.
pub fn recorded(run: &RunResult, path: &Path) -> Result<Recorded, CapacityError> {
    let problem = |problem: String| CapacityError::Parse {
        path: path.to_path_buf(),
        problem,
    };
    let probes = ProbeResults::from_value(&run.probes);
    let queries = probes.metrics.map(|m| m.queries).unwrap_or_default();
    let find = |name: &str| queries.iter().find(|q| q.name == name);
    let replicas = find(REPLICAS_QUERY).ok_or_else(|| {
        problem(format!(
            "the run recorded no `{REPLICAS_QUERY}` query; add to its scenario `[metrics] prometheus = \"http://…\"` and \
             `[metrics.queries] {REPLICAS_QUERY} = 'kube_horizontalpodautoscaler_status_current_replicas{{horizontalpodautoscaler=\"NAME\"}}'`"
        ))
    })?;
    let replica_points = single_series(replicas).map_err(problem)?;
    if replica_points.is_empty() {
        return Err(problem(format!(
            "the `{REPLICAS_QUERY}` query ({}) has no points inside the run",
            replicas.query
        )));
    }
    let cpu = find(CPU_QUERY).filter(|q| q.error.is_none() && !q.series.is_empty());
    Ok(Recorded {
        run: path.display().to_string(),
        replicas_query: replicas.query.clone(),
        replicas: replica_points,
        cpu_query: cpu.map(|q| q.query.clone()),
        cpu_cores: cpu.map(|q| summed(&q.series)).unwrap_or_default(),
    })
}

/// The one series a replicas query must return, its points in time order.
fn single_series(q: &QueryResult) -> Result<Vec<[f64; 2]>, String> {
    if let Some(e) = &q.error {
        return Err(format!(
            "the `{}` query ({}) failed during the run: {e}",
            q.name, q.query
        ));
    }
    match q.series.as_slice() {
        [one] => Ok(sorted(one.points.clone())),
        [] => Err(format!(
            "the `{}` query ({}) returned no series: does Prometheus have it?",
            q.name, q.query
        )),
        many => Err(format!(
            "the `{}` query ({}) returned {} series ({}); narrow it to one HPA (a label matcher) or wrap it in max()",
            q.name,
            q.query,
            many.len(),
            many.iter()
                .map(|s| format!("{:?}", s.labels))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The series added up at each instant (range queries share one time grid).
fn summed(series: &[MetricSeries]) -> Vec<[f64; 2]> {
    let mut at: BTreeMap<i64, f64> = BTreeMap::new();
    for p in series.iter().flat_map(|s| &s.points) {
        *at.entry((p[0] * 1000.0).round() as i64).or_default() += p[1];
    }
    at.into_iter().map(|(ms, v)| [ms as f64 / 1e3, v]).collect()
}

fn sorted(mut points: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    points.sort_by(|a, b| a[0].total_cmp(&b[0]));
    points
}

/// Predicted and actual replicas at one recorded instant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReplicaPair {
    /// Seconds since the run's start.
    pub t_s: f64,
    /// The simulated scale's replicas (ready or not) in that second.
    pub predicted: u32,
    /// The recorded value.
    pub actual: f64,
}

/// How far the prediction was from what the cluster did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Divergence {
    /// Recorded points inside the simulated span.
    pub compared_points: usize,
    /// The largest |predicted − actual| replicas.
    pub max_abs_replicas: f64,
    /// When it first occurred, seconds.
    pub max_at_s: Option<f64>,
    /// The mean |predicted − actual| over the compared points.
    pub mean_abs_replicas: f64,
    /// The first simulated scale-out (replicas up), seconds.
    pub predicted_first_scale_out_s: Option<f64>,
    /// The first recorded point above the run's starting replicas, seconds.
    pub actual_first_scale_out_s: Option<f64>,
}

/// Actual beside predicted, saved under `actual` in `hpa.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActualOverlay {
    pub run: String,
    pub replicas_query: String,
    /// `[t_s, replicas]` as recorded.
    pub replicas: Vec<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_query: Option<String>,
    /// `[t_s, %]`: the `cpu` query's cores ÷ (actual replicas × pod CPU request), the per-pod
    /// utilization the real HPA acted on (before metrics-server's window and lag).
    pub cpu_utilization_pct: Vec<[f64; 2]>,
    /// One row per recorded point inside the simulation.
    pub compared: Vec<ReplicaPair>,
    pub divergence: Divergence,
}

/// Sets the recorded replicas beside the simulation's.
pub fn overlay(rec: &Recorded, sim: &SimOutput, pod_cpu_request_cores: f64) -> ActualOverlay {
    let compared: Vec<ReplicaPair> = rec
        .replicas
        .iter()
        .filter(|p| p[0] >= 0.0)
        .filter_map(|p| {
            let second = sim.timeline.get(p[0].floor() as usize)?;
            Some(ReplicaPair {
                t_s: p[0],
                predicted: second.desired_replicas,
                actual: p[1],
            })
        })
        .collect();
    let cpu_utilization_pct = rec
        .cpu_cores
        .iter()
        .filter_map(|&[t, cores]| {
            let replicas = rec.replicas_at(t).filter(|r| *r > 0.0)?;
            Some([t, cores / (replicas * pod_cpu_request_cores) * 100.0])
        })
        .collect();
    ActualOverlay {
        run: rec.run.clone(),
        replicas_query: rec.replicas_query.clone(),
        replicas: rec.replicas.clone(),
        cpu_query: rec.cpu_query.clone(),
        cpu_utilization_pct,
        divergence: divergence(&compared, rec, sim),
        compared,
    }
}

fn divergence(compared: &[ReplicaPair], rec: &Recorded, sim: &SimOutput) -> Divergence {
    let mut max_abs = 0.0;
    let mut max_at = None;
    let mut sum = 0.0;
    for p in compared {
        let d = (f64::from(p.predicted) - p.actual).abs();
        sum += d;
        if d > max_abs {
            max_abs = d;
            max_at = Some(p.t_s);
        }
    }
    let start = rec.replicas.first().map_or(0.0, |p| p[1]);
    Divergence {
        compared_points: compared.len(),
        max_abs_replicas: max_abs,
        max_at_s: max_at,
        mean_abs_replicas: if compared.is_empty() {
            0.0
        } else {
            sum / compared.len() as f64
        },
        predicted_first_scale_out_s: sim
            .events
            .iter()
            .find(|e| e.to > e.from)
            .map(|e| e.t_s as f64),
        actual_first_scale_out_s: rec.replicas.iter().find(|p| p[1] > start).map(|p| p[0]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::hpa::{ScaleEvent, TimelinePoint, MODELLED_RELEASE};

    fn sim(desired: &[u32]) -> SimOutput {
        let timeline = desired
            .iter()
            .enumerate()
            .map(|(t, &d)| TimelinePoint {
                t_s: t as u64,
                demand_rps: 100.0,
                ready_replicas: d,
                desired_replicas: d,
                per_pod_utilization_pct: Some(50.0),
                per_pod_rps: Some(50.0),
                predicted_p99_ms: 5.0,
                queued_requests: 0.0,
                slo_breach: false,
                hpa_utilization_pct: None,
            })
            .collect();
        let events = desired
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] != w[1])
            .map(|(t, w)| ScaleEvent {
                t_s: t as u64 + 1,
                from: w[0],
                to: w[1],
                reason: "test".into(),
                utilization_pct: None,
                limited_by: None,
            })
            .collect();
        SimOutput {
            modelled_release: MODELLED_RELEASE,
            initial_replicas: desired[0],
            timeline,
            events,
            breaches: Vec::new(),
            breach_seconds: 0,
            peak_replicas: desired.iter().copied().max().unwrap_or(0),
            peak_queued_requests: 0.0,
        }
    }

    fn recorded(replicas: &[[f64; 2]], cpu: &[[f64; 2]]) -> Recorded {
        Recorded {
            run: "run".into(),
            replicas_query: "r".into(),
            replicas: replicas.to_vec(),
            cpu_query: (!cpu.is_empty()).then(|| "c".into()),
            cpu_cores: cpu.to_vec(),
        }
    }

    #[test]
    fn divergence_and_first_scale_outs() {
        // Predicted: 2, 2, 3, 3, 3, 3; actual: 2, 2, 2, 2, 4, 4 (and one point past the end).
        let rec = recorded(
            &[
                [0.2, 2.0],
                [1.2, 2.0],
                [2.2, 2.0],
                [3.2, 2.0],
                [4.2, 4.0],
                [5.2, 4.0],
                [9.0, 4.0],
            ],
            &[],
        );
        let o = overlay(&rec, &sim(&[2, 2, 3, 3, 3, 3]), 0.5);
        assert_eq!(o.compared.len(), 6);
        assert_eq!(o.compared[2].predicted, 3);
        let d = &o.divergence;
        assert_eq!(d.compared_points, 6);
        assert_eq!(d.max_abs_replicas, 1.0);
        assert_eq!(d.max_at_s, Some(2.2));
        assert!((d.mean_abs_replicas - 4.0 / 6.0).abs() < 1e-9);
        assert_eq!(d.predicted_first_scale_out_s, Some(2.0));
        assert_eq!(d.actual_first_scale_out_s, Some(4.2));
        assert_eq!(rec.initial_replicas(), Some(2));
        assert_eq!(recorded(&[[16.0, 3.0]], &[]).initial_replicas(), None);
    }

    #[test]
    fn cpu_becomes_per_pod_utilization_with_the_actual_replicas() {
        let rec = recorded(
            &[[0.0, 2.0], [3.0, 4.0]],
            &[[-1.0, 0.8], [1.0, 0.8], [3.5, 0.8]],
        );
        let o = overlay(&rec, &sim(&[2, 2, 2, 2]), 0.5);
        // Before the first replicas point there is nothing to divide by.
        assert_eq!(o.cpu_utilization_pct, vec![[1.0, 80.0], [3.5, 40.0]]);
        assert_eq!(o.divergence.predicted_first_scale_out_s, None);
    }

    #[test]
    fn series_are_summed_on_their_shared_grid() {
        let s = |points: Vec<[f64; 2]>| MetricSeries {
            name: "c".into(),
            labels: BTreeMap::new(),
            kind: crate::probe::SeriesKind::Other,
            unit_hint: None,
            points,
            rate_points: None,
        };
        let total = summed(&[
            s(vec![[1.0, 0.25], [2.0, 0.5]]),
            s(vec![[1.0, 0.25], [3.0, 1.0]]),
        ]);
        assert_eq!(total, vec![[1.0, 0.5], [2.0, 0.5], [3.0, 1.0]]);
    }

    #[test]
    fn reads_the_queries_a_run_recorded() {
        let mut run = crate::report::test_support::sample_result();
        let path = Path::new("runs/live");
        let e = super::recorded(&run, path).unwrap_err().to_string();
        assert!(
            e.contains("runs/live") && e.contains("[metrics.queries] replicas ="),
            "{e}"
        );
        run.probes = serde_json::json!({"metrics": {"queries": [
            {"name": "replicas", "query": "kube_r", "series": [
                {"name": "kube_r", "kind": "other", "points": [[0.5, 2.0], [1.5, 3.0]]}]},
            {"name": "cpu", "query": "sum(c)", "series": [
                {"name": "sum(c)", "kind": "other", "points": [[0.5, 0.4], [1.5, 0.6]]}]},
        ]}});
        let rec = super::recorded(&run, path).unwrap();
        assert_eq!(rec.replicas, vec![[0.5, 2.0], [1.5, 3.0]]);
        assert_eq!(rec.cpu_query.as_deref(), Some("sum(c)"));
        assert_eq!(rec.cpu_cores, vec![[0.5, 0.4], [1.5, 0.6]]);
        assert_eq!(rec.initial_replicas(), Some(2));
    }

    #[test]
    fn a_replicas_query_must_be_one_series() {
        let q = |series: Vec<MetricSeries>, error: Option<String>| QueryResult {
            name: REPLICAS_QUERY.into(),
            query: "kube_x".into(),
            series,
            error,
        };
        let e = single_series(&q(Vec::new(), None)).unwrap_err();
        assert!(e.contains("no series"), "{e}");
        let e = single_series(&q(Vec::new(), Some("HTTP 400".into()))).unwrap_err();
        assert!(e.contains("failed during the run: HTTP 400"), "{e}");
        let one = MetricSeries {
            name: "kube_x".into(),
            labels: BTreeMap::new(),
            kind: crate::probe::SeriesKind::Other,
            unit_hint: None,
            points: vec![[2.0, 4.0], [1.0, 2.0]],
            rate_points: None,
        };
        assert_eq!(
            single_series(&q(vec![one.clone()], None)).unwrap(),
            vec![[1.0, 2.0], [2.0, 4.0]]
        );
        let e = single_series(&q(vec![one.clone(), one], None)).unwrap_err();
        assert!(
            e.contains("returned 2 series") && e.contains("max()"),
            "{e}"
        );
    }
}
