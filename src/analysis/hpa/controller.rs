//! One HorizontalPodAutoscaler's control loop: a port of `reconcileAutoscaler` in kubernetes
//! `pkg/controller/podautoscaler/horizontal.go`, for a single CPU `Utilization` metric.
//!
//! Each [`Controller::reconcile`] is one sync: read the scale, bypass the metrics when the scale
//! is outside `[min, max]`, otherwise take the replica calculator's proposal
//! (`replica_calc.rs`), normalize it (`normalize.rs`: legacy path when `behavior` is `None`,
//! behavior path otherwise), and decide whether to rescale. A scale of 0 with `minReplicas > 0`
//! disables autoscaling, as upstream.
//!
//! The modelled release is [`MODELLED_RELEASE`].

use std::time::Duration;

use super::error::HpaError;
use super::normalize::History;
use super::replica_calc::{
    resource_replicas, CalcError, PodInfo, Proposal, Readiness, ToleranceRule, Tolerances,
};
use super::spec::HpaSpec;
use super::units::whole_seconds;

/// The upstream semantics this port follows.
pub const MODELLED_RELEASE: &str = "Kubernetes v1.35 HPA controller (kube-controller-manager \
     horizontal.go + replica_calculator.go): isWithin tolerances with per-HPA behavior tolerance \
     (HPAConfigurableTolerance, beta, on), scale-up and scale-down stabilization windows applied \
     together, policy period start counting both scale-up and scale-down events";

/// `rescaleReason` for the CPU resource metric, as upstream words it.
const CPU_ABOVE_TARGET: &str = "cpu resource utilization (percentage of request) above target";

/// The kube-controller-manager flags that shape the loop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ControllerConfig {
    /// `--horizontal-pod-autoscaler-tolerance` (0.1).
    pub tolerance: f64,
    /// `--horizontal-pod-autoscaler-downscale-stabilization` (5 m).
    pub downscale_stabilization: Duration,
    /// `--horizontal-pod-autoscaler-cpu-initialization-period` (5 m).
    pub cpu_initialization_period: Duration,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s).
    pub initial_readiness_delay: Duration,
    /// `Within` for v1.33+; `AbsoluteDifference` reproduces v1.32 and earlier, where per-HPA
    /// tolerances do not exist (and are therefore ignored).
    pub tolerance_rule: ToleranceRule,
}

impl Default for ControllerConfig {
    fn default() -> Self {
        ControllerConfig {
            tolerance: 0.1,
            downscale_stabilization: Duration::from_secs(300),
            cpu_initialization_period: Duration::from_secs(300),
            initial_readiness_delay: Duration::from_secs(30),
            tolerance_rule: ToleranceRule::Within,
        }
    }
}

/// The outcome of one sync.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The scale after this sync (`status.desiredReplicas`).
    pub desired_replicas: u32,
    /// Whether the scale changes.
    pub rescale: bool,
    /// Upstream's `rescaleReason`, or why nothing was done.
    pub reason: String,
    /// The replica calculator's proposal, when metrics were used.
    pub proposal: Option<i32>,
    /// The utilization the HPA reports (truncated percent), when metrics were used.
    pub utilization_pct: Option<i32>,
    /// The `ScalingLimited` reason, when the proposal was normalized.
    pub limit_reason: Option<&'static str>,
    /// The metric error, when no proposal could be made.
    pub error: Option<CalcError>,
}

/// The control loop for one HPA, with its memory of recommendations and scale events.
#[derive(Debug, Clone)]
pub struct Controller {
    spec: HpaSpec,
    tolerances: Tolerances,
    readiness: Readiness,
    downscale_window_s: i64,
    history: History,
}

impl Controller {
    /// A controller for `spec` with fresh history. Fails on an invalid spec or configuration.
    pub fn new(spec: &HpaSpec, config: &ControllerConfig) -> Result<Self, HpaError> {
        spec.validate()?;
        if !(config.tolerance.is_finite() && config.tolerance >= 0.0) {
            return Err(HpaError::input(
                "controller.tolerance",
                format!("{} must be ≥ 0", config.tolerance),
            ));
        }
        let per_hpa = |pick: fn(&super::spec::Behavior) -> Option<f64>| match (
            config.tolerance_rule,
            &spec.behavior,
        ) {
            (ToleranceRule::Within, Some(b)) => pick(b).unwrap_or(config.tolerance),
            _ => config.tolerance,
        };
        Ok(Controller {
            spec: spec.clone(),
            tolerances: Tolerances {
                scale_down: per_hpa(|b| b.scale_down.tolerance),
                scale_up: per_hpa(|b| b.scale_up.tolerance),
                rule: config.tolerance_rule,
            },
            readiness: Readiness {
                cpu_initialization_period_s: whole_seconds(
                    "controller.cpu_initialization_period",
                    config.cpu_initialization_period,
                )?,
                initial_readiness_delay_s: whole_seconds(
                    "controller.initial_readiness_delay",
                    config.initial_readiness_delay,
                )?,
            },
            downscale_window_s: whole_seconds(
                "controller.downscale_stabilization",
                config.downscale_stabilization,
            )?,
            history: History::default(),
        })
    }

    /// The HPA this controller runs.
    pub fn spec(&self) -> &HpaSpec {
        &self.spec
    }

    /// The replica calculator's proposal for these pods, without touching the history (used to
    /// find a steady state).
    pub fn propose(
        &self,
        now_s: i64,
        current_replicas: u32,
        pods: &[PodInfo],
    ) -> Result<Proposal, CalcError> {
        let current = i32::try_from(current_replicas).unwrap_or(i32::MAX);
        let target = i32::try_from(self.spec.target_cpu_utilization_pct).unwrap_or(i32::MAX);
        resource_replicas(
            current,
            target,
            self.tolerances,
            pods,
            now_s,
            &self.readiness,
        )
    }

    /// One sync at `now_s` with the scale's `spec.replicas` and the pods its selector matches.
    pub fn reconcile(&mut self, now_s: i64, current_replicas: u32, pods: &[PodInfo]) -> Decision {
        let current = i32::try_from(current_replicas).unwrap_or(i32::MAX);
        self.history.record_initial(current, now_s);
        let min = i32::try_from(self.spec.min_replicas).unwrap_or(i32::MAX);
        let max = i32::try_from(self.spec.max_replicas).unwrap_or(i32::MAX);
        let mut decision = Decision {
            desired_replicas: current_replicas,
            rescale: false,
            reason: String::new(),
            proposal: None,
            utilization_pct: None,
            limit_reason: None,
            error: None,
        };
        let desired = if current == 0 && min != 0 {
            decision.desired_replicas = 0;
            decision.reason =
                "scaling is disabled since the replica count of the target is zero".into();
            return decision;
        } else if current > max {
            decision.reason = "Current number of replicas above Spec.MaxReplicas".into();
            max
        } else if current < min {
            decision.reason = "Current number of replicas below Spec.MinReplicas".into();
            min
        } else {
            match self.metrics_desired(now_s, current, pods, &mut decision) {
                Some(d) => d,
                None => return decision,
            }
        };
        decision.desired_replicas = u32::try_from(desired).unwrap_or(0);
        decision.rescale = desired != current;
        if decision.rescale {
            if let Some(behavior) = &self.spec.behavior {
                self.history
                    .store_scale_event(behavior, now_s, current, desired);
            }
        }
        decision
    }

    /// The metric path: proposal, reason, normalization. `None` when the metric failed.
    fn metrics_desired(
        &mut self,
        now_s: i64,
        current: i32,
        pods: &[PodInfo],
        decision: &mut Decision,
    ) -> Option<i32> {
        let proposal = match self.propose(now_s, u32::try_from(current).unwrap_or(0), pods) {
            Ok(p) => p,
            Err(e) => {
                decision.reason = format!("failed to compute desired number of replicas: {e}");
                decision.error = Some(e);
                return None;
            }
        };
        decision.proposal = Some(proposal.replicas);
        decision.utilization_pct = Some(proposal.utilization_pct);
        let desired = proposal.replicas.max(0);
        if desired > current {
            decision.reason = CPU_ABOVE_TARGET.into();
        } else if desired < current {
            decision.reason = "All metrics below target".into();
        }
        let bounds = (
            i32::try_from(self.spec.min_replicas).unwrap_or(i32::MAX),
            i32::try_from(self.spec.max_replicas).unwrap_or(i32::MAX),
        );
        let normalized = match &self.spec.behavior {
            None => self.history.normalize_legacy(
                now_s,
                current,
                desired,
                bounds,
                self.downscale_window_s,
            ),
            Some(b) => self.history.normalize_with_behavior(
                now_s,
                current,
                desired,
                bounds,
                b,
                self.downscale_window_s,
            ),
        };
        decision.limit_reason = Some(normalized.limit_reason);
        Some(normalized.desired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::hpa::replica_calc::tests::ready_at;
    use crate::analysis::hpa::spec::Behavior;

    fn pods(n: usize, pct: i64) -> Vec<PodInfo> {
        (0..n).map(|_| ready_at(pct)).collect()
    }

    fn controller(spec: HpaSpec) -> Controller {
        Controller::new(&spec, &ControllerConfig::default()).unwrap()
    }

    #[test]
    fn three_at_90_against_50_scale_to_6() {
        let mut c = controller(HpaSpec::new(1, 10, 50));
        let d = c.reconcile(0, 3, &pods(3, 90));
        assert_eq!((d.desired_replicas, d.rescale), (6, true));
        assert_eq!(d.utilization_pct, Some(90));
        assert_eq!(d.reason, CPU_ABOVE_TARGET);
    }

    #[test]
    fn huge_ratio_first_sync_limits() {
        // Legacy: max(2 × 2, 4) = 4 ; max(2 × 10, 4) = 20.
        let mut c = controller(HpaSpec::new(1, 100, 10));
        assert_eq!(c.reconcile(0, 2, &pods(2, 500)).desired_replicas, 4);
        let mut c = controller(HpaSpec::new(1, 100, 10));
        assert_eq!(c.reconcile(0, 10, &pods(10, 500)).desired_replicas, 20);
        // Default behavior: max(+100 % → 4, +4 pods → 6) = 6 ; from 10: max(20, 14) = 20.
        let spec = HpaSpec::new(1, 100, 10).with_behavior(Behavior::kubernetes_default());
        let mut c = controller(spec.clone());
        let d = c.reconcile(0, 2, &pods(2, 500));
        assert_eq!(
            (d.desired_replicas, d.limit_reason),
            (6, Some("ScaleUpLimit"))
        );
        let mut c = controller(spec);
        assert_eq!(c.reconcile(0, 10, &pods(10, 500)).desired_replicas, 20);
    }

    /// Load drops at t = 100 s; both paths hold the scale until the last high recommendation
    /// (t = 90) is 300 s old, i.e. until t = 390.
    #[test]
    fn scale_down_held_by_the_300s_window() {
        for spec in [
            HpaSpec::new(1, 20, 50),
            HpaSpec::new(1, 20, 50).with_behavior(Behavior::kubernetes_default()),
        ] {
            let legacy = spec.behavior.is_none();
            let mut c = controller(spec);
            let mut current = 10u32;
            let mut changes = Vec::new();
            for now in (0..=600).step_by(15) {
                let pct = if now < 100 { 50 } else { 10 };
                let d = c.reconcile(now, current, &pods(current as usize, pct));
                if d.rescale {
                    changes.push((now, d.desired_replicas));
                    current = d.desired_replicas;
                }
            }
            // 10 pods at 10 % against 50 → ceil(0.2 × 10) = 2, allowed at once by −100 %/15 s.
            assert_eq!(changes, vec![(390, 2)], "legacy = {legacy}");
        }
    }

    #[test]
    fn min_max_clamps_and_bypass() {
        let mut c = controller(HpaSpec::new(2, 5, 50));
        assert_eq!(
            c.reconcile(0, 3, &pods(3, 200)).desired_replicas,
            5,
            "clamped to max"
        );
        let mut c = controller(HpaSpec::new(2, 5, 50));
        let d = c.reconcile(0, 3, &pods(3, 1));
        assert_eq!(
            (d.desired_replicas, d.limit_reason),
            (3, Some("DesiredWithinRange")),
            "initial recommendation holds"
        );
        let mut c = controller(HpaSpec::new(2, 5, 50));
        let d = c.reconcile(0, 8, &[]);
        assert_eq!(
            (d.desired_replicas, d.reason.as_str()),
            (5, "Current number of replicas above Spec.MaxReplicas")
        );
        let d = c.reconcile(15, 1, &[]);
        assert_eq!(
            (d.desired_replicas, d.reason.as_str()),
            (2, "Current number of replicas below Spec.MinReplicas")
        );
        let d = c.reconcile(30, 0, &[]);
        assert_eq!(
            (d.desired_replicas, d.rescale),
            (0, false),
            "replicas = 0 disables"
        );
    }

    #[test]
    fn scale_down_to_min_after_window() {
        let mut c = controller(HpaSpec::new(2, 5, 50));
        c.reconcile(0, 3, &pods(3, 50));
        assert_eq!(c.reconcile(300, 3, &pods(3, 1)).desired_replicas, 2);
    }

    #[test]
    fn metric_errors_keep_the_scale() {
        let mut c = controller(HpaSpec::new(1, 5, 50));
        let d = c.reconcile(0, 3, &[]);
        assert_eq!(
            (d.desired_replicas, d.rescale, d.error),
            (3, false, Some(CalcError::NoPods))
        );
    }

    #[test]
    fn per_hpa_tolerance_is_used() {
        let mut b = Behavior::kubernetes_default();
        b.scale_up.tolerance = Some(0.05);
        let mut c = controller(HpaSpec::new(1, 100, 50).with_behavior(b));
        // 50 pods at 55 % → 1.1 > 1.05 → ceil(1.1 × 50) = ceil(55.00000000000001) = 56.
        assert_eq!(c.reconcile(0, 50, &pods(50, 55)).desired_replicas, 56);
    }
}
