//! HPA simulator: will a Kubernetes HorizontalPodAutoscaler scale out before the latency SLO
//! breaks, and which CPU target would have kept it?
//!
//! A faithful port of the `autoscaling/v2` control loop for a CPU `Utilization` metric (see
//! [`MODELLED_RELEASE`]), driven second by second with the per-pod cost and latency measured by a
//! run, over a traffic shape. Pure library code: no I/O, no clock, no printing.
//!
//! The data flow:
//! - `manifest.rs` reads an HPA ([`HpaSpec::from_yaml`]) and a Deployment's pod CPU request
//!   ([`pod_cpu_request_from_deployment_yaml`]); `quantity.rs` parses `500m`-style quantities;
//!   `spec.rs` holds the result with the API defaults applied.
//! - `replica_calc.rs` (proposal), `normalize.rs` (stabilization, rate policies, bounds) and
//!   `controller.rs` (one sync) are the control loop.
//! - `cost.rs` (CPU per request, capacity, p99 curve), `traffic.rs` (rate over time), `pods.rs`
//!   (start-up delay, deletions) and `serving.rs` (queueing) model the cluster; `sim.rs` runs it.
//! - `recommend.rs` searches the highest safe target and the minimum replicas.

mod controller;
mod cost;
mod error;
mod manifest;
mod normalize;
mod pods;
mod quantity;
mod recommend;
mod replica_calc;
mod serving;
mod sim;
mod spec;
mod traffic;
mod units;

pub use controller::{Controller, ControllerConfig, Decision, MODELLED_RELEASE};
pub use cost::{CostModel, LatencyCurve, DEFAULT_SATURATED_P99_MS};
pub use error::HpaError;
pub use manifest::{
    pod_cpu_request_from_deployment_yaml, pod_cpu_request_from_deployment_yaml_named,
};
pub use quantity::{parse_cpu_millis, parse_cpu_quantity, QuantityError};
pub use recommend::{recommend_target, Candidate, Recommendation};
pub use replica_calc::{
    classify, resource_replicas, utilization_ratio, CalcError, CpuSample, PodGroup, PodInfo,
    PodPhase, Proposal, Readiness, ReadyCondition, ToleranceRule, Tolerances,
};
pub use sim::{
    simulate, BreachInterval, ScaleEvent, SimInput, SimOutput, SimTiming, TimelinePoint,
};
pub use spec::{Behavior, HpaSpec, PolicyKind, ScalingPolicy, ScalingRules, SelectPolicy};
pub use traffic::TrafficShape;
