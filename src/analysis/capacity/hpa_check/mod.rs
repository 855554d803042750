//! The `hpa` command's library half: does a HorizontalPodAutoscaler scale out before the SLO
//! breaks, given the cost and latency a capacity search measured and a traffic shape? Reads the
//! inputs, runs the HPA simulator (`analysis::hpa`) and its recommendation, and renders the
//! outcome (`text.rs`, `markdown.rs`, `html.rs` + `chart.rs`, written by `write.rs`). Live mode:
//! given a run that recorded the real HPA's replicas from Prometheus (`actual.rs`), the
//! simulation is driven by that run's load and the two replica curves are set side by side.

pub mod actual;
mod chart;
mod cost;
mod html;
mod markdown;
pub mod text;
mod traffic;
mod write;

pub use actual::{ActualOverlay, Divergence, ReplicaPair, CPU_QUERY, REPLICAS_QUERY};
pub use cost::cost_model;
pub use traffic::{csv_points, run_traffic, traffic_from_path};
pub use write::write_hpa_dir;

use super::error::CapacityError;
use super::result::CapacityResult;
use super::slo::Slo;
use crate::analysis::hpa::{
    pod_cpu_request_from_deployment_yaml_named, recommend_target, simulate, CostModel, HpaSpec,
    Recommendation, SimInput, SimOutput, TrafficShape, MODELLED_RELEASE,
};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What to check.
#[derive(Debug, Clone)]
pub struct HpaCheckInput {
    pub hpa_file: PathBuf,
    pub deployment_file: Option<PathBuf>,
    /// `--pod-cpu`, cores.
    pub pod_cpu_cores: Option<f64>,
    pub capacity_dir: PathBuf,
    /// A scenario or a `time_s,rate` CSV; `None` takes the load of `actual_run`.
    pub traffic: Option<PathBuf>,
    /// A run directory (or its `result.json`) that recorded the real HPA's replicas.
    pub actual_run: Option<PathBuf>,
    pub slo: Slo,
    pub startup: Duration,
    pub metrics_lag: Duration,
}

/// The outcome, saved as `hpa.json`.
#[derive(Debug, Clone, Serialize)]
pub struct HpaReport {
    /// The upstream release whose semantics were simulated.
    pub modelled_release: &'static str,
    pub hpa_file: String,
    pub hpa: HpaSpec,
    pub pod_cpu_request_cores: f64,
    /// Where the pod CPU request came from.
    pub pod_cpu_source: String,
    pub capacity_dir: String,
    pub traffic_source: String,
    pub traffic: TrafficShape,
    pub slo_p99_ms: f64,
    pub startup_s: f64,
    pub metrics_lag_s: f64,
    pub cost: CostModel,
    pub simulation: SimOutput,
    pub recommendation: Recommendation,
    /// The replicas a run recorded, beside the prediction (`--actual`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<ActualOverlay>,
    /// The given HPA breaches the SLO somewhere in the traffic shape.
    pub breached: bool,
}

/// Reads the inputs, simulates the HPA and recommends a target.
pub fn check(input: &HpaCheckInput) -> Result<HpaReport, CapacityError> {
    let hpa_text = read(&input.hpa_file)?;
    let hpa = HpaSpec::from_yaml_named(&input.hpa_file.display().to_string(), &hpa_text)?;
    let capacity = CapacityResult::read(&input.capacity_dir)?;
    let (pod_cpu, pod_cpu_source) = pod_cpu(input, &capacity)?;
    let cost = cost_model(&capacity, &input.capacity_dir)?;
    let run = match &input.actual_run {
        Some(path) => {
            let run = actual::read_run(path)?;
            Some((actual::recorded(&run, path)?, run, path))
        }
        None => None,
    };
    let (traffic, traffic_source) = match (&input.traffic, &run) {
        (Some(path), _) => (traffic_from_path(path)?, path.display().to_string()),
        (None, Some((_, result, path))) => {
            let (shape, what) = run_traffic(result).map_err(|problem| CapacityError::Parse {
                path: path.to_path_buf(),
                problem,
            })?;
            (shape, format!("{} ({what})", path.display()))
        }
        (None, None) => {
            return Err(CapacityError::input(
                "--traffic",
                "give a traffic shape (a scenario or a time_s,rate CSV), or --actual RUN_DIR to use that run's load",
            ))
        }
    };
    let slo_p99_ms = input.slo.p99_limit_ms().ok_or_else(|| CapacityError::Slo {
        text: input.slo.text.clone(),
        problem: "needs a p99 term (e.g. \"p99<200ms\"): the simulator predicts p99".into(),
    })?;
    let mut sim = SimInput::new(
        hpa.clone(),
        pod_cpu,
        cost.clone(),
        traffic.clone(),
        slo_p99_ms,
    );
    sim.timing.startup_delay = input.startup;
    sim.timing.metrics_lag = input.metrics_lag;
    sim.initial_replicas = run.as_ref().and_then(|(rec, ..)| rec.initial_replicas());
    let simulation = simulate(&sim)?;
    let actual = run.map(|(rec, ..)| actual::overlay(&rec, &simulation, pod_cpu));
    let recommendation = recommend_target(&sim, slo_p99_ms)?;
    Ok(HpaReport {
        modelled_release: MODELLED_RELEASE,
        hpa_file: input.hpa_file.display().to_string(),
        hpa,
        pod_cpu_request_cores: pod_cpu,
        pod_cpu_source,
        capacity_dir: input.capacity_dir.display().to_string(),
        traffic_source,
        traffic,
        slo_p99_ms,
        startup_s: input.startup.as_secs_f64(),
        metrics_lag_s: input.metrics_lag.as_secs_f64(),
        cost,
        breached: !simulation.breaches.is_empty(),
        simulation,
        recommendation,
        actual,
    })
}

/// `--pod-cpu`, else the Deployment's request, else the one the capacity search was given.
fn pod_cpu(
    input: &HpaCheckInput,
    capacity: &CapacityResult,
) -> Result<(f64, String), CapacityError> {
    if let Some(c) = input.pod_cpu_cores {
        return Ok((c, "--pod-cpu".into()));
    }
    if let Some(path) = &input.deployment_file {
        return Ok((read_pod_cpu(path)?, path.display().to_string()));
    }
    capacity
        .per_pod
        .as_ref()
        .map(|p| (p.pod_cpu_cores, "the capacity result".to_string()))
        .ok_or_else(|| {
            CapacityError::input(
                "--deployment",
                "the pod CPU request is unknown: give --deployment deploy.yaml or --pod-cpu 500m",
            )
        })
}

/// The pod CPU request, cores, of the Deployment in `path`.
pub fn read_pod_cpu(path: &Path) -> Result<f64, CapacityError> {
    let text = read(path)?;
    Ok(pod_cpu_request_from_deployment_yaml_named(
        &path.display().to_string(),
        &text,
    )?)
}

fn read(path: &Path) -> Result<String, CapacityError> {
    std::fs::read_to_string(path).map_err(|source| CapacityError::Read {
        path: path.to_path_buf(),
        source,
    })
}
