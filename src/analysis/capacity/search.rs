//! The capacity search as a pure state machine: which arrival rate to try next, given what the
//! steps so far observed. No I/O and no clock, so every path is unit-tested.
//!
//! 1. **Growth**: from `start_rate`, multiply by `growth` (×2) while the SLO holds, never past
//!    `max_rate`. A pass at `max_rate` ends the search: the capacity is at least `max_rate`.
//! 2. **Refinement**: bisect between the last pass and the first fail until the gap is at most
//!    `precision` of the last pass (or one request per second). Rates are whole requests/s.
//!
//! A step where loadlab itself was the limit ends the search at once: its figures say nothing
//! about the target, and neither would any higher rate's. Even the start rate failing ends it too.

use super::error::CapacityError;
use serde::{Deserialize, Serialize};

/// How to search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchConfig {
    /// First rate tried, req/s (≥ 1).
    pub start_rate: f64,
    /// No step goes above this rate, req/s.
    pub max_rate: f64,
    /// Growth factor between passing steps (> 1).
    pub growth: f64,
    /// Refinement stops when `first_fail − last_pass ≤ precision × last_pass` (0 < p < 1).
    pub precision: f64,
}

impl SearchConfig {
    /// Checks the numbers; the error names the flag to fix.
    pub fn validate(&self) -> Result<(), CapacityError> {
        let bad = |flag: &str, problem: String| Err(CapacityError::input(flag, problem));
        if !(self.start_rate.is_finite() && self.start_rate >= 1.0) {
            return bad(
                "--start-rate",
                format!("{} must be at least 1 req/s", self.start_rate),
            );
        }
        if !(self.max_rate.is_finite() && self.max_rate >= self.start_rate) {
            return bad(
                "--max-rate",
                format!(
                    "{} must be at least the start rate ({})",
                    self.max_rate, self.start_rate
                ),
            );
        }
        if !(self.growth.is_finite() && self.growth > 1.0) {
            return bad("growth", format!("{} must be above 1", self.growth));
        }
        if !(self.precision > 0.0 && self.precision < 1.0) {
            return bad(
                "--precision",
                format!(
                    "{}% must be above 0% and below 100%",
                    self.precision * 100.0
                ),
            );
        }
        Ok(())
    }
}

/// What one step at `rate` showed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub rate: f64,
    pub slo_met: bool,
    /// loadlab, not the target, was the limit (see `step.rs`).
    pub generator_limited: bool,
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    /// Run a step at this rate, req/s.
    Step(f64),
    Done(SearchEnd),
}

/// How the search ended.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SearchEnd {
    /// The capacity lies in `[capacity, first_fail)`, a gap within the precision.
    Found { capacity: f64, first_fail: f64 },
    /// Every rate up to `--max-rate` met the SLO: the capacity is at least `capacity`.
    MaxRate { capacity: f64 },
    /// Even the start rate broke the SLO.
    StartBroke { rate: f64 },
    /// loadlab was the limit at `rate`; `last_pass` is the best the target showed before.
    GeneratorLimited { rate: f64, last_pass: Option<f64> },
    /// Stopped from outside (Ctrl-C) before the search ended; never returned by [`Search`].
    Interrupted { last_pass: Option<f64> },
}

impl SearchEnd {
    /// The highest rate that met the SLO with loadlab not the limit, if any.
    pub fn max_rate_meeting_slo(&self) -> Option<f64> {
        match *self {
            SearchEnd::Found { capacity, .. } | SearchEnd::MaxRate { capacity } => Some(capacity),
            SearchEnd::StartBroke { .. } => None,
            SearchEnd::GeneratorLimited { last_pass, .. }
            | SearchEnd::Interrupted { last_pass } => last_pass,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Growth,
    Refine { first_fail: f64 },
}

/// The search's state: feed it each step's [`Observation`], it answers with the [`Next`] step.
#[derive(Debug, Clone)]
pub struct Search {
    config: SearchConfig,
    phase: Phase,
    last_pass: Option<f64>,
}

impl Search {
    pub fn new(config: SearchConfig) -> Result<Self, CapacityError> {
        config.validate()?;
        Ok(Search {
            config,
            phase: Phase::Growth,
            last_pass: None,
        })
    }

    /// The highest rate that met the SLO so far.
    pub fn last_pass(&self) -> Option<f64> {
        self.last_pass
    }

    /// The first step's rate.
    pub fn first(&self) -> f64 {
        self.config
            .start_rate
            .round()
            .min(self.config.max_rate.floor())
    }

    /// Records a step and says what to do next.
    pub fn observe(&mut self, o: Observation) -> Next {
        if o.generator_limited {
            return Next::Done(SearchEnd::GeneratorLimited {
                rate: o.rate,
                last_pass: self.last_pass,
            });
        }
        if o.slo_met {
            self.last_pass = Some(self.last_pass.map_or(o.rate, |p| p.max(o.rate)));
        }
        match (self.phase, o.slo_met) {
            (Phase::Growth, true) => self.grow(o.rate),
            (Phase::Growth, false) => match self.last_pass {
                None => Next::Done(SearchEnd::StartBroke { rate: o.rate }),
                Some(_) => {
                    self.phase = Phase::Refine { first_fail: o.rate };
                    self.refine()
                }
            },
            (Phase::Refine { first_fail }, met) => {
                if !met {
                    self.phase = Phase::Refine {
                        first_fail: first_fail.min(o.rate),
                    };
                }
                self.refine()
            }
        }
    }

    fn grow(&mut self, rate: f64) -> Next {
        let max = self.config.max_rate.floor();
        if rate >= max {
            return Next::Done(SearchEnd::MaxRate { capacity: rate });
        }
        let next = (rate * self.config.growth).round().max(rate + 1.0);
        Next::Step(next.min(max))
    }

    fn refine(&self) -> Next {
        let (Phase::Refine { first_fail }, Some(pass)) = (self.phase, self.last_pass) else {
            return Next::Done(SearchEnd::StartBroke { rate: self.first() });
        };
        let gap = first_fail - pass;
        let mid = ((pass + first_fail) / 2.0).round();
        if gap <= self.config.precision * pass || mid <= pass || mid >= first_fail {
            return Next::Done(SearchEnd::Found {
                capacity: pass,
                first_fail,
            });
        }
        Next::Step(mid)
    }
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
