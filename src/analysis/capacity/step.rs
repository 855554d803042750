//! One step of the search as recorded in `capacity.json`: a fixed arrival rate held for the step,
//! what the target did over the measured window, and whether loadlab itself was the limit.
//!
//! A step is *generator-limited* when
//! - its scheduler lag p99 or loadlab's CPU is over the limits a run warns about, unless a
//!   latency term broke by more than the lag p99 (latency counts from the intended start, so
//!   lateness adds to it; a break bigger than the lag is the target's own); or
//! - arrivals were dropped at `max_in_flight` while the target still met the SLO: then the cap,
//!   not the target, turned load away. Drops while the SLO is broken are the target saturating
//!   (its queue reached the cap): an ordinary failed step.

use super::search::Observation;
use super::slo::Slo;
use crate::metrics::{GeneratorHealth, RunResult};
use crate::probe::ProbeResults;
use crate::report::format::{format_count, format_micros};
use crate::run::assemble::{CPU_LIMIT, LAG_P99_LIMIT_US};
use serde::{Deserialize, Serialize};

/// One step's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// Offered arrival rate, req/s.
    pub rate: f64,
    /// Responses completed per second (any outcome) during the measured window.
    pub achieved: f64,
    /// Latency of successful requests from intended start, ms (`None` when none succeeded).
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// Failed ÷ sent over the measured window.
    pub error_rate: f64,
    /// Arrivals dropped at `max_in_flight`, whole step.
    pub dropped: u64,
    /// Target CPU cores used during the measured window (needs `[metrics] url`).
    pub target_cpu_cores: Option<f64>,
    pub slo_met: bool,
    /// p99 over 10× its limit, errors over 50%, or nothing succeeded.
    pub bad_break: bool,
    pub generator_limited: bool,
    /// Seconds measured (after warm-up); shorter than planned when the step was cut short.
    pub measured_s: f64,
    /// Why the step ended before its time, if it did.
    pub cut_short: Option<String>,
    /// The failed SLO terms and generator limits, in words.
    pub notes: Vec<String>,
    /// Why a first attempt at this rate was discarded: loadlab was momentarily the limit (a
    /// stall from another process on the machine), so the step was run once more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeated_because: Option<String>,
    /// The step's `result.json`, relative to the capacity directory.
    pub result: String,
}

impl StepRecord {
    /// The step's record from its run result.
    pub fn from_result(rate: f64, result: &RunResult, slo: &Slo, result_path: String) -> Self {
        let summary = result.summary(None, None);
        let judgement = slo.judge(result);
        let limits = generator_limits(
            &result.generator,
            result.scenario.max_in_flight,
            judgement.met,
            judgement.latency_excess_us,
        );
        let has_latency = summary.latency.count() > 0;
        let ms = |p: f64| has_latency.then(|| summary.latency.percentile(p) as f64 / 1e3);
        let mut notes = judgement.failed;
        notes.extend(limits.iter().cloned());
        StepRecord {
            rate,
            achieved: achieved(result).unwrap_or_else(|| summary.throughput()),
            p50_ms: ms(50.0),
            p99_ms: ms(99.0),
            error_rate: summary.error_rate(),
            dropped: result.generator.in_flight_cap_hits,
            target_cpu_cores: target_cpu_cores(result),
            slo_met: judgement.met,
            bad_break: judgement.bad_break,
            generator_limited: !limits.is_empty(),
            measured_s: summary.measured_s,
            cut_short: result.run.partial_reason.clone(),
            notes,
            repeated_because: None,
            result: result_path,
        }
    }

    /// What the search needs to know.
    pub fn observation(&self) -> Observation {
        Observation {
            rate: self.rate,
            slo_met: self.slo_met,
            generator_limited: self.generator_limited,
        }
    }
}

/// Why loadlab, not the target, limited a step (empty when it did not). `latency_excess_us`:
/// how far the worst latency term was over its limit.
pub fn generator_limits(
    g: &GeneratorHealth,
    max_in_flight: usize,
    slo_met: bool,
    latency_excess_us: f64,
) -> Vec<String> {
    let mut why = Vec::new();
    let target_broke_alone = !slo_met && latency_excess_us > g.scheduler_lag_p99_us as f64;
    if g.scheduler_lag_p99_us > LAG_P99_LIMIT_US && !target_broke_alone {
        why.push(format!(
            "loadlab's scheduler lag p99 was {} (limit {}): requests left later than planned",
            format_micros(g.scheduler_lag_p99_us as f64),
            format_micros(LAG_P99_LIMIT_US as f64)
        ));
    }
    if g.cpu_utilization > CPU_LIMIT && !target_broke_alone {
        why.push(format!(
            "loadlab used {:.0}% of its {} engine thread(s)",
            g.cpu_utilization * 100.0,
            g.threads
        ));
    }
    if g.in_flight_cap_hits > 0 && slo_met {
        why.push(format!(
            "{} arrivals were dropped at loadlab's in-flight cap (max_in_flight = {max_in_flight}) \
             while the target still met the SLO",
            format_count(g.in_flight_cap_hits)
        ));
    }
    why
}

/// Completions per second over the whole seconds inside the measured window.
fn achieved(result: &RunResult) -> Option<f64> {
    let stage = result.stages.first()?;
    let from = (stage.start_s + stage.warmup_s).ceil() as u32;
    let to = (stage.start_s + stage.warmup_s + stage.measured_s).floor() as u32;
    let seconds: Vec<u32> = result
        .timeline
        .iter()
        .filter(|s| s.t >= from && s.t < to)
        .map(|s| s.completed)
        .collect();
    (!seconds.is_empty())
        .then(|| seconds.iter().map(|&c| f64::from(c)).sum::<f64>() / seconds.len() as f64)
}

fn target_cpu_cores(result: &RunResult) -> Option<f64> {
    ProbeResults::from_value(&result.probes)
        .metrics?
        .cpu_cores_by_stage
        .first()
        .map(|v| v.value)
        .filter(|v| v.is_finite() && *v >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_are_the_generator_only_while_the_slo_holds() {
        let g = GeneratorHealth {
            threads: 2,
            in_flight_cap_hits: 40,
            ..GeneratorHealth::default()
        };
        let why = generator_limits(&g, 2, true, 0.0);
        assert_eq!(why.len(), 1);
        assert!(why[0].contains("max_in_flight = 2"), "{why:?}");
        assert!(generator_limits(&g, 2, false, 0.0).is_empty());
    }

    #[test]
    fn lag_is_the_generator_unless_the_break_is_bigger_than_it() {
        let g = GeneratorHealth {
            threads: 2,
            scheduler_lag_p99_us: 20_000,
            cpu_utilization: 0.95,
            ..GeneratorHealth::default()
        };
        assert_eq!(generator_limits(&g, 256, true, 0.0).len(), 2);
        assert_eq!(generator_limits(&g, 256, false, 15_000.0).len(), 2);
        assert!(generator_limits(&g, 256, false, 500_000.0).is_empty());
    }
}
