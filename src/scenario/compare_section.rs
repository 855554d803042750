//! The optional `[compare]` section: how `loadlab compare` judges runs of this scenario
//! (tolerances per metric, significance level, bootstrap confidence, minimum windows). It
//! is resolved into [`CompareSettings`], which travels with every run in `result.json`
//! (`scenario.compare`), because `compare` reads two result directories, not the scenario.
//! Flags of `loadlab compare` override it field by field.

use super::error::{FieldError, FieldPath};
use crate::analysis::compare::Metric;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[compare]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCompare {
    /// Metric key (as `--tolerance` takes them) → percentage, e.g. `p99 = "10%"`.
    #[serde(default)]
    pub tolerance: BTreeMap<String, toml::Value>,
    pub alpha: Option<f64>,
    pub confidence: Option<f64>,
    pub min_windows: Option<i64>,
}

/// The resolved `[compare]` section: only what the scenario set; the rest keeps the
/// comparison's defaults (or the flags).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareSettings {
    /// Tolerances as fractions (`10%` is 0.10; for `errors`, percentage points / 100), keyed
    /// by the metric's canonical key: `p50`, `p90`, `p99`, `p99.9`, `max`, `throughput`,
    /// `errors`, `cpu`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tolerances: BTreeMap<String, f64>,
    /// Significance level of the rank test (two-sided), in (0, 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpha: Option<f64>,
    /// Confidence of the bootstrap interval, in (0, 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Fewer measured seconds than this on a side: inconclusive (at least 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_windows: Option<usize>,
}

/// Resolves the scenario's optional `[compare]` section (under `root`).
pub fn resolve_optional(
    raw: Option<&RawCompare>,
    root: &FieldPath,
) -> Result<Option<CompareSettings>, FieldError> {
    raw.map(|r| resolve_compare(r, &root.key("compare")))
        .transpose()
}

/// Resolves `[compare]` (at `at`), or reports the first bad field.
pub fn resolve_compare(raw: &RawCompare, at: &FieldPath) -> Result<CompareSettings, FieldError> {
    let mut tolerances = BTreeMap::new();
    for (key, value) in &raw.tolerance {
        let field = at.key("tolerance").key(key);
        let metric = Metric::from_key(key).ok_or_else(|| {
            FieldError::new(
                field.clone(),
                "unknown metric; use p50, p90, p99, p99.9, max, throughput, errors or cpu",
            )
        })?;
        let fraction = percentage(value).map_err(|m| FieldError::new(field.clone(), m))?;
        if tolerances
            .insert(metric.key().to_string(), fraction)
            .is_some()
        {
            return Err(FieldError::new(
                field,
                format!("the tolerance of {} is given twice", metric.key()),
            ));
        }
    }
    let alpha = open_unit(raw.alpha, &at.key("alpha"), "e.g. 0.01")?;
    let confidence = open_unit(raw.confidence, &at.key("confidence"), "e.g. 0.99")?;
    let min_windows = match raw.min_windows {
        None => None,
        Some(n) if (2..=1_000_000).contains(&n) => Some(n as usize),
        Some(_) => {
            return Err(FieldError::new(
                at.key("min_windows"),
                "must be a whole number of seconds, at least 2",
            ))
        }
    };
    Ok(CompareSettings {
        tolerances,
        alpha,
        confidence,
        min_windows,
    })
}

/// `"10%"` → 0.10; the same range `--tolerance` accepts (0% to 1000%).
fn percentage(value: &toml::Value) -> Result<f64, String> {
    let text = value
        .as_str()
        .ok_or_else(|| format!("expected a percentage string such as \"10%\", found {value}"))?;
    let number = text
        .trim()
        .strip_suffix('%')
        .ok_or_else(|| format!("{text:?} is not a percentage: end it with %, e.g. \"10%\""))?;
    let pct: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number followed by %"))?;
    if !pct.is_finite() || !(0.0..=1000.0).contains(&pct) {
        return Err(format!("{text:?} must be between 0% and 1000%"));
    }
    Ok(pct / 100.0)
}

fn open_unit(value: Option<f64>, at: &FieldPath, example: &str) -> Result<Option<f64>, FieldError> {
    match value {
        Some(v) if !(v > 0.0 && v < 1.0) => Err(FieldError::new(
            at.clone(),
            format!("must be a number between 0 and 1 (exclusive), {example}"),
        )),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<CompareSettings, FieldError> {
        let raw: RawCompare = toml::from_str(text).expect("valid TOML for RawCompare");
        resolve_compare(&raw, &FieldPath::root().key("compare"))
    }

    fn field_of(text: &str) -> String {
        parse(text).expect_err(text).field.to_string()
    }

    #[test]
    fn resolves_every_field() {
        let s = parse(
            r#"
alpha = 0.05
confidence = 0.95
min_windows = 8
[tolerance]
p50 = "7%"
"p99.9" = "30%"
errors = "0.5%"
rate = "12.5%"
"#,
        )
        .unwrap();
        assert_eq!(s.alpha, Some(0.05));
        assert_eq!(s.confidence, Some(0.95));
        assert_eq!(s.min_windows, Some(8));
        let keys: Vec<&str> = s.tolerances.keys().map(String::as_str).collect();
        assert_eq!(keys, ["errors", "p50", "p99.9", "throughput"]);
        assert!((s.tolerances["p50"] - 0.07).abs() < 1e-12);
        assert!((s.tolerances["errors"] - 0.005).abs() < 1e-12);
        assert!((s.tolerances["throughput"] - 0.125).abs() < 1e-12);
        assert_eq!(parse("").unwrap(), CompareSettings::default());
    }

    #[test]
    fn bad_values_name_the_field() {
        let cases = [
            ("[tolerance]\np98 = \"5%\"", "compare.tolerance.p98"),
            ("[tolerance]\np99 = \"10\"", "compare.tolerance.p99"),
            ("[tolerance]\np99 = 10", "compare.tolerance.p99"),
            ("[tolerance]\np99 = \"ten%\"", "compare.tolerance.p99"),
            ("[tolerance]\np99 = \"-1%\"", "compare.tolerance.p99"),
            ("[tolerance]\np99 = \"5000%\"", "compare.tolerance.p99"),
            (
                "[tolerance]\nrate = \"5%\"\nthroughput = \"6%\"",
                "compare.tolerance.throughput",
            ),
            ("alpha = 0.0", "compare.alpha"),
            ("alpha = 1.5", "compare.alpha"),
            ("confidence = 1.0", "compare.confidence"),
            ("min_windows = 1", "compare.min_windows"),
        ];
        for (text, field) in cases {
            assert_eq!(field_of(text), field, "{text}");
        }
        let e = parse("[tolerance]\np99 = \"10\"").unwrap_err();
        assert!(e.message.contains("end it with %"), "{}", e.message);
    }

    #[test]
    fn the_section_reaches_the_plan_and_its_errors_point_at_the_line() {
        let scenario = |section: &str| {
            format!(
                "name = \"c\"\ntarget = \"http://127.0.0.1:1\"\n[[request]]\nname = \"r\"\npath = \"/\"\n\
                 [load]\nmodel = \"open\"\n[[load.stage]]\nduration = \"1s\"\nrate = 1\n{section}"
            )
        };
        let load = |text: &str| {
            crate::scenario::load_from_str(std::path::Path::new("c.toml"), text, &|_| None)
        };
        let plan = load(&scenario("")).unwrap();
        assert_eq!(plan.compare, None);
        let plan = load(&scenario("[compare.tolerance]\np99 = \"12%\"\n")).unwrap();
        let settings = plan.compare.expect("the section");
        assert!((settings.tolerances["p99"] - 0.12).abs() < 1e-12);

        let e = load(&scenario("[compare]\nalpha = 2.0\n"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:12:"), "{e}");
        assert!(e.contains("field `compare.alpha`"), "{e}");
        let e = load(&scenario("[compare]\nsignificance = 0.1\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("compare.significance"), "{e}");
    }

    #[test]
    fn round_trips_through_json() {
        let s = parse("alpha = 0.02\n[tolerance]\ncpu = \"15%\"").unwrap();
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"tolerances": {"cpu": 0.15}, "alpha": 0.02})
        );
        let back: CompareSettings = serde_json::from_value(json).unwrap();
        assert_eq!(back, s);
    }
}
