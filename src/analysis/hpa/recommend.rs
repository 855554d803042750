//! The recommendation: the highest CPU utilization target (10 to 95 % in steps of 5) whose
//! simulation over the traffic shape has no SLO breach, and the fewest replicas that meet the SLO
//! at the starting rate. When no target works, the explanation gives the numbers that rule it out.
//!
//! Every target is simulated (no binary search): breaches need not be monotonic in the target,
//! because tolerance, stabilization and rate limits act in steps.

use serde::Serialize;

use super::error::HpaError;
use super::sim::{simulate, SimInput};
use super::units::whole_seconds;

/// The targets tried, percent.
pub const CANDIDATE_TARGETS: std::ops::RangeInclusive<u32> = 10..=95;

/// The step between candidate targets, percent.
pub const TARGET_STEP: usize = 5;

/// How one candidate target fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The CPU utilization target, percent.
    pub target_pct: u32,
    /// Seconds above the SLO.
    pub breach_seconds: u64,
    /// Peak replicas.
    pub peak_replicas: u32,
}

/// What to set in the HPA.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// The highest target without a breach, if any.
    pub target_utilization_pct: Option<u32>,
    /// The `minReplicas` to set: the HPA's own, raised to the fewest replicas that meet the SLO
    /// at the starting rate (the candidates were simulated with it).
    pub min_replicas: u32,
    /// Why, in words and numbers.
    pub explanation: String,
    /// Every target tried.
    pub candidates: Vec<Candidate>,
}

/// Recommends a target and `minReplicas` for `input` under a p99 objective of `slo_p99_ms`
/// (which replaces `input.slo_p99_ms`).
pub fn recommend_target(input: &SimInput, slo_p99_ms: f64) -> Result<Recommendation, HpaError> {
    let mut base = input.clone();
    base.slo_p99_ms = slo_p99_ms;
    let spec = &input.hpa;
    let Some(slo_rps) = base.cost.max_rps_within_slo(slo_p99_ms) else {
        let (rps, p99) = base
            .cost
            .latency
            .points()
            .first()
            .copied()
            .unwrap_or((0.0, f64::NAN));
        return Ok(Recommendation {
            target_utilization_pct: None,
            min_replicas: spec.min_replicas,
            explanation: format!(
                "no target can meet p99 ≤ {slo_p99_ms} ms: the lowest measured p99 is {p99} ms (at {rps} rps per pod)"
            ),
            candidates: Vec::new(),
        });
    };
    let start_rps = base.traffic.rate_at(0.0);
    let min_needed = pods_for(start_rps, slo_rps);
    if min_needed > spec.max_replicas {
        return Ok(Recommendation {
            target_utilization_pct: None,
            min_replicas: min_needed,
            explanation: format!(
                "maxReplicas {} cannot carry the starting rate {start_rps:.1} rps: at most {slo_rps:.1} rps per pod \
                 meet p99 ≤ {slo_p99_ms} ms, so it needs {min_needed} pods",
                spec.max_replicas
            ),
            candidates: Vec::new(),
        });
    }
    base.hpa.min_replicas = spec.min_replicas.max(min_needed);
    base.initial_replicas = base.initial_replicas.map(|n| n.max(base.hpa.min_replicas));
    let mut candidates = Vec::new();
    for target_pct in CANDIDATE_TARGETS.step_by(TARGET_STEP) {
        let mut trial = base.clone();
        trial.hpa.target_cpu_utilization_pct = target_pct;
        let out = simulate(&trial)?;
        candidates.push(Candidate {
            target_pct,
            breach_seconds: out.breach_seconds,
            peak_replicas: out.peak_replicas,
        });
    }
    let best = candidates
        .iter()
        .rev()
        .find(|c| c.breach_seconds == 0)
        .copied();
    let explanation = match best {
        Some(best) => explain_success(
            &base,
            spec.min_replicas,
            min_needed,
            slo_rps,
            best,
            &candidates,
        ),
        None => explain_failure(&base, slo_rps)?,
    };
    Ok(Recommendation {
        target_utilization_pct: best.map(|b| b.target_pct),
        // Never below the HPA's own minimum: the candidates ran with this one.
        min_replicas: base.hpa.min_replicas,
        explanation,
        candidates,
    })
}

/// Pods needed so that `rps` spread over them stays at or below `per_pod` (at least 1).
fn pods_for(rps: f64, per_pod: f64) -> u32 {
    if rps <= 0.0 || per_pod <= 0.0 {
        return 1;
    }
    let n = (rps / per_pod).ceil();
    if n >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        (n as u32).max(1)
    }
}

fn explain_success(
    input: &SimInput,
    spec_min: u32,
    min_needed: u32,
    slo_rps: f64,
    best: Candidate,
    candidates: &[Candidate],
) -> String {
    let slo = input.slo_p99_ms;
    let mut text = format!(
        "target {}% is the highest without a breach of p99 ≤ {slo} ms (peak {} replicas)",
        best.target_pct, best.peak_replicas
    );
    if let Some(next) = candidates.iter().find(|c| c.target_pct > best.target_pct) {
        text.push_str(&format!(
            "; {}% breaches for {} s",
            next.target_pct, next.breach_seconds
        ));
    }
    text.push_str(&format!(
        ". minReplicas {min_needed} keeps the starting rate {:.1} rps within {slo_rps:.1} rps per pod",
        input.traffic.rate_at(0.0)
    ));
    if spec_min < min_needed {
        text.push_str(&format!(" (the HPA has {spec_min}; raise it)"));
    }
    text.push('.');
    text
}

fn explain_failure(input: &SimInput, slo_rps: f64) -> Result<String, HpaError> {
    let slo = input.slo_p99_ms;
    let peak = input.traffic.peak_rps();
    let peak_pods = pods_for(peak, slo_rps);
    if peak_pods > input.hpa.max_replicas {
        return Ok(format!(
            "no target avoids a breach: maxReplicas {} cannot carry the peak {peak:.1} rps; at most {slo_rps:.1} rps \
             per pod meet p99 ≤ {slo} ms, so the peak needs {peak_pods} pods",
            input.hpa.max_replicas
        ));
    }
    let t = &input.timing;
    let startup = whole_seconds("timing.startup_delay", t.startup_delay)?;
    let reaction = whole_seconds("timing.sync_period", t.sync_period)?
        + whole_seconds("timing.metrics_lag", t.metrics_lag)?
        + whole_seconds("timing.metric_window", t.metric_window)?
        + startup;
    let lowest = *CANDIDATE_TARGETS.start();
    let at_lowest = input
        .cost
        .rps_at_utilization(f64::from(lowest), input.pod_cpu_request_cores);
    let headroom = slo_rps / at_lowest;
    let growth = max_growth(input, reaction);
    let growth_startup = max_growth(input, startup);
    Ok(format!(
        "no target avoids a breach: demand grows ×{growth:.2} within the HPA's reaction time of {reaction} s \
         (sync + metrics lag + metric window + start-up), and ×{growth_startup:.2} within the {startup} s start-up \
         delay alone, while even a {lowest}% target leaves only ×{headroom:.2} headroom ({at_lowest:.1} rps per pod \
         at {lowest}%, {slo_rps:.1} rps per pod meet p99 ≤ {slo} ms). Pre-scale with a higher minReplicas, or \
         shorten the start-up delay"
    ))
}

/// The largest factor by which demand grows within `window_s` seconds anywhere in the shape
/// (infinite when it grows from zero).
fn max_growth(input: &SimInput, window_s: i64) -> f64 {
    let end = input.traffic.end_s().ceil() as i64;
    (0..=end)
        .map(|t| {
            let now = input.traffic.rate_at(t as f64);
            let later = (t..=t + window_s)
                .map(|u| input.traffic.rate_at(u as f64))
                .fold(0.0, f64::max);
            if now > 0.0 {
                later / now
            } else if later > 0.0 {
                f64::INFINITY
            } else {
                1.0
            }
        })
        .fold(1.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::hpa::cost::tests::demo_cost;
    use crate::analysis::hpa::spec::HpaSpec;
    use crate::analysis::hpa::traffic::TrafficShape;

    fn step(from: f64, to: f64, max_replicas: u32) -> SimInput {
        let traffic =
            TrafficShape::new(vec![(0.0, from), (60.0, from), (61.0, to), (900.0, to)]).unwrap();
        SimInput::new(
            HpaSpec::new(1, max_replicas, 80),
            0.5,
            demo_cost(),
            traffic,
            100.0,
        )
    }

    /// 200 → 320 rps. At 200 rps, 3 pods carry 66.7 rps each (66 %); a target of 60 % sees
    /// 66/60 = 1.1, exactly at the tolerance, so 3 pods stay and the step saturates them. 55 %
    /// sees 1.2 and runs 4 pods, which carry 320 rps at 80 rps each (p99 66.7 ms).
    #[test]
    fn never_recommends_a_min_replicas_below_the_hpas_own() {
        let mut input = step(200.0, 320.0, 20);
        input.hpa.min_replicas = 6;
        let rec = recommend_target(&input, 100.0).unwrap();
        // 3 pods would meet the SLO at the start; the HPA already keeps 6.
        assert_eq!(rec.min_replicas, 6, "{}", rec.explanation);
    }

    #[test]
    fn recommends_the_highest_safe_target_and_it_holds() {
        let input = step(200.0, 320.0, 20);
        let rec = recommend_target(&input, 100.0).unwrap();
        assert_eq!(rec.target_utilization_pct, Some(55), "{}", rec.explanation);
        // ceil(200 / 86.67) = 3 pods meet the SLO at the start.
        assert_eq!(rec.min_replicas, 3);
        assert!(
            rec.explanation.starts_with("target 55% is the highest"),
            "{}",
            rec.explanation
        );
        assert_eq!(rec.candidates.len(), 18);

        let mut fed_back = input.clone();
        fed_back.hpa.target_cpu_utilization_pct = 55;
        fed_back.hpa.min_replicas = fed_back.hpa.min_replicas.max(rec.min_replicas);
        let out = simulate(&fed_back).unwrap();
        assert_eq!(out.breaches, vec![]);
        // And the original 80 % does breach.
        assert!(simulate(&input).unwrap().breach_seconds > 0);
    }

    #[test]
    fn a_tenfold_step_beats_any_target() {
        let rec = recommend_target(&step(100.0, 1000.0, 20), 100.0).unwrap();
        assert_eq!(rec.target_utilization_pct, None);
        assert!(
            rec.explanation.contains("demand grows ×10.00"),
            "{}",
            rec.explanation
        );
        assert!(
            rec.explanation.contains("only ×8.67 headroom"),
            "{}",
            rec.explanation
        );
    }

    #[test]
    fn max_replicas_too_low_for_the_peak() {
        let rec = recommend_target(&step(100.0, 600.0, 5), 100.0).unwrap();
        assert_eq!(rec.target_utilization_pct, None);
        assert!(
            rec.explanation
                .contains("maxReplicas 5 cannot carry the peak 600.0 rps"),
            "{}",
            rec.explanation
        );
        assert!(
            rec.explanation.contains("needs 7 pods"),
            "{}",
            rec.explanation
        );
    }

    #[test]
    fn unreachable_slo() {
        let rec = recommend_target(&step(100.0, 200.0, 20), 10.0).unwrap();
        assert_eq!(rec.target_utilization_pct, None);
        assert!(
            rec.explanation.contains("lowest measured p99 is 20 ms"),
            "{}",
            rec.explanation
        );
    }
}
