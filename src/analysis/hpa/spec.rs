//! What an `autoscaling/v2` HorizontalPodAutoscaler asks for, reduced to what the CPU simulator
//! needs: replica bounds, the CPU utilization target and the optional `behavior`.
//!
//! `behavior` keeps Kubernetes' distinction: `None` takes the controller's legacy path
//! (`normalizeDesiredReplicas`), `Some` the behavior path. When it is set, unset parts are filled
//! with the API defaults (`pkg/apis/autoscaling/v2/defaults.go`); see [`ScalingRules::default_scale_up`]
//! and [`ScalingRules::default_scale_down`]. Reading one from YAML lives in `manifest.rs`.

use serde::{Deserialize, Serialize};

use super::error::HpaError;

/// Kubernetes' `DefaultCPUUtilization`, used when an HPA lists no metrics at all.
pub const DEFAULT_CPU_UTILIZATION_PCT: u32 = 80;

/// The longest `periodSeconds` the API accepts.
pub const MAX_POLICY_PERIOD_S: u32 = 1800;

/// The longest `stabilizationWindowSeconds` the API accepts.
pub const MAX_STABILIZATION_WINDOW_S: u32 = 3600;

/// A CPU-utilization HorizontalPodAutoscaler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HpaSpec {
    /// `metadata.name`, for messages (empty when unknown).
    pub name: String,
    /// `spec.minReplicas` (the API default is 1).
    pub min_replicas: u32,
    /// `spec.maxReplicas`.
    pub max_replicas: u32,
    /// The `averageUtilization` of the `Resource` `cpu` metric, percent of the pods' requests.
    pub target_cpu_utilization_pct: u32,
    /// `spec.behavior` with defaults applied; `None` selects the legacy normalization path.
    pub behavior: Option<Behavior>,
    /// Metrics of the HPA that the simulator does not model (it takes only the CPU proposal,
    /// whereas the real controller takes the maximum over all metrics). Shown to the user.
    pub ignored_metrics: Vec<String>,
}

/// `spec.behavior`: one set of scaling rules per direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Behavior {
    /// `scaleUp`.
    pub scale_up: ScalingRules,
    /// `scaleDown`.
    pub scale_down: ScalingRules,
}

/// `HPAScalingRules` for one direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalingRules {
    /// `stabilizationWindowSeconds`. `None` only for scale-down, where the controller then uses
    /// its `--horizontal-pod-autoscaler-downscale-stabilization` flag (300 s by default).
    pub stabilization_window_s: Option<u32>,
    /// `policies`, in order.
    pub policies: Vec<ScalingPolicy>,
    /// `selectPolicy`.
    pub select_policy: SelectPolicy,
    /// `tolerance` (`HPAConfigurableTolerance`, beta in v1.35); `None` uses the cluster flag.
    pub tolerance: Option<f64>,
}

/// One `HPAScalingPolicy`: at most `value` pods or percent of change per `period_s` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScalingPolicy {
    /// `type`.
    pub kind: PolicyKind,
    /// `value` (> 0).
    pub value: u32,
    /// `periodSeconds` (1..=1800).
    pub period_s: u32,
}

/// `HPAScalingPolicy.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyKind {
    /// A number of pods.
    Pods,
    /// A percentage of the replicas at the start of the period.
    Percent,
}

/// `selectPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SelectPolicy {
    /// The policy allowing the largest change (the default).
    #[default]
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

impl ScalingRules {
    /// The API default for `scaleUp`: no stabilization, `max(+4 pods, +100 %)` per 15 s.
    pub fn default_scale_up() -> Self {
        ScalingRules {
            stabilization_window_s: Some(0),
            policies: vec![
                ScalingPolicy {
                    kind: PolicyKind::Pods,
                    value: 4,
                    period_s: 15,
                },
                ScalingPolicy {
                    kind: PolicyKind::Percent,
                    value: 100,
                    period_s: 15,
                },
            ],
            select_policy: SelectPolicy::Max,
            tolerance: None,
        }
    }

    /// The API default for `scaleDown`: `−100 %` per 15 s, window from the controller flag.
    pub fn default_scale_down() -> Self {
        ScalingRules {
            stabilization_window_s: None,
            policies: vec![ScalingPolicy {
                kind: PolicyKind::Percent,
                value: 100,
                period_s: 15,
            }],
            select_policy: SelectPolicy::Max,
            tolerance: None,
        }
    }

    /// The longest `periodSeconds` among the policies (0 when there are none).
    pub fn longest_period_s(&self) -> u32 {
        self.policies.iter().map(|p| p.period_s).max().unwrap_or(0)
    }
}

impl Behavior {
    /// What `behavior: {}` becomes after API defaulting.
    pub fn kubernetes_default() -> Self {
        Behavior {
            scale_up: ScalingRules::default_scale_up(),
            scale_down: ScalingRules::default_scale_down(),
        }
    }
}

impl HpaSpec {
    /// An HPA without `behavior` (legacy path), named `hpa`.
    pub fn new(min_replicas: u32, max_replicas: u32, target_cpu_utilization_pct: u32) -> Self {
        HpaSpec {
            name: "hpa".to_owned(),
            min_replicas,
            max_replicas,
            target_cpu_utilization_pct,
            behavior: None,
            ignored_metrics: Vec::new(),
        }
    }

    /// The same HPA with `behavior` set.
    pub fn with_behavior(mut self, behavior: Behavior) -> Self {
        self.behavior = Some(behavior);
        self
    }

    /// Checks the ranges the API server enforces (for a CPU-only HPA).
    pub fn validate(&self) -> Result<(), HpaError> {
        let bad =
            |field: &str, problem: String| Err(HpaError::input(format!("hpa.{field}"), problem));
        if self.max_replicas < 1 {
            return bad("max_replicas", "must be at least 1".into());
        }
        if self.min_replicas < 1 {
            return bad(
                "min_replicas",
                "must be at least 1 (scale to zero needs object or external metrics)".into(),
            );
        }
        if self.min_replicas > self.max_replicas {
            return bad(
                "min_replicas",
                format!(
                    "{} is above max_replicas {}",
                    self.min_replicas, self.max_replicas
                ),
            );
        }
        if self.target_cpu_utilization_pct < 1 || self.target_cpu_utilization_pct > i32::MAX as u32
        {
            return bad("target_cpu_utilization_pct", "must be at least 1".into());
        }
        if self.max_replicas > i32::MAX as u32 {
            return bad("max_replicas", "must fit an int32".into());
        }
        if let Some(b) = &self.behavior {
            b.scale_up.validate("behavior.scale_up")?;
            b.scale_down.validate("behavior.scale_down")?;
        }
        Ok(())
    }
}

impl ScalingRules {
    fn validate(&self, at: &str) -> Result<(), HpaError> {
        let bad = |field: String, problem: String| {
            Err(HpaError::input(format!("hpa.{at}.{field}"), problem))
        };
        if let Some(w) = self.stabilization_window_s {
            if w > MAX_STABILIZATION_WINDOW_S {
                return bad(
                    "stabilization_window_s".into(),
                    format!("{w} is above 3600"),
                );
            }
        }
        if self.policies.is_empty() {
            return bad("policies".into(), "must list at least one policy".into());
        }
        for (i, p) in self.policies.iter().enumerate() {
            if p.value < 1 || p.value > i32::MAX as u32 {
                return bad(format!("policies[{i}].value"), "must be at least 1".into());
            }
            if p.period_s < 1 || p.period_s > MAX_POLICY_PERIOD_S {
                return bad(
                    format!("policies[{i}].period_s"),
                    format!("{} is outside 1..=1800", p.period_s),
                );
            }
        }
        if let Some(t) = self.tolerance {
            if !(t.is_finite() && t >= 0.0) {
                return bad("tolerance".into(), format!("{t} must be a number ≥ 0"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_behavior_matches_the_api_defaults() {
        let b = Behavior::kubernetes_default();
        assert_eq!(b.scale_up.stabilization_window_s, Some(0));
        assert_eq!(b.scale_up.longest_period_s(), 15);
        assert_eq!(b.scale_up.policies.len(), 2);
        assert_eq!(b.scale_down.stabilization_window_s, None);
        assert_eq!(b.scale_down.policies[0].kind, PolicyKind::Percent);
        assert_eq!(b.scale_down.policies[0].value, 100);
    }

    #[test]
    fn validation_names_the_field() {
        let err = HpaSpec::new(5, 3, 50).validate().map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("simulation input: hpa.min_replicas: 5 is above max_replicas 3".into())
        );
        let mut b = Behavior::kubernetes_default();
        b.scale_down.policies[0].period_s = 3600;
        let err = HpaSpec::new(1, 3, 50).with_behavior(b).validate();
        assert!(err
            .map_err(|e| e.to_string())
            .unwrap_err()
            .contains("hpa.behavior.scale_down.policies[0].period_s"));
        assert!(HpaSpec::new(1, 10, 50).validate().is_ok());
    }
}
