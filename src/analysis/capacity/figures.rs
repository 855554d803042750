//! The figures derived from the steps: the knee of the latency curve, CPU per request, and
//! requests per second per pod at a CPU utilization.
//!
//! - **Knee**: ordering the steps where loadlab was not the limit by rate, the first step whose
//!   p99 is over twice the p99 of the lowest-rate step — where latency starts rising steeply.
//! - **CPU per request**: the target's CPU cores ÷ completed requests per second at the highest
//!   rate that met the SLO. The target's idle CPU is included, as it is in what an HPA sees.
//! - **Per pod**: at utilization `u` of a pod CPU request `r` cores, a pod serves
//!   `u × r ÷ cpu_per_request` requests per second (flagged when above the measured capacity).

use super::step::StepRecord;
use serde::{Deserialize, Serialize};

/// A p99 over this many times the lowest-rate step's p99 marks the knee.
pub const KNEE_FACTOR: f64 = 2.0;

/// Utilizations reported per pod, percent.
pub const POD_UTILIZATIONS: [f64; 3] = [50.0, 70.0, 90.0];

/// Where p99 starts rising steeply.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Knee {
    /// The knee step's rate, req/s.
    pub rate: f64,
    pub p99_ms: f64,
    /// p99 of the lowest-rate step, ms.
    pub baseline_p99_ms: f64,
}

/// Requests per second one pod serves at a CPU utilization.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PodRate {
    pub utilization_pct: f64,
    pub rps: f64,
    /// Above the highest rate that met the SLO: the SLO, not CPU, limits the pod there.
    pub above_capacity: bool,
}

/// A pod's request and what it carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerPod {
    pub pod_cpu_cores: f64,
    pub rps_per_pod_at_utilization: Vec<PodRate>,
}

/// The steps that say something about the target, by rate (ties: the later step).
pub fn target_steps(steps: &[StepRecord]) -> Vec<&StepRecord> {
    let mut v: Vec<&StepRecord> = steps.iter().filter(|s| !s.generator_limited).collect();
    v.sort_by(|a, b| a.rate.total_cmp(&b.rate));
    v
}

pub fn knee(steps: &[StepRecord]) -> Option<Knee> {
    let by_rate: Vec<(f64, f64)> = target_steps(steps)
        .iter()
        .filter_map(|s| Some((s.rate, s.p99_ms?)))
        .collect();
    let &(_, baseline) = by_rate.first()?;
    by_rate
        .iter()
        .find(|(_, p99)| *p99 > KNEE_FACTOR * baseline)
        .map(|&(rate, p99_ms)| Knee {
            rate,
            p99_ms,
            baseline_p99_ms: baseline,
        })
}

pub fn cpu_seconds_per_request(steps: &[StepRecord]) -> Option<f64> {
    target_steps(steps)
        .into_iter()
        .rev()
        .filter(|s| s.slo_met && s.achieved > 0.0)
        .find_map(|s| s.target_cpu_cores.map(|c| c / s.achieved))
        .filter(|c| c.is_finite() && *c > 0.0)
}

pub fn per_pod(cpu_per_request: f64, pod_cpu_cores: f64, capacity: Option<f64>) -> PerPod {
    PerPod {
        pod_cpu_cores,
        rps_per_pod_at_utilization: POD_UTILIZATIONS
            .iter()
            .map(|&u| {
                let rps = u / 100.0 * pod_cpu_cores / cpu_per_request;
                PodRate {
                    utilization_pct: u,
                    rps,
                    above_capacity: capacity.is_some_and(|c| rps > c),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn step(rate: f64, p99: f64, slo_met: bool, cpu: Option<f64>) -> StepRecord {
        StepRecord {
            rate,
            achieved: rate.min(490.0),
            p50_ms: Some(p99 / 2.0),
            p99_ms: Some(p99),
            error_rate: 0.0,
            dropped: 0,
            target_cpu_cores: cpu,
            slo_met,
            bad_break: false,
            generator_limited: false,
            measured_s: 2.0,
            cut_short: None,
            notes: Vec::new(),
            repeated_because: None,
            result: format!("steps/rate-{rate}/result.json"),
        }
    }

    #[test]
    fn knee_is_the_first_doubling_of_p99() {
        let steps = vec![
            step(100.0, 10.0, true, None),
            step(800.0, 900.0, false, None),
            step(200.0, 12.0, true, None),
            step(400.0, 25.0, true, None),
        ];
        assert_eq!(
            knee(&steps),
            Some(Knee {
                rate: 400.0,
                p99_ms: 25.0,
                baseline_p99_ms: 10.0
            })
        );
        assert_eq!(knee(&steps[..1]), None);
    }

    #[test]
    fn cpu_per_request_at_the_highest_passing_rate() {
        let steps = vec![
            step(100.0, 10.0, true, Some(0.1)),
            step(400.0, 12.0, true, Some(0.2)),
            step(800.0, 900.0, false, Some(0.3)),
        ];
        assert_eq!(cpu_seconds_per_request(&steps), Some(0.2 / 400.0));
        let pod = per_pod(0.001, 0.5, Some(400.0));
        let r = &pod.rps_per_pod_at_utilization;
        assert_eq!(r.len(), 3);
        assert!((r[0].rps - 250.0).abs() < 1e-9 && !r[0].above_capacity);
        assert!((r[2].rps - 450.0).abs() < 1e-9 && r[2].above_capacity);
    }
}
