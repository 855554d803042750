//! The simulator: drives the HPA control loop (`controller.rs`) with a traffic shape and a
//! measured cost model, one second at a time, and records what the cluster would do — replicas,
//! utilization, predicted p99 — and when the SLO breaks.
//!
//! Each second `t`: pods whose start-up delay has passed become ready; the demand at `t` is
//! served by the ready pods (`serving.rs`); on every sync period the controller reconciles against
//! samples shaped like metrics-server's: the pod's mean CPU over `metric_window` ending
//! `metrics_lag` before `t` (a rate over a window, as metrics-server computes from cumulative
//! counters). A pod has a sample once it has been running for a whole window. A rescale creates
//! pending pods or deletes pods at once (`pods.rs`).
//!
//! Before `t = 0` the system is in steady state: the rate at `t = 0` served by the initial
//! replicas, which are given or found as the HPA's fixed point for that rate.

use std::time::Duration;

use serde::Serialize;

use super::controller::{Controller, ControllerConfig, MODELLED_RELEASE};
use super::cost::CostModel;
use super::error::HpaError;
use super::pods::Pods;
use super::replica_calc::CpuSample;
use super::serving::{steady_cpu_cores, Queue};
use super::spec::HpaSpec;
use super::traffic::TrafficShape;
use super::units::{cores_to_milli_ceil, whole_seconds};

/// The delays of the pipeline around the controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimTiming {
    /// `--horizontal-pod-autoscaler-sync-period` (15 s).
    pub sync_period: Duration,
    /// How old the newest sample is when the HPA reads it (15 s).
    pub metrics_lag: Duration,
    /// The window metrics-server rates CPU over: its `--metric-resolution` (15 s in the upstream
    /// manifests).
    pub metric_window: Duration,
    /// From the scale decision to the pod being Ready and serving (30 s).
    pub startup_delay: Duration,
}

impl Default for SimTiming {
    fn default() -> Self {
        SimTiming {
            sync_period: Duration::from_secs(15),
            metrics_lag: Duration::from_secs(15),
            metric_window: Duration::from_secs(15),
            startup_delay: Duration::from_secs(30),
        }
    }
}

/// Everything a simulation needs.
#[derive(Debug, Clone, PartialEq)]
pub struct SimInput {
    /// The HorizontalPodAutoscaler.
    pub hpa: HpaSpec,
    /// CPU request of one pod, cores.
    pub pod_cpu_request_cores: f64,
    /// Measured cost per request and latency per pod load.
    pub cost: CostModel,
    /// Request rate over time.
    pub traffic: TrafficShape,
    /// Replicas at `t = 0`; `None` finds the HPA's steady state for the rate at `t = 0`.
    pub initial_replicas: Option<u32>,
    /// The p99 objective, ms; a second whose predicted p99 exceeds it is a breach.
    pub slo_p99_ms: f64,
    /// Pipeline delays.
    pub timing: SimTiming,
    /// kube-controller-manager flags.
    pub controller: ControllerConfig,
}

impl SimInput {
    /// An input with default timing and controller flags, starting in steady state.
    pub fn new(
        hpa: HpaSpec,
        pod_cpu_request_cores: f64,
        cost: CostModel,
        traffic: TrafficShape,
        slo_p99_ms: f64,
    ) -> Self {
        SimInput {
            hpa,
            pod_cpu_request_cores,
            cost,
            traffic,
            initial_replicas: None,
            slo_p99_ms,
            timing: SimTiming::default(),
            controller: ControllerConfig::default(),
        }
    }
}

/// One second of the simulated cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelinePoint {
    /// Seconds from the start.
    pub t_s: u64,
    /// Offered requests per second.
    pub demand_rps: f64,
    /// Pods ready and serving.
    pub ready_replicas: u32,
    /// The scale's replicas after this second's sync (ready or not).
    pub desired_replicas: u32,
    /// Actual CPU of a ready pod, percent of its request (`None` without ready pods).
    pub per_pod_utilization_pct: Option<f64>,
    /// Offered requests per second per ready pod (`None` without ready pods).
    pub per_pod_rps: Option<f64>,
    /// Predicted p99, ms.
    pub predicted_p99_ms: f64,
    /// Requests waiting at the end of the second.
    pub queued_requests: f64,
    /// `predicted_p99_ms > slo`.
    pub slo_breach: bool,
    /// The utilization the HPA computed, on sync seconds.
    pub hpa_utilization_pct: Option<i32>,
}

/// A change of the scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaleEvent {
    /// When, seconds.
    pub t_s: u64,
    /// Replicas before.
    pub from: u32,
    /// Replicas after.
    pub to: u32,
    /// Upstream's reason.
    pub reason: String,
    /// The utilization the HPA saw.
    pub utilization_pct: Option<i32>,
    /// The `ScalingLimited` reason (`ScaleUpLimit`, `DesiredWithinRange`, …).
    pub limited_by: Option<&'static str>,
}

/// Seconds `[start_s, end_s)` during which the SLO was breached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BreachInterval {
    /// First breaching second.
    pub start_s: u64,
    /// First second after the breach.
    pub end_s: u64,
}

/// The result of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimOutput {
    /// The upstream release whose semantics were simulated.
    pub modelled_release: &'static str,
    /// Replicas at `t = 0`.
    pub initial_replicas: u32,
    /// One point per second.
    pub timeline: Vec<TimelinePoint>,
    /// Every change of the scale.
    pub events: Vec<ScaleEvent>,
    /// Intervals where the predicted p99 exceeded the SLO.
    pub breaches: Vec<BreachInterval>,
    /// Total breaching seconds.
    pub breach_seconds: u64,
    /// The most replicas the scale asked for.
    pub peak_replicas: u32,
    /// The longest queue.
    pub peak_queued_requests: f64,
}

/// Validated numbers, in whole seconds and millicores.
struct Setup {
    duration_s: i64,
    sync_s: i64,
    lag_s: i64,
    window_s: i64,
    startup_s: i64,
    request_milli: i64,
}

impl Setup {
    fn new(input: &SimInput) -> Result<Self, HpaError> {
        let r = input.pod_cpu_request_cores;
        if !(r.is_finite() && r > 0.0) {
            return Err(HpaError::input(
                "pod_cpu_request_cores",
                format!("{r} must be a positive number"),
            ));
        }
        let request_milli = cores_to_milli_ceil(r);
        let slo = input.slo_p99_ms;
        if !(slo.is_finite() && slo > 0.0) {
            return Err(HpaError::input(
                "slo_p99_ms",
                format!("{slo} must be a positive number"),
            ));
        }
        input.cost.validate()?;
        let t = &input.timing;
        let setup = Setup {
            duration_s: input.traffic.end_s().ceil() as i64,
            sync_s: whole_seconds("timing.sync_period", t.sync_period)?,
            lag_s: whole_seconds("timing.metrics_lag", t.metrics_lag)?,
            window_s: whole_seconds("timing.metric_window", t.metric_window)?,
            startup_s: whole_seconds("timing.startup_delay", t.startup_delay)?,
            request_milli,
        };
        if setup.duration_s < 1 {
            return Err(HpaError::input("traffic", "must span at least 1 s"));
        }
        if setup.sync_s < 1 {
            return Err(HpaError::input(
                "timing.sync_period",
                "must be at least 1 s",
            ));
        }
        if setup.window_s < 1 {
            return Err(HpaError::input(
                "timing.metric_window",
                "must be at least 1 s",
            ));
        }
        Ok(setup)
    }
}

/// Runs the simulation.
pub fn simulate(input: &SimInput) -> Result<SimOutput, HpaError> {
    let setup = Setup::new(input)?;
    let mut controller = Controller::new(&input.hpa, &input.controller)?;
    let initial = match input.initial_replicas {
        Some(n) => n,
        None => steady_state_replicas(&controller, input, &setup),
    };
    let cost = &input.cost;
    let before_start_cpu = steady_cpu_cores(input.traffic.rate_at(0.0), initial, cost);
    let mut pods = Pods::initial(initial);
    let mut queue = Queue::default();
    let mut cpu_history: Vec<f64> = Vec::with_capacity(setup.duration_s as usize);
    let mut timeline = Vec::with_capacity(setup.duration_s as usize);
    let mut events = Vec::new();
    for t in 0..setup.duration_s {
        let demand = input.traffic.rate_at(t as f64);
        let ready = pods.ready(t);
        let second = queue.serve(demand, ready, cost);
        cpu_history.push(second.per_pod_cpu_cores);
        let mut hpa_utilization_pct = None;
        if t % setup.sync_s == 0 {
            let ts = t - setup.lag_s;
            let usage = mean_cpu(&cpu_history, before_start_cpu, ts - setup.window_s, ts);
            let sample = CpuSample {
                usage_milli: cores_to_milli_ceil(usage),
                timestamp_s: ts,
                window_s: setup.window_s,
            };
            let has_sample = |ready_at: i64| (ready_at <= ts - setup.window_s).then_some(sample);
            let infos = pods.infos(t, setup.request_milli, has_sample);
            let from = pods.count();
            let d = controller.reconcile(t, from, &infos);
            hpa_utilization_pct = d.utilization_pct;
            if d.rescale {
                pods.scale_to(d.desired_replicas, t, setup.startup_s);
                events.push(ScaleEvent {
                    t_s: t as u64,
                    from,
                    to: d.desired_replicas,
                    reason: d.reason,
                    utilization_pct: d.utilization_pct,
                    limited_by: d.limit_reason,
                });
            }
        }
        timeline.push(TimelinePoint {
            t_s: t as u64,
            demand_rps: demand,
            ready_replicas: ready,
            desired_replicas: pods.count(),
            per_pod_utilization_pct: second
                .per_pod_rps
                .map(|_| second.per_pod_cpu_cores / input.pod_cpu_request_cores * 100.0),
            per_pod_rps: second.per_pod_rps,
            predicted_p99_ms: second.p99_ms,
            queued_requests: second.backlog,
            slo_breach: second.p99_ms > input.slo_p99_ms,
            hpa_utilization_pct,
        });
    }
    Ok(summarize(initial, timeline, events))
}

/// Mean of the per-pod CPU over seconds `[from, to)`; seconds before 0 are the steady state.
fn mean_cpu(history: &[f64], before_start: f64, from: i64, to: i64) -> f64 {
    let n = (to - from).max(1);
    let sum: f64 = (from..to)
        .map(|s| {
            usize::try_from(s)
                .ok()
                .and_then(|i| history.get(i).copied())
                .unwrap_or(before_start)
        })
        .sum();
    sum / n as f64
}

fn summarize(initial: u32, timeline: Vec<TimelinePoint>, events: Vec<ScaleEvent>) -> SimOutput {
    let breaches = breach_intervals(&timeline);
    SimOutput {
        modelled_release: MODELLED_RELEASE,
        initial_replicas: initial,
        breach_seconds: breaches.iter().map(|b| b.end_s - b.start_s).sum(),
        peak_replicas: timeline
            .iter()
            .map(|p| p.desired_replicas)
            .max()
            .unwrap_or(initial)
            .max(initial),
        peak_queued_requests: timeline
            .iter()
            .map(|p| p.queued_requests)
            .fold(0.0, f64::max),
        breaches,
        timeline,
        events,
    }
}

/// Maximal runs of breaching seconds as `[start, end)`.
fn breach_intervals(timeline: &[TimelinePoint]) -> Vec<BreachInterval> {
    let mut out: Vec<BreachInterval> = Vec::new();
    for p in timeline.iter().filter(|p| p.slo_breach) {
        match out.last_mut() {
            Some(last) if last.end_s == p.t_s => last.end_s = p.t_s + 1,
            _ => out.push(BreachInterval {
                start_s: p.t_s,
                end_s: p.t_s + 1,
            }),
        }
    }
    out
}

/// The smallest replica count, from `minReplicas` up, at which the HPA would stay put under the
/// rate at `t = 0` (following its proposals; a cycle resolves to its largest member).
fn steady_state_replicas(controller: &Controller, input: &SimInput, setup: &Setup) -> u32 {
    let (min, max) = (input.hpa.min_replicas, input.hpa.max_replicas);
    let demand = input.traffic.rate_at(0.0);
    let mut n = min.max(1).min(max);
    let mut seen = Vec::new();
    loop {
        let sample = CpuSample {
            usage_milli: cores_to_milli_ceil(steady_cpu_cores(demand, n, &input.cost)),
            timestamp_s: 0,
            window_s: setup.window_s,
        };
        let pods = Pods::initial(n).infos(0, setup.request_milli, |_| Some(sample));
        let next = controller.propose(0, n, &pods).map_or(n, |p| {
            u32::try_from(p.replicas.max(0))
                .unwrap_or(0)
                .clamp(min, max)
        });
        if next == n {
            return n;
        }
        if seen.contains(&next) || seen.len() > 64 {
            seen.push(n);
            return seen.into_iter().max().unwrap_or(n);
        }
        seen.push(n);
        n = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::hpa::cost::tests::demo_cost;

    /// 200 rps, stepping to 320 rps at t = 61; request 0.5 core, 5 ms CPU per request
    /// (100 rps = 100 %), 100 rps per pod, p99 ≤ 100 ms up to 86.7 rps per pod.
    pub(crate) fn step_input(target: u32) -> SimInput {
        let traffic = TrafficShape::new(vec![
            (0.0, 200.0),
            (60.0, 200.0),
            (61.0, 320.0),
            (900.0, 320.0),
        ])
        .unwrap();
        SimInput::new(
            HpaSpec::new(1, 20, target),
            0.5,
            demo_cost(),
            traffic,
            100.0,
        )
    }

    #[test]
    fn steady_state_start() {
        // Target 80: 1 pod saturated (100 %) → 2 → 2 pods at 100 % → 3 → 66 % → ceil(0.825 × 3) = 3.
        assert_eq!(simulate(&step_input(80)).unwrap().initial_replicas, 3);
        // Target 50: 200 rps → 4 pods at 50 %.
        assert_eq!(simulate(&step_input(50)).unwrap().initial_replicas, 4);
    }

    /// With an 80 % target, 3 pods carry 200 rps at 66 %; the step to 320 rps saturates them
    /// (106.7 rps per pod > 100) until the fourth pod is ready: the HPA sees the step at the
    /// t = 90 sync (sample window [60, 75) ending 15 s earlier), the pod is ready at t = 120,
    /// and the queue built meanwhile drains by ~t = 135.
    #[test]
    fn step_breaches_during_start_up_with_a_high_target() {
        let out = simulate(&step_input(80)).unwrap();
        assert_eq!(
            out.events.first().map(|e| (e.t_s, e.from, e.to)),
            Some((90, 3, 4))
        );
        assert_eq!(out.breaches.first().map(|b| b.start_s), Some(61));
        let first = out.breaches[0];
        assert!(first.end_s > 120 && first.end_s < 150, "{first:?}");
        assert_eq!(out.timeline[119].ready_replicas, 3);
        assert_eq!(out.timeline[120].ready_replicas, 4);
        // The t = 90 window [60, 75) holds one second at 66.7 rps per pod and 14 saturated ones:
        // (0.3333 + 14 × 0.5) / 15 = 0.4889 cores → 489m of 500m → 97 %.
        assert_eq!(out.timeline[90].hpa_utilization_pct, Some(97));
        assert_eq!(out.timeline[105].hpa_utilization_pct, Some(100));
    }

    #[test]
    fn no_breach_with_a_lower_target() {
        let out = simulate(&step_input(50)).unwrap();
        assert_eq!(out.breaches, vec![]);
        // 320 rps at 50 % (50 rps per pod) settles near 7 pods.
        assert!(out.peak_replicas >= 6, "{}", out.peak_replicas);
        assert_eq!(out.modelled_release, MODELLED_RELEASE);
    }

    #[test]
    fn load_drop_is_held_by_the_stabilization_window() {
        // 400 rps (8 pods at 50 %) dropping to 100 rps at t = 100.
        let traffic = TrafficShape::new(vec![
            (0.0, 400.0),
            (100.0, 400.0),
            (101.0, 100.0),
            (900.0, 100.0),
        ])
        .unwrap();
        for hpa in [
            HpaSpec::new(1, 20, 50),
            HpaSpec::new(1, 20, 50)
                .with_behavior(crate::analysis::hpa::spec::Behavior::kubernetes_default()),
        ] {
            let out = simulate(&SimInput::new(
                hpa,
                0.5,
                demo_cost(),
                traffic.clone(),
                100.0,
            ))
            .unwrap();
            assert_eq!(out.initial_replicas, 8);
            // Recommendations: 8 at t = 105 (window [75, 90), full load), 7 at t = 120 (window
            // [90, 105) straddles the drop: 40 % → ceil(0.8 × 8)), then 2 (12 % → ceil(0.24 × 8)).
            // Each leaves the 300 s window in turn: 8 → 7 at t = 405, 7 → 2 at t = 420.
            let downs: Vec<_> = out.events.iter().map(|e| (e.t_s, e.from, e.to)).collect();
            assert_eq!(downs, vec![(405, 8, 7), (420, 7, 2)]);
        }
    }

    #[test]
    fn invalid_inputs_are_errors_not_panics() {
        let mut input = step_input(50);
        input.pod_cpu_request_cores = 0.0;
        assert!(simulate(&input).is_err());
        let mut input = step_input(50);
        input.timing.sync_period = Duration::from_millis(500);
        assert!(simulate(&input).is_err());
        let mut input = step_input(50);
        input.hpa.min_replicas = 50;
        assert!(simulate(&input).is_err());
        let mut input = step_input(50);
        input.traffic = TrafficShape::new(vec![(0.0, 1.0)]).unwrap();
        assert!(simulate(&input).is_err());
    }

    /// The path the `hpa` command takes: manifests in, timeline out.
    #[test]
    fn manifests_drive_a_simulation() {
        let hpa = HpaSpec::from_yaml(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  \
             scaleTargetRef: {kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  metrics:\n  \
             - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n  \
             behavior: {}\n",
        )
        .unwrap();
        let request = crate::analysis::hpa::pod_cpu_request_from_deployment_yaml(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {}\n  template:\n    \
             spec:\n      containers:\n      - {name: web, resources: {requests: {cpu: 500m}}}\n",
        )
        .unwrap();
        let mut input = step_input(50);
        input.hpa = hpa;
        input.pod_cpu_request_cores = request;
        let out = simulate(&input).unwrap();
        assert_eq!(out.initial_replicas, 4);
        assert_eq!(out.breaches, vec![]);
        // Default behavior: 78 % at t = 90 → ceil(1.56 × 4) = 7, within +100 %/+4 per 15 s.
        assert_eq!(out.events.first().map(|e| (e.t_s, e.to)), Some((90, 7)));
    }

    #[test]
    fn breach_intervals_merge_runs() {
        let point = |t: u64, b: bool| TimelinePoint {
            t_s: t,
            demand_rps: 0.0,
            ready_replicas: 1,
            desired_replicas: 1,
            per_pod_utilization_pct: None,
            per_pod_rps: None,
            predicted_p99_ms: 0.0,
            queued_requests: 0.0,
            slo_breach: b,
            hpa_utilization_pct: None,
        };
        let tl: Vec<_> = [false, true, true, false, true]
            .iter()
            .enumerate()
            .map(|(t, &b)| point(t as u64, b))
            .collect();
        assert_eq!(
            breach_intervals(&tl),
            vec![
                BreachInterval {
                    start_s: 1,
                    end_s: 3
                },
                BreachInterval {
                    start_s: 4,
                    end_s: 5
                }
            ]
        );
    }
}
