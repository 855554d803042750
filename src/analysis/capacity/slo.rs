//! The service level objective a capacity step must meet: `"p99<200ms,errors<1%"`, a list of
//! latency limits and an error-rate limit, each term written like a scenario threshold.
//!
//! A step *breaks the SLO badly* when a latency term is over 10× its limit, the error rate is
//! over 50%, or nothing succeeded at all: the target is far past its capacity.

use super::error::CapacityError;
use crate::analysis::thresholds;
use crate::metrics::RunResult;
use crate::scenario::threshold::parse_threshold;
use crate::scenario::{Metric, Op, Threshold};
use serde::{Deserialize, Serialize};

/// A latency term over this many times its limit is a bad break.
pub const BAD_BREAK_LATENCY_FACTOR: f64 = 10.0;
/// An error rate over this is a bad break.
pub const BAD_BREAK_ERROR_RATE: f64 = 0.5;

/// A parsed SLO.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slo {
    /// As written.
    pub text: String,
    /// One threshold per term, evaluated over a step's measured window.
    pub terms: Vec<Threshold>,
}

/// How a step fared against the SLO.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Judgement {
    pub met: bool,
    pub bad_break: bool,
    /// The failed terms with what was observed, e.g. `p99 < 50ms: 812.3ms`.
    pub failed: Vec<String>,
    /// By how much the worst latency term was over its limit, µs (0 when none was).
    pub latency_excess_us: f64,
}

impl Slo {
    /// Parses `"p99<200ms,errors<1%"`: comma-separated terms `METRIC OP LIMIT` where METRIC is a
    /// latency (`p50`…`p99.9`, `mean`, `max`, optionally `request.p99`) or `errors`, and OP is
    /// `<` or `<=`.
    pub fn parse(text: &str) -> Result<Slo, CapacityError> {
        let err = |problem: String| CapacityError::Slo {
            text: text.to_string(),
            problem,
        };
        let mut terms = Vec::new();
        for term in text.split(',').map(str::trim) {
            if term.is_empty() {
                return Err(err("empty term; write e.g. \"p99<200ms,errors<1%\"".into()));
            }
            let at = term.find(['<', '>', '=']).ok_or_else(|| {
                err(format!(
                    "term {term:?} has no operator; write e.g. \"p99<200ms\""
                ))
            })?;
            let t = parse_threshold(&term[..at], &term[at..]).map_err(err)?;
            check_term(&t).map_err(|p| err(format!("term {term:?}: {p}")))?;
            terms.push(t);
        }
        Ok(Slo {
            text: text.trim().to_string(),
            terms,
        })
    }

    /// The p99 limit in milliseconds, when the SLO has a whole-run `p99` term.
    pub fn p99_limit_ms(&self) -> Option<f64> {
        self.terms
            .iter()
            .find(|t| t.request.is_none() && t.metric == Metric::Percentile(99.0))
            .map(|t| t.limit / 1e3)
    }

    /// The strictest latency limit, seconds.
    pub fn strictest_latency_s(&self) -> Option<f64> {
        self.terms
            .iter()
            .filter(|t| is_latency(t.metric))
            .map(|t| t.limit / 1e6)
            .reduce(f64::min)
    }

    /// Judges a step's result over its measured window.
    pub fn judge(&self, result: &RunResult) -> Judgement {
        let mut j = Judgement {
            met: true,
            ..Judgement::default()
        };
        for (term, r) in self
            .terms
            .iter()
            .zip(thresholds::evaluate(result, &self.terms))
        {
            if r.passed {
                continue;
            }
            j.met = false;
            j.failed
                .push(format!("{}: observed {}", r.expression, r.observed_text));
            if let (Some(v), true) = (r.observed, is_latency(term.metric)) {
                j.latency_excess_us = j.latency_excess_us.max(v - term.limit);
            }
            j.bad_break |= match r.observed {
                None => true,
                Some(v) if is_latency(term.metric) => v > BAD_BREAK_LATENCY_FACTOR * term.limit,
                Some(v) => v > BAD_BREAK_ERROR_RATE,
            };
        }
        j
    }
}

fn is_latency(metric: Metric) -> bool {
    matches!(
        metric,
        Metric::Percentile(_) | Metric::Mean | Metric::Max | Metric::Min
    )
}

fn check_term(t: &Threshold) -> Result<(), String> {
    if t.stage.is_some() {
        return Err("no stage names here: every capacity step is a single stage".into());
    }
    if !matches!(t.op, Op::Lt | Op::Le) {
        return Err(format!(
            "an SLO is an upper limit: use < or <=, not {}",
            t.op
        ));
    }
    if !(is_latency(t.metric) || t.metric == Metric::ErrorRate) {
        return Err(
            "only latency limits (p50…p99.9, mean, max) and an error rate (errors<1%) make an SLO"
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_terms() {
        let slo = Slo::parse("p99<200ms, errors<1%").unwrap();
        assert_eq!(slo.terms.len(), 2);
        assert_eq!(slo.p99_limit_ms(), Some(200.0));
        assert_eq!(slo.strictest_latency_s(), Some(0.2));
        assert_eq!(slo.terms[1].metric, Metric::ErrorRate);
        assert!((slo.terms[1].limit - 0.01).abs() < 1e-12);
        let slo = Slo::parse("checkout.p95<=80ms").unwrap();
        assert_eq!(slo.terms[0].request.as_deref(), Some("checkout"));
        assert_eq!(slo.p99_limit_ms(), None);
    }

    #[test]
    fn rejects_what_cannot_be_an_slo() {
        for bad in [
            "",
            "p99",
            "p99>200ms",
            "steady:p99<200ms",
            "rate<100/s",
            "errors<5",
            "p99<200",
            "p99<200ms,",
        ] {
            let e = Slo::parse(bad).unwrap_err();
            assert!(
                e.is_bad_input() && e.to_string().contains("--slo"),
                "{bad}: {e}"
            );
        }
    }
}
