//! From a replica proposal to the new scale: ports of `horizontal.go`'s
//! `normalizeDesiredReplicas` (legacy path, `behavior == nil`) and
//! `normalizeDesiredReplicasWithBehaviors`, with the history they keep: recommendations
//! (`stabilizeRecommendation*`) and scale events (`storeScaleEvent`, `getReplicasChangePerPeriod`).
//!
//! **Window boundaries.** The real controller re-queues an HPA a sync period *after it finished*
//! the previous sync, so each sync runs slightly more than one period after the last, and a record
//! exactly `window` seconds old is always outside the window (`Before(cutoff)` is true,
//! `After(cutoff)` false). The simulator's syncs fall on exact multiples of the period, so a
//! record counts as inside a window only when it is *strictly younger* than the window. Without
//! this the default scale-up policy (`+100 %` or `+4` per 15 s) would act only every other sync.

use super::spec::{Behavior, PolicyKind, ScalingRules, SelectPolicy};

/// Whether a record at `t` lies in the window of `window_s` seconds ending at `now` (exclusive of
/// the far end; see the module docs).
fn in_window(t: i64, now: i64, window_s: i64) -> bool {
    t > now.saturating_sub(window_s)
}

#[derive(Debug, Clone, Copy)]
struct Recommendation {
    t: i64,
    replicas: i32,
}

#[derive(Debug, Clone, Copy)]
struct ScaleEvent {
    change: i32,
    t: i64,
    outdated: bool,
}

/// The per-HPA memory of the controller.
#[derive(Debug, Clone, Default)]
pub(crate) struct History {
    recommendations: Vec<Recommendation>,
    scale_up_events: Vec<ScaleEvent>,
    scale_down_events: Vec<ScaleEvent>,
}

/// The normalized scale and the condition reasons the controller would set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Normalized {
    /// The new desired replicas.
    pub desired: i32,
    /// The recommendation after stabilization, before rate limits and bounds.
    pub stabilized: i32,
    /// `ScalingLimited` reason: `DesiredWithinRange`, `ScaleUpLimit`, `ScaleDownLimit`,
    /// `TooManyReplicas` or `TooFewReplicas`.
    pub limit_reason: &'static str,
}

impl History {
    /// `recordInitialRecommendation`: the first sync remembers the current scale.
    pub(crate) fn record_initial(&mut self, current: i32, now: i64) {
        if self.recommendations.is_empty() {
            self.recommendations.push(Recommendation {
                t: now,
                replicas: current,
            });
        }
    }

    /// The legacy path: max-window stabilization, then `[min, min(max, scaleUpLimit)]`.
    pub(crate) fn normalize_legacy(
        &mut self,
        now: i64,
        current: i32,
        proposal: i32,
        bounds: (i32, i32),
        downscale_window_s: i64,
    ) -> Normalized {
        let stabilized = self.stabilize_legacy(now, proposal, downscale_window_s);
        let (desired, limit_reason) = convert_with_rules(current, stabilized, bounds);
        Normalized {
            desired,
            stabilized,
            limit_reason,
        }
    }

    /// The behavior path: both stabilization windows, then the rate policies and bounds.
    pub(crate) fn normalize_with_behavior(
        &mut self,
        now: i64,
        current: i32,
        proposal: i32,
        bounds: (i32, i32),
        behavior: &Behavior,
        downscale_window_s: i64,
    ) -> Normalized {
        let up_window = i64::from(behavior.scale_up.stabilization_window_s.unwrap_or(0));
        let down_window = behavior
            .scale_down
            .stabilization_window_s
            .map_or(downscale_window_s, i64::from);
        let stabilized =
            self.stabilize_with_behavior(now, current, proposal, up_window, down_window);
        let (desired, limit_reason) =
            self.convert_with_behavior_rate(now, current, stabilized, bounds, behavior);
        Normalized {
            desired,
            stabilized,
            limit_reason,
        }
    }

    /// `storeScaleEvent` (called after a rescale, only when `behavior` is set).
    pub(crate) fn store_scale_event(
        &mut self,
        behavior: &Behavior,
        now: i64,
        previous: i32,
        new: i32,
    ) {
        let (events, longest, change) = if new > previous {
            (
                &mut self.scale_up_events,
                behavior.scale_up.longest_period_s(),
                new - previous,
            )
        } else {
            (
                &mut self.scale_down_events,
                behavior.scale_down.longest_period_s(),
                previous - new,
            )
        };
        let mut outdated_index = None;
        for (i, e) in events.iter_mut().enumerate() {
            if !in_window(e.t, now, i64::from(longest)) {
                e.outdated = true;
            }
            if e.outdated {
                outdated_index = Some(i);
            }
        }
        let event = ScaleEvent {
            change,
            t: now,
            outdated: false,
        };
        match outdated_index {
            Some(i) => events[i] = event,
            None => events.push(event),
        }
    }

    /// `stabilizeRecommendation`: the maximum of the recommendations in the window.
    fn stabilize_legacy(&mut self, now: i64, proposal: i32, window_s: i64) -> i32 {
        let mut max = proposal;
        let mut old = None;
        for (i, rec) in self.recommendations.iter().enumerate() {
            if !in_window(rec.t, now, window_s) {
                old = Some(i);
            } else if rec.replicas > max {
                max = rec.replicas;
            }
        }
        self.remember(old, now, proposal);
        max
    }

    /// `stabilizeRecommendationWithBehaviors` (recent rule): start from the current scale, raise
    /// it to the *lowest* recommendation of the scale-up window, lower it to the *highest* of the
    /// scale-down window. The unstabilized proposal is what gets remembered.
    fn stabilize_with_behavior(
        &mut self,
        now: i64,
        current: i32,
        proposal: i32,
        up_window: i64,
        down_window: i64,
    ) -> i32 {
        let (mut up, mut down) = (proposal, proposal);
        let mut old = None;
        for (i, rec) in self.recommendations.iter().enumerate() {
            let in_up = in_window(rec.t, now, up_window);
            let in_down = in_window(rec.t, now, down_window);
            if in_up {
                up = up.min(rec.replicas);
            }
            if in_down {
                down = down.max(rec.replicas);
            }
            if !in_up && !in_down {
                old = Some(i);
            }
        }
        self.remember(old, now, proposal);
        let mut recommendation = current;
        if recommendation < up {
            recommendation = up;
        }
        if recommendation > down {
            recommendation = down;
        }
        recommendation
    }

    fn remember(&mut self, replace: Option<usize>, now: i64, replicas: i32) {
        let rec = Recommendation { t: now, replicas };
        match replace {
            Some(i) => self.recommendations[i] = rec,
            None => self.recommendations.push(rec),
        }
    }

    /// `convertDesiredReplicasWithBehaviorRate`.
    fn convert_with_behavior_rate(
        &self,
        now: i64,
        current: i32,
        desired: i32,
        (min, max): (i32, i32),
        behavior: &Behavior,
    ) -> (i32, &'static str) {
        if desired > current {
            let limit = scale_up_limit(
                current,
                &self.scale_up_events,
                &self.scale_down_events,
                &behavior.scale_up,
                now,
            )
            .max(current);
            let (maximum, reason) = if max > limit {
                (limit, "ScaleUpLimit")
            } else {
                (max, "TooManyReplicas")
            };
            if desired > maximum {
                return (maximum, reason);
            }
        } else if desired < current {
            let limit = scale_down_limit(
                current,
                &self.scale_up_events,
                &self.scale_down_events,
                &behavior.scale_down,
                now,
            )
            .min(current);
            let (minimum, reason) = if min < limit {
                (limit, "ScaleDownLimit")
            } else {
                (min, "TooFewReplicas")
            };
            if desired < minimum {
                return (minimum, reason);
            }
        }
        (desired, "DesiredWithinRange")
    }
}

/// `convertDesiredReplicasWithRules`: bounds plus `scaleUpLimit = max(2 × current, 4)`.
fn convert_with_rules(current: i32, desired: i32, (min, max): (i32, i32)) -> (i32, &'static str) {
    let scale_up_limit = (2.0 * f64::from(current)).max(4.0) as i32;
    let (maximum, reason) = if max > scale_up_limit {
        (scale_up_limit, "ScaleUpLimit")
    } else {
        (max, "TooManyReplicas")
    };
    if desired < min {
        (min, "TooFewReplicas")
    } else if desired > maximum {
        (maximum, reason)
    } else {
        (desired, "DesiredWithinRange")
    }
}

/// `getReplicasChangePerPeriod`.
fn change_in_period(period_s: u32, events: &[ScaleEvent], now: i64) -> i32 {
    events
        .iter()
        .filter(|e| in_window(e.t, now, i64::from(period_s)))
        .fold(0i32, |sum, e| sum.saturating_add(e.change))
}

/// The replica count at the start of a policy period: both event lists count.
fn period_start(
    current: i32,
    period_s: u32,
    up: &[ScaleEvent],
    down: &[ScaleEvent],
    now: i64,
) -> i32 {
    current
        .saturating_sub(change_in_period(period_s, up, now))
        .saturating_add(change_in_period(period_s, down, now))
}

/// `calculateScaleUpLimitWithScalingRules`.
fn scale_up_limit(
    current: i32,
    up: &[ScaleEvent],
    down: &[ScaleEvent],
    rules: &ScalingRules,
    now: i64,
) -> i32 {
    let (mut result, pick): (i32, fn(i32, i32) -> i32) = match rules.select_policy {
        SelectPolicy::Disabled => return current,
        SelectPolicy::Min => (i32::MAX, std::cmp::min),
        SelectPolicy::Max => (i32::MIN, std::cmp::max),
    };
    for policy in &rules.policies {
        let start = period_start(current, policy.period_s, up, down, now);
        let value = i32::try_from(policy.value).unwrap_or(i32::MAX);
        let proposed = match policy.kind {
            PolicyKind::Pods => start.saturating_add(value),
            // Rounded up, or a small percentage of few pods would never add one.
            PolicyKind::Percent => {
                (f64::from(start) * (1.0 + f64::from(value) / 100.0)).ceil() as i32
            }
        };
        result = pick(result, proposed);
    }
    result
}

/// `calculateScaleDownLimitWithBehaviors`.
fn scale_down_limit(
    current: i32,
    up: &[ScaleEvent],
    down: &[ScaleEvent],
    rules: &ScalingRules,
    now: i64,
) -> i32 {
    let (mut result, pick): (i32, fn(i32, i32) -> i32) = match rules.select_policy {
        SelectPolicy::Disabled => return current,
        SelectPolicy::Min => (i32::MIN, std::cmp::max),
        SelectPolicy::Max => (i32::MAX, std::cmp::min),
    };
    for policy in &rules.policies {
        let start = period_start(current, policy.period_s, up, down, now);
        let value = i32::try_from(policy.value).unwrap_or(i32::MAX);
        let proposed = match policy.kind {
            PolicyKind::Pods => start.saturating_sub(value),
            // Go's int32(float64) truncates toward zero.
            PolicyKind::Percent => (f64::from(start) * (1.0 - f64::from(value) / 100.0)) as i32,
        };
        result = pick(result, proposed);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::hpa::spec::ScalingPolicy;

    fn rules(policies: &[(PolicyKind, u32, u32)], select: SelectPolicy) -> ScalingRules {
        ScalingRules {
            stabilization_window_s: Some(0),
            policies: policies
                .iter()
                .map(|&(kind, value, period_s)| ScalingPolicy {
                    kind,
                    value,
                    period_s,
                })
                .collect(),
            select_policy: select,
            tolerance: None,
        }
    }

    #[test]
    fn legacy_scale_up_limit_is_max_of_double_and_four() {
        assert_eq!(convert_with_rules(2, 100, (1, 1000)), (4, "ScaleUpLimit"));
        assert_eq!(convert_with_rules(1, 100, (1, 1000)), (4, "ScaleUpLimit"));
        assert_eq!(convert_with_rules(10, 100, (1, 1000)), (20, "ScaleUpLimit"));
        assert_eq!(
            convert_with_rules(10, 100, (1, 15)),
            (15, "TooManyReplicas")
        );
        assert_eq!(convert_with_rules(10, 0, (3, 15)), (3, "TooFewReplicas"));
        assert_eq!(
            convert_with_rules(10, 12, (3, 15)),
            (12, "DesiredWithinRange")
        );
    }

    #[test]
    fn default_scale_up_is_max_of_4_pods_and_100_percent() {
        let b = Behavior::kubernetes_default();
        let mut h = History::default();
        let n = h.normalize_with_behavior(0, 2, 100, (1, 1000), &b, 300);
        assert_eq!(
            (n.desired, n.limit_reason),
            (6, "ScaleUpLimit"),
            "max(2+4, 2×2)"
        );
        let mut h = History::default();
        let n = h.normalize_with_behavior(0, 10, 100, (1, 1000), &b, 300);
        assert_eq!(n.desired, 20, "max(10+4, 10×2)");
    }

    #[test]
    fn events_inside_the_period_move_the_period_start() {
        let b = Behavior::kubernetes_default();
        let mut h = History::default();
        h.store_scale_event(&b, 0, 2, 6);
        // 10 s later the +4 is still inside the 15 s period: start = 6 − 4 = 2 → limit 6.
        assert_eq!(
            h.normalize_with_behavior(10, 6, 100, (1, 1000), &b, 300)
                .desired,
            6
        );
        // 15 s later it is outside: start = 6 → max(10, 12) = 12.
        assert_eq!(
            h.normalize_with_behavior(15, 6, 100, (1, 1000), &b, 300)
                .desired,
            12
        );
    }

    /// The docs' example: scale-down policies Pods 4/60 s and Percent 10/60 s from 80 replicas.
    #[test]
    fn docs_worked_example_80_72_64() {
        let down = rules(
            &[(PolicyKind::Pods, 4, 60), (PolicyKind::Percent, 10, 60)],
            SelectPolicy::Max,
        );
        let b = Behavior {
            scale_up: ScalingRules::default_scale_up(),
            scale_down: ScalingRules {
                stabilization_window_s: Some(0),
                ..down
            },
        };
        let mut h = History::default();
        let mut current = 80;
        let mut trace = vec![current];
        for now in (0..=180).step_by(15) {
            let n = h.normalize_with_behavior(now, current, 10, (1, 100), &b, 300);
            if n.desired != current {
                h.store_scale_event(&b, now, current, n.desired);
                current = n.desired;
                trace.push(current);
            }
        }
        // 80 → 72 (int32(80 × 0.9) = 72, vs 76 by Pods) ; held while the −8 is inside the 60 s
        // period (start stays 80) ; then int32(72 × 0.9) = int32(64.8) = 64 ("rounded up to 8").
        assert_eq!(trace, vec![80, 72, 64, 57, 51]);
    }

    #[test]
    fn select_policy_min_and_disabled() {
        let down = rules(
            &[(PolicyKind::Pods, 4, 60), (PolicyKind::Percent, 10, 60)],
            SelectPolicy::Min,
        );
        assert_eq!(
            scale_down_limit(80, &[], &[], &down, 0),
            76,
            "smallest change: −4"
        );
        let down = ScalingRules {
            select_policy: SelectPolicy::Disabled,
            ..down
        };
        assert_eq!(scale_down_limit(80, &[], &[], &down, 0), 80);
        let up = rules(
            &[(PolicyKind::Pods, 4, 15), (PolicyKind::Percent, 100, 15)],
            SelectPolicy::Min,
        );
        assert_eq!(
            scale_up_limit(10, &[], &[], &up, 0),
            14,
            "smallest change: +4"
        );
        let up = ScalingRules {
            select_policy: SelectPolicy::Disabled,
            ..up
        };
        let b = Behavior {
            scale_up: up,
            scale_down: ScalingRules::default_scale_down(),
        };
        let n = History::default().normalize_with_behavior(0, 10, 50, (1, 100), &b, 300);
        assert_eq!(n.desired, 10, "scale-up disabled");
    }

    #[test]
    fn percent_up_rounds_up_and_counts_scale_downs_too() {
        let up = rules(&[(PolicyKind::Percent, 10, 60)], SelectPolicy::Max);
        // ceil(3 × 1.1) = ceil(3.3000000000000003) = 4.
        assert_eq!(scale_up_limit(3, &[], &[], &up, 0), 4);
        // A scale-down of 2 pods 30 s ago raises the period start: 98 + 2 = 100, and
        // 100 × 1.1 is 110.00000000000001 in float64, so ceil allows 111, not 110.
        let down_events = [ScaleEvent {
            change: 2,
            t: -30,
            outdated: false,
        }];
        assert_eq!(scale_up_limit(98, &[], &down_events, &up, 0), 111);
    }

    #[test]
    fn legacy_stabilization_keeps_the_max_of_five_minutes() {
        let mut h = History::default();
        h.record_initial(10, 0);
        assert_eq!(h.normalize_legacy(0, 10, 10, (1, 100), 300).desired, 10);
        for now in (15..300).step_by(15) {
            assert_eq!(
                h.normalize_legacy(now, 10, 2, (1, 100), 300).desired,
                10,
                "at {now}"
            );
        }
        // The 10 recorded at t = 0 is exactly 300 s old at t = 300: outside.
        assert_eq!(h.normalize_legacy(300, 10, 2, (1, 100), 300).desired, 2);
    }

    #[test]
    fn behavior_stabilization_uses_both_windows() {
        let mut b = Behavior::kubernetes_default();
        b.scale_up.stabilization_window_s = Some(60);
        let mut h = History::default();
        h.record_initial(5, 0);
        // A spike to 9 at t = 15 is held at 5 by the up window (min over the last 60 s is 5).
        let n = h.normalize_with_behavior(15, 5, 9, (1, 100), &b, 300);
        assert_eq!((n.stabilized, n.desired), (5, 5));
        for now in [30, 45] {
            assert_eq!(
                h.normalize_with_behavior(now, 5, 9, (1, 100), &b, 300)
                    .desired,
                5,
                "at {now}"
            );
        }
        // At t = 60 the 5 from t = 0 has left the 60 s window: every recommendation is 9.
        let n = h.normalize_with_behavior(60, 5, 9, (1, 100), &b, 300);
        assert_eq!(n.desired, 9);
    }
}
