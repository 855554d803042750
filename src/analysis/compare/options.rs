//! What a comparison tolerates and how strict its statistics are: [`CompareOptions`], the
//! per-metric [`Tolerances`], the `--tolerance p99=10%,errors=0.5%` syntax, and the
//! scenario's `[compare]` section ([`CompareSettings`]) as the runs carry it.
//!
//! Precedence, field by field: `loadlab compare` flags, then the candidate run's `[compare]`
//! section (the base run's when the candidate has none), then the defaults.

use super::error::CompareError;
use super::metric::Metric;
use crate::metrics::RunResult;
use crate::scenario::CompareSettings;
use serde::Serialize;
use std::str::FromStr;

/// How large a change must be, in the worse or better direction, before it can count.
/// Latency, throughput and CPU are relative (0.10 = 10%); error rate is absolute
/// (0.005 = 0.5 percentage points). Tail metrics are noisier, so their defaults are wider.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tolerances {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
    pub throughput: f64,
    pub error_rate: f64,
    pub cpu_per_1k: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            p50: 0.05,
            p90: 0.05,
            p99: 0.10,
            p999: 0.20,
            max: 0.20,
            throughput: 0.05,
            error_rate: 0.005,
            cpu_per_1k: 0.10,
        }
    }
}

impl Tolerances {
    pub fn get(&self, metric: Metric) -> f64 {
        match metric {
            Metric::P50 => self.p50,
            Metric::P90 => self.p90,
            Metric::P99 => self.p99,
            Metric::P999 => self.p999,
            Metric::Max => self.max,
            Metric::Throughput => self.throughput,
            Metric::ErrorRate => self.error_rate,
            Metric::CpuPer1k => self.cpu_per_1k,
        }
    }

    pub fn set(&mut self, metric: Metric, value: f64) {
        let slot = match metric {
            Metric::P50 => &mut self.p50,
            Metric::P90 => &mut self.p90,
            Metric::P99 => &mut self.p99,
            Metric::P999 => &mut self.p999,
            Metric::Max => &mut self.max,
            Metric::Throughput => &mut self.throughput,
            Metric::ErrorRate => &mut self.error_rate,
            Metric::CpuPer1k => &mut self.cpu_per_1k,
        };
        *slot = value;
    }

    /// The defaults with `overrides` applied in order.
    pub fn with(overrides: &[ToleranceSpec]) -> Tolerances {
        let mut t = Tolerances::default();
        for o in overrides {
            t.set(o.metric, o.value);
        }
        t
    }
}

/// One `metric=N%` item of `--tolerance`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ToleranceSpec {
    pub metric: Metric,
    /// As a fraction: `10%` is 0.10 (for `errors`, 0.10 is ten percentage points).
    pub value: f64,
}

impl FromStr for ToleranceSpec {
    type Err = CompareError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| CompareError::InvalidTolerance {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        let (key, value) = input
            .split_once('=')
            .ok_or_else(|| bad("expected metric=N%, e.g. p99=10%"))?;
        let metric = Metric::from_key(key).ok_or_else(|| {
            bad("metric is one of p50, p90, p99, p99.9, max, throughput, errors, cpu")
        })?;
        let number = value
            .trim()
            .strip_suffix('%')
            .ok_or_else(|| bad("the value is a percentage and ends with %, e.g. 10% or 0.5%"))?;
        let pct: f64 = number
            .trim()
            .parse()
            .map_err(|_| bad("the value is not a number"))?;
        if !pct.is_finite() || !(0.0..=1000.0).contains(&pct) {
            return Err(bad("the value must be between 0% and 1000%"));
        }
        Ok(ToleranceSpec {
            metric,
            value: pct / 100.0,
        })
    }
}

/// Everything that shapes a comparison. [`CompareOptions::default`] is the documented method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareOptions {
    pub tolerances: Tolerances,
    /// Significance level of the Mann–Whitney test (two-sided).
    pub alpha: f64,
    /// Confidence of the bootstrap interval (0.99 = 99%).
    pub confidence: f64,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// Fewer measured per-second windows than this on either side: inconclusive, unless the
    /// change is enormous (×2 or ×½, every window of one run beyond every window of the other).
    pub min_windows: usize,
    /// Seed of the bootstrap's RNG: the same inputs always give the same verdicts.
    pub seed: u64,
    /// How many functions the profile diff lists in each direction.
    pub top_functions: usize,
    /// Names for the two runs in every view (e.g. their directory names).
    pub base_label: String,
    pub candidate_label: String,
    /// Which run's `[compare]` section was applied ("candidate" or "base"), if any.
    pub scenario_section: Option<String>,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            tolerances: Tolerances::default(),
            alpha: 0.01,
            confidence: 0.99,
            resamples: 2_000,
            min_windows: 5,
            seed: 0x10AD_1AB5_EED5_0001,
            top_functions: 10,
            base_label: "base".into(),
            candidate_label: "candidate".into(),
            scenario_section: None,
        }
    }
}

impl CompareOptions {
    /// Applies a scenario's `[compare]` section, which came from `side` ("candidate" or
    /// "base"). Fails on a metric key it does not know (a hand-edited `result.json`).
    pub fn apply_settings(
        &mut self,
        settings: &CompareSettings,
        side: &str,
    ) -> Result<(), CompareError> {
        for (key, value) in &settings.tolerances {
            let metric = Metric::from_key(key).ok_or_else(|| CompareError::InvalidTolerance {
                input: format!("{key} (the {side} run's [compare] section)"),
                reason: "unknown metric".into(),
            })?;
            self.tolerances.set(metric, *value);
        }
        if let Some(alpha) = settings.alpha {
            self.alpha = alpha;
        }
        if let Some(confidence) = settings.confidence {
            self.confidence = confidence;
        }
        if let Some(min_windows) = settings.min_windows {
            self.min_windows = min_windows;
        }
        self.scenario_section = Some(side.to_string());
        Ok(())
    }

    /// Rejects values the statistics cannot work with.
    pub fn validate(&self) -> Result<(), CompareError> {
        let invalid = |name, reason: &str| {
            Err(CompareError::InvalidOption {
                name,
                reason: reason.to_string(),
            })
        };
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return invalid("alpha", "must be between 0 and 1");
        }
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return invalid("confidence", "must be between 0 and 1");
        }
        if !(100..=1_000_000).contains(&self.resamples) {
            return invalid("resamples", "must be between 100 and 1,000,000");
        }
        if self.min_windows < 2 {
            return invalid("min_windows", "must be at least 2");
        }
        for m in super::metric::ALL_METRICS {
            let t = self.tolerances.get(m);
            if !t.is_finite() || t < 0.0 {
                return invalid("tolerances", "must be finite and not negative");
            }
        }
        Ok(())
    }
}

/// The `[compare]` section a comparison of `base` and `candidate` uses: the candidate's,
/// else the base's, with the side it came from; plus a warning when both runs carry one and
/// they differ (the base's is then ignored).
pub fn scenario_settings<'a>(
    base: &'a RunResult,
    candidate: &'a RunResult,
) -> (Option<(&'a CompareSettings, &'static str)>, Option<String>) {
    match (&base.scenario.compare, &candidate.scenario.compare) {
        (Some(b), Some(c)) if b != c => (
            Some((c, "candidate")),
            Some(
                "the runs' [compare] sections differ: the candidate's is used, the base's ignored"
                    .into(),
            ),
        ),
        (_, Some(c)) => (Some((c, "candidate")), None),
        (Some(b), None) => (Some((b, "base")), None),
        (None, None) => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tolerances() {
        let t: ToleranceSpec = "p99=10%".parse().unwrap();
        assert_eq!(t.metric, Metric::P99);
        assert!((t.value - 0.10).abs() < 1e-12);
        let t: ToleranceSpec = " errors = 0.5% ".parse().unwrap();
        assert_eq!(t.metric, Metric::ErrorRate);
        assert!((t.value - 0.005).abs() < 1e-12);
        assert_eq!(
            "p99.9=30%".parse::<ToleranceSpec>().unwrap().metric,
            Metric::P999
        );
        let t = Tolerances::with(&[t]);
        assert!((t.error_rate - 0.005).abs() < 1e-12);
    }

    #[test]
    fn rejects_malformed_tolerances() {
        for bad in [
            "p99", "p98=10%", "p99=10", "p99=ten%", "p99=-1%", "p99=NaN%", "=5%",
        ] {
            let e = bad.parse::<ToleranceSpec>().unwrap_err();
            assert!(e.to_string().contains(bad), "{e}");
        }
    }

    #[test]
    fn the_candidates_section_applies_then_flags_override_it() {
        use super::super::synthetic::{run, Spec};
        let section = |p99: f64| CompareSettings {
            tolerances: [("p99".to_string(), p99)].into(),
            alpha: Some(0.05),
            ..CompareSettings::default()
        };
        let (mut base, mut candidate) = (run(&Spec::default()), run(&Spec::default()));
        assert_eq!(scenario_settings(&base, &candidate), (None, None));

        base.scenario.compare = Some(section(0.3));
        let (picked, note) = scenario_settings(&base, &candidate);
        assert_eq!(picked, Some((&section(0.3), "base")));
        assert!(note.is_none());

        candidate.scenario.compare = Some(section(0.5));
        let (picked, note) = scenario_settings(&base, &candidate);
        let (settings, side) = picked.expect("a section");
        assert_eq!((settings, side), (&section(0.5), "candidate"));
        assert!(note.expect("a warning").contains("differ"));

        let mut o = CompareOptions::default();
        o.apply_settings(settings, side).unwrap();
        assert_eq!(o.tolerances.p99, 0.5);
        assert_eq!(o.tolerances.p50, Tolerances::default().p50);
        assert_eq!(o.alpha, 0.05);
        assert_eq!(o.scenario_section.as_deref(), Some("candidate"));
        assert!(method_text_mentions_section(&o));

        let bad = CompareSettings {
            tolerances: [("p98".to_string(), 0.1)].into(),
            ..CompareSettings::default()
        };
        let e = CompareOptions::default()
            .apply_settings(&bad, "base")
            .unwrap_err();
        assert!(e.to_string().contains("p98"), "{e}");
    }

    fn method_text_mentions_section(o: &CompareOptions) -> bool {
        super::super::method_text(o).contains("candidate run's [compare] section")
    }

    #[test]
    fn validates_options() {
        assert!(CompareOptions::default().validate().is_ok());
        let o = CompareOptions {
            alpha: 0.0,
            ..CompareOptions::default()
        };
        assert!(o.validate().is_err());
        let mut o = CompareOptions::default();
        o.tolerances.p50 = f64::NAN;
        assert!(o.validate().is_err());
    }
}
