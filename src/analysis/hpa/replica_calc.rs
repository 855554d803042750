//! The replica proposal for a CPU `Utilization` target: a port of `GetResourceReplicas` and
//! `groupPods` (kubernetes `pkg/controller/podautoscaler/replica_calculator.go`) and of
//! `GetResourceUtilizationRatio` (`metrics/utilization.go`).
//!
//! Kept exactly: utilization is a *ratio of sums* in integer millicores, **truncated** to a whole
//! percent; `usageRatio = float64(utilization) / float64(target)`; the tolerance test; `ceil` over
//! *ready* pods in float64; unready pods ignored, and counted as 0 % when scaling up; pods
//! without metrics counted as 100 % (or the target, if above 100 %) on a scale-down and 0 % on
//! a scale-up; no change when that damping flips the direction or lands within tolerance.

use thiserror::Error;

/// How the tolerance is applied to the usage ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ToleranceRule {
    /// v1.33 and later: `(1 − down) ≤ ratio ≤ (1 + up)` (`Tolerances.isWithin`).
    #[default]
    Within,
    /// v1.32 and earlier: `|1 − ratio| ≤ tolerance`. Differs at the boundary: float64
    /// `1.0 − 1.1` is −0.10000000000000009, so a ratio of exactly 1.1 scales here.
    AbsoluteDifference,
}

/// Scale-down and scale-up tolerances on the usage ratio.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerances {
    /// Tolerance below 1.0.
    pub scale_down: f64,
    /// Tolerance above 1.0.
    pub scale_up: f64,
    /// Which comparison the modelled release makes.
    pub rule: ToleranceRule,
}

impl Tolerances {
    /// The same tolerance both ways, compared as v1.33+ does.
    pub fn symmetric(tolerance: f64) -> Self {
        Tolerances {
            scale_down: tolerance,
            scale_up: tolerance,
            rule: ToleranceRule::Within,
        }
    }

    /// True when the ratio is too close to 1.0 to act on.
    pub fn is_within(&self, usage_ratio: f64) -> bool {
        match self.rule {
            ToleranceRule::Within => {
                (1.0 - self.scale_down) <= usage_ratio && usage_ratio <= (1.0 + self.scale_up)
            }
            ToleranceRule::AbsoluteDifference => {
                let tolerance = if usage_ratio > 1.0 {
                    self.scale_up
                } else {
                    self.scale_down
                };
                (1.0 - usage_ratio).abs() <= tolerance
            }
        }
    }
}

/// A pod's phase, as far as the HPA cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodPhase {
    /// Not yet running (scheduling, pulling the image).
    Pending,
    /// Running.
    Running,
    /// Failed.
    Failed,
}

/// The pod's `Ready` condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadyCondition {
    /// `status == True`.
    pub ready: bool,
    /// `lastTransitionTime`, seconds.
    pub last_transition_s: i64,
}

/// The latest metrics-server sample for a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuSample {
    /// Usage over the window, whole millicores (summed over the pod's containers).
    pub usage_milli: i64,
    /// End of the window, seconds.
    pub timestamp_s: i64,
    /// Length of the window, seconds.
    pub window_s: i64,
}

/// One pod selected by the HPA's scale target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodInfo {
    /// `status.phase`.
    pub phase: PodPhase,
    /// `deletionTimestamp != nil`.
    pub deleting: bool,
    /// `status.startTime`, seconds.
    pub start_time_s: Option<i64>,
    /// The `Ready` condition, if present.
    pub ready: Option<ReadyCondition>,
    /// The metric sample, if metrics-server has one.
    pub sample: Option<CpuSample>,
    /// CPU request of the pod, whole millicores.
    pub request_milli: i64,
}

/// The controller flags that decide when a CPU sample is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    /// `--horizontal-pod-autoscaler-cpu-initialization-period` (300 s).
    pub cpu_initialization_period_s: i64,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s).
    pub initial_readiness_delay_s: i64,
}

impl Default for Readiness {
    fn default() -> Self {
        Readiness {
            cpu_initialization_period_s: 300,
            initial_readiness_delay_s: 30,
        }
    }
}

/// `groupPods`' classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodGroup {
    /// Counted with its sample.
    Ready,
    /// Pending, or its CPU sample is not trusted yet.
    Unready,
    /// Running but without a sample.
    Missing,
    /// Being deleted or failed: dropped.
    Ignored,
}

/// `groupPods` for the CPU resource. Time comparisons keep Go's strictness (`After`, `Before`).
pub fn classify(pod: &PodInfo, now_s: i64, readiness: &Readiness) -> PodGroup {
    if pod.deleting || pod.phase == PodPhase::Failed {
        return PodGroup::Ignored;
    }
    if pod.phase == PodPhase::Pending {
        return PodGroup::Unready;
    }
    let Some(sample) = pod.sample else {
        return PodGroup::Missing;
    };
    let (Some(condition), Some(start)) = (pod.ready, pod.start_time_s) else {
        return PodGroup::Unready;
    };
    let unready = if start + readiness.cpu_initialization_period_s > now_s {
        // Still initialising: ignore the sample unless a full window was collected since the
        // last readiness transition.
        !condition.ready || sample.timestamp_s < condition.last_transition_s + sample.window_s
    } else {
        // Ignore it only if the pod has never been ready.
        !condition.ready
            && start + readiness.initial_readiness_delay_s > condition.last_transition_s
    };
    if unready {
        PodGroup::Unready
    } else {
        PodGroup::Ready
    }
}

/// The proposal and the utilization the HPA reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    /// Proposed replicas (before normalization).
    pub replicas: i32,
    /// Undamped utilization, percent, truncated (what `kubectl get hpa` shows).
    pub utilization_pct: i32,
    /// Mean usage per counted pod, millicores.
    pub raw_utilization_milli: i64,
}

/// Why no proposal could be made; the controller then keeps the current scale.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum CalcError {
    /// The selector matched no pods.
    #[error("no pods returned by selector while calculating replica count")]
    NoPods,
    /// No pod has a trusted sample.
    #[error("did not receive metrics for targeted pods (pods might be unready)")]
    NoMetrics,
    /// The requests of the counted pods sum to zero.
    #[error("no metrics returned matched known pods")]
    NoRequests,
}

/// `GetResourceReplicas` for a CPU utilization target of `target_pct` percent.
pub fn resource_replicas(
    current: i32,
    target_pct: i32,
    tolerances: Tolerances,
    pods: &[PodInfo],
    now_s: i64,
    readiness: &Readiness,
) -> Result<Proposal, CalcError> {
    if pods.is_empty() {
        return Err(CalcError::NoPods);
    }
    let mut ready_count: i64 = 0;
    let mut metrics: Vec<(i64, i64)> = Vec::with_capacity(pods.len());
    let (mut unready, mut missing) = (Vec::new(), Vec::new());
    for pod in pods {
        match classify(pod, now_s, readiness) {
            PodGroup::Ready => {
                ready_count += 1;
                let usage = pod.sample.map_or(0, |s| s.usage_milli);
                metrics.push((usage, pod.request_milli));
            }
            PodGroup::Unready => unready.push(pod.request_milli),
            PodGroup::Missing => missing.push(pod.request_milli),
            PodGroup::Ignored => {}
        }
    }
    if metrics.is_empty() {
        return Err(CalcError::NoMetrics);
    }
    let (usage_ratio, utilization, raw) = utilization_ratio(&metrics, target_pct)?;
    let proposal = |replicas| Proposal {
        replicas,
        utilization_pct: utilization,
        raw_utilization_milli: raw,
    };

    let scale_up_with_unready = !unready.is_empty() && usage_ratio > 1.0;
    if !scale_up_with_unready && missing.is_empty() {
        if tolerances.is_within(usage_ratio) {
            return Ok(proposal(current));
        }
        return Ok(proposal(ceil_i32(usage_ratio * ready_count as f64)));
    }

    if !missing.is_empty() {
        if usage_ratio < 1.0 {
            let fallback = i64::from(target_pct.max(100));
            metrics.extend(missing.iter().map(|&r| (r * fallback / 100, r)));
        } else if usage_ratio > 1.0 {
            metrics.extend(missing.iter().map(|&r| (0, r)));
        }
    }
    if scale_up_with_unready {
        metrics.extend(unready.iter().map(|&r| (0, r)));
    }

    let (new_ratio, _, _) = utilization_ratio(&metrics, target_pct)?;
    let flipped = (usage_ratio < 1.0 && new_ratio > 1.0) || (usage_ratio > 1.0 && new_ratio < 1.0);
    if tolerances.is_within(new_ratio) || flipped {
        return Ok(proposal(current));
    }
    let new_replicas = ceil_i32(new_ratio * metrics.len() as f64);
    if (new_ratio < 1.0 && new_replicas > current) || (new_ratio > 1.0 && new_replicas < current) {
        return Ok(proposal(current));
    }
    Ok(proposal(new_replicas))
}

/// `GetResourceUtilizationRatio`: `(usage ratio, utilization %, mean usage)` over
/// `(usage_milli, request_milli)` entries. Sums in i128 give the exact result that upstream's
/// big-int fallback gives on overflow.
pub fn utilization_ratio(
    entries: &[(i64, i64)],
    target_pct: i32,
) -> Result<(f64, i32, i64), CalcError> {
    let usage: i128 = entries.iter().map(|&(u, _)| i128::from(u)).sum();
    let requests: i128 = entries.iter().map(|&(_, r)| i128::from(r)).sum();
    if requests == 0 {
        return Err(CalcError::NoRequests);
    }
    // Integer division truncates toward zero in Go and in Rust.
    let percentage = usage * 100 / requests;
    let utilization =
        i32::try_from(percentage).unwrap_or(if percentage > 0 { i32::MAX } else { i32::MIN });
    let raw = i64::try_from(usage / entries.len() as i128).unwrap_or(i64::MAX);
    Ok((
        f64::from(utilization) / f64::from(target_pct),
        utilization,
        raw,
    ))
}

/// Go's `int32(math.Ceil(x))` for the values that occur here (saturating instead of wrapping).
fn ceil_i32(x: f64) -> i32 {
    x.ceil() as i32
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const REQ: i64 = 1000;

    /// A running pod that has been ready for long, with a sample of `pct` % of a 1-core request.
    pub(crate) fn ready_at(pct: i64) -> PodInfo {
        PodInfo {
            phase: PodPhase::Running,
            deleting: false,
            start_time_s: Some(-10_000),
            ready: Some(ReadyCondition {
                ready: true,
                last_transition_s: -10_000,
            }),
            sample: Some(CpuSample {
                usage_milli: REQ * pct / 100,
                timestamp_s: 0,
                window_s: 15,
            }),
            request_milli: REQ,
        }
    }

    fn pending() -> PodInfo {
        PodInfo {
            phase: PodPhase::Pending,
            start_time_s: None,
            ready: None,
            sample: None,
            ..ready_at(0)
        }
    }

    fn missing() -> PodInfo {
        PodInfo {
            sample: None,
            ..ready_at(0)
        }
    }

    fn calc(current: i32, target: i32, pods: &[PodInfo]) -> i32 {
        calc_with(current, target, Tolerances::symmetric(0.1), pods)
    }

    fn calc_with(current: i32, target: i32, tol: Tolerances, pods: &[PodInfo]) -> i32 {
        resource_replicas(current, target, tol, pods, 0, &Readiness::default())
            .map(|p| p.replicas)
            .unwrap_or(-1)
    }

    #[test]
    fn three_pods_at_90_against_50_become_6() {
        // 90/50 = 1.8; ceil(1.8 × 3) = ceil(5.4) = 6.
        assert_eq!(calc(3, 50, &[ready_at(90), ready_at(90), ready_at(90)]), 6);
    }

    #[test]
    fn ratio_1_08_is_within_tolerance() {
        // 54/50 = 1.08 ≤ 1.1: no change.
        assert_eq!(calc(3, 50, &[ready_at(54), ready_at(54), ready_at(54)]), 3);
    }

    #[test]
    fn utilization_is_a_truncated_ratio_of_sums() {
        // (600 + 501) × 100 / 2000 = 55.05 → 55, not the mean of per-pod ratios rounded.
        let pods = [
            ready_at(60),
            PodInfo {
                sample: Some(CpuSample {
                    usage_milli: 501,
                    timestamp_s: 0,
                    window_s: 15,
                }),
                ..ready_at(0)
            },
        ];
        let p = resource_replicas(
            2,
            50,
            Tolerances::symmetric(0.1),
            &pods,
            0,
            &Readiness::default(),
        )
        .unwrap();
        assert_eq!(p.utilization_pct, 55);
        // 55/50 = 1.1 → within tolerance (see the float test below).
        assert_eq!(p.replicas, 2);
    }

    /// Float edge cases, computed as Go's float64 does (IEEE 754 binary64, round to nearest):
    ///
    /// * `55.0 / 50.0` is the double nearest 1.1, i.e. 1.100000000000000088817841970012523; so is
    ///   `1.0 + 0.1`. The literal `1.1000000000000001` also rounds to that same double. v1.33+
    ///   (`isWithin`: `ratio <= 1.0 + 0.1`) therefore treats 55 % against 50 % as *within*.
    /// * v1.32 and earlier tested `math.Abs(1.0 - ratio) <= 0.1`; `1.0 - 1.1` is
    ///   −0.10000000000000009, so the same input *scales*: 50 pods → `ceil(1.1 × 50)`, and
    ///   `1.1 × 50` is 55.00000000000001 in float64, so the result is **56**, not 55.
    /// * The lower edge agrees in both: `45/50` is the double nearest 0.9, equal to `1.0 − 0.1`,
    ///   and `|1.0 − 0.9|` is 0.09999999999999998 ≤ 0.1.
    #[test]
    fn exactly_at_tolerance_matches_go_float64() {
        let one_point_one: f64 = "1.1000000000000001".parse().unwrap();
        assert_eq!(55.0_f64 / 50.0, one_point_one);
        assert_eq!(1.0_f64 + 0.1, one_point_one);
        assert_eq!((1.0_f64 - 1.1).abs(), 0.10000000000000009);
        assert_eq!(1.1_f64 * 50.0, 55.00000000000001);

        let fifty_at_55: Vec<PodInfo> = (0..50).map(|_| ready_at(55)).collect();
        assert_eq!(calc(50, 50, &fifty_at_55), 50, "v1.33+: 1.1 is within");
        let legacy = Tolerances {
            rule: ToleranceRule::AbsoluteDifference,
            ..Tolerances::symmetric(0.1)
        };
        assert_eq!(
            calc_with(50, 50, legacy, &fifty_at_55),
            56,
            "<=v1.32: scales, and ceil(55.00000000000001) = 56"
        );
        // A per-HPA scale-up tolerance of 0.05 (v1.33+) also scales, to the same 56.
        let five_pct = Tolerances {
            scale_up: 0.05,
            ..Tolerances::symmetric(0.1)
        };
        assert_eq!(calc_with(50, 50, five_pct, &fifty_at_55), 56);

        let ten_at_45: Vec<PodInfo> = (0..10).map(|_| ready_at(45)).collect();
        assert_eq!(calc(10, 50, &ten_at_45), 10);
        assert_eq!(calc_with(10, 50, legacy, &ten_at_45), 10);
        // Just outside: 44/50 = 0.88 → ceil(8.8) = 9.
        let ten_at_44: Vec<PodInfo> = (0..10).map(|_| ready_at(44)).collect();
        assert_eq!(calc(10, 50, &ten_at_44), 9);
    }

    #[test]
    fn unready_pods_count_as_zero_on_scale_up() {
        // 2 ready at 100 % + 2 pending, target 50: ratio 2.0 > 1 with unready pods, so the
        // unready count as 0: (1000+1000+0+0)×100/4000 = 50 % → ratio 1.0 → within → stay at 4.
        // (Scaling the ready pods alone would give ceil(2.0 × 2) = 4 as well, but a naive
        // ceil(current × 2.0) would ask for 8.)
        let pods = [ready_at(100), ready_at(100), pending(), pending()];
        assert_eq!(calc(4, 50, &pods), 4);
        // 3 ready at 100 % + 1 pending, target 50: 300/4 = 75 % → 1.5 → ceil(1.5 × 4) = 6.
        let pods = [ready_at(100), ready_at(100), ready_at(100), pending()];
        assert_eq!(calc(4, 50, &pods), 6);
    }

    #[test]
    fn unready_pods_are_left_out_on_scale_down() {
        // 2 ready at 20 %, 2 pending, target 50: ratio 0.4, no rebalancing on a scale-down:
        // ceil(0.4 × 2 ready) = 1, although 4 pods exist.
        let pods = [ready_at(20), ready_at(20), pending(), pending()];
        assert_eq!(calc(4, 50, &pods), 1);
    }

    #[test]
    fn missing_metrics_damp_both_ways() {
        // Scale-down: the missing pods count as 100 %: (200+200+1000+1000)/4000 = 60 % →
        // ratio 1.2, the direction flipped → stay at 4.
        let pods = [ready_at(20), ready_at(20), missing(), missing()];
        assert_eq!(calc(4, 50, &pods), 4);
        // Scale-down with a deeper drop: 2 at 10 % + 1 missing (as 100 %), target 80:
        // ratio 10/80 = 0.125; damped (100+100+1000)×100/3000 = 40 % → 0.5 → ceil(0.5 × 3) = 2.
        let pods = [ready_at(10), ready_at(10), missing()];
        assert_eq!(calc(3, 80, &pods), 2);
        // Scale-up: 2 at 150 % + 1 missing, target 50: ratio 3.0; the missing pod counts as
        // 0 %: 3000×100/3000 = 100 % → 2.0 → ceil(2.0 × 3 entries) = 6.
        let pods = [ready_at(150), ready_at(150), missing()];
        assert_eq!(calc(3, 50, &pods), 6);
    }

    #[test]
    fn missing_pods_above_100_percent_target_use_the_target() {
        // Target 150 %: 2 ready at 60 % → ratio 0.4; the missing pod counts as the target,
        // 150 %: (600+600+1500)×100/3000 = 90 % → 0.6 → ceil(0.6 × 3) = 2.
        let pods = [ready_at(60), ready_at(60), missing()];
        assert_eq!(calc(3, 150, &pods), 2);
    }

    #[test]
    fn new_pods_are_unready_until_a_full_window_after_readiness() {
        let r = Readiness::default();
        let mut pod = ready_at(50);
        pod.start_time_s = Some(100);
        pod.ready = Some(ReadyCondition {
            ready: true,
            last_transition_s: 100,
        });
        pod.sample = Some(CpuSample {
            usage_milli: 500,
            timestamp_s: 110,
            window_s: 15,
        });
        assert_eq!(classify(&pod, 120, &r), PodGroup::Unready, "110 < 100 + 15");
        pod.sample = Some(CpuSample {
            usage_milli: 500,
            timestamp_s: 115,
            window_s: 15,
        });
        assert_eq!(classify(&pod, 130, &r), PodGroup::Ready);
        // After the initialization period: a pod that went unready *after* having been ready
        // keeps counting; one unready since start-up does not.
        pod.ready = Some(ReadyCondition {
            ready: false,
            last_transition_s: 200,
        });
        assert_eq!(classify(&pod, 500, &r), PodGroup::Ready);
        pod.ready = Some(ReadyCondition {
            ready: false,
            last_transition_s: 110,
        });
        assert_eq!(classify(&pod, 500, &r), PodGroup::Unready);
        pod.deleting = true;
        assert_eq!(classify(&pod, 500, &r), PodGroup::Ignored);
    }

    #[test]
    fn no_pods_or_no_metrics_is_an_error() {
        let r = Readiness::default();
        let t = Tolerances::symmetric(0.1);
        assert_eq!(
            resource_replicas(1, 50, t, &[], 0, &r),
            Err(CalcError::NoPods)
        );
        assert_eq!(
            resource_replicas(1, 50, t, &[pending()], 0, &r),
            Err(CalcError::NoMetrics)
        );
    }
}
