//! The shapes Prometheus data takes in a run: [`SeriesSelector`] (which series a scenario
//! wants) and [`MetricSeries`] (a series over the run, as stored in `result.json`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::prom_text::parse_selector;
use super::ProbeError;

/// Picks series by metric name and exact label values, e.g.
/// `http_requests_total{code="200"}`. Labels not listed may have any value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SeriesSelector {
    pub name: String,
    #[serde(default)]
    pub labels: Vec<(String, String)>,
}

impl SeriesSelector {
    /// Parses `name` or `name{label="value",…}` (equality matchers only).
    pub fn parse(input: &str) -> Result<SeriesSelector, ProbeError> {
        let (name, labels) = parse_selector(input).map_err(|reason| ProbeError::Selector {
            input: input.to_string(),
            reason: format!("{reason} (expected name or name{{label=\"value\",…}})"),
        })?;
        Ok(SeriesSelector { name, labels })
    }

    /// A selector for every series of `name`.
    pub fn name(name: &str) -> SeriesSelector {
        SeriesSelector {
            name: name.to_string(),
            labels: Vec::new(),
        }
    }

    /// Whether a sample named `name` with `labels` is selected.
    pub fn matches(&self, name: &str, labels: &[(String, String)]) -> bool {
        self.name == name
            && self
                .labels
                .iter()
                .all(|(k, v)| labels.iter().any(|(lk, lv)| lk == k && lv == v))
    }
}

impl FromStr for SeriesSelector {
    type Err = ProbeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SeriesSelector::parse(s)
    }
}

impl fmt::Display for SeriesSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_series_id(
            f,
            &self.name,
            self.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }
}

/// What the values of a series are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeriesKind {
    /// Monotonic total; `rate_points` holds its per-second rate.
    Counter,
    /// A value at each instant.
    Gauge,
    /// Anything else (untyped metrics, histogram parts, PromQL results).
    Other,
}

/// One series over a run. `points` are `[t_s, value]`: seconds since the run started (or
/// Unix seconds for a Prometheus query) and the value. Non-finite values are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSeries {
    pub name: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub kind: SeriesKind,
    /// The unit the name says (`seconds`, `bytes`, `ratio`, `percent`); a counter's rate is
    /// that unit per second (so `process_cpu_seconds_total`'s rate is CPU cores used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_hint: Option<String>,
    pub points: Vec<[f64; 2]>,
    /// For counters: `[t_s, increase per second]` over the interval ending at `t_s`, with
    /// counter resets handled as Prometheus `rate()` does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_points: Option<Vec<[f64; 2]>>,
}

impl MetricSeries {
    /// `name{label="value",…}`, for legends and messages.
    pub fn id(&self) -> String {
        let mut id = String::new();
        let labels = self.labels.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        let _ = write_series_id(&mut id, &self.name, labels);
        id
    }
}

fn write_series_id<'a>(
    out: &mut impl fmt::Write,
    name: &str,
    labels: impl Iterator<Item = (&'a str, &'a str)>,
) -> fmt::Result {
    out.write_str(name)?;
    let mut first = true;
    for (k, v) in labels {
        out.write_str(if first { "{" } else { "," })?;
        first = false;
        let escaped = v
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n");
        write!(out, "{k}=\"{escaped}\"")?;
    }
    if !first {
        out.write_str("}")?;
    }
    Ok(())
}

/// The unit a metric name declares by Prometheus naming conventions, if any.
pub(crate) fn unit_hint(name: &str) -> Option<String> {
    let base = name.strip_suffix("_total").unwrap_or(name);
    ["seconds", "bytes", "ratio", "percent"]
        .into_iter()
        .find(|unit| base.ends_with(&format!("_{unit}")))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_parse_match_and_display() {
        let s = SeriesSelector::parse(r#"http_requests_total{code="200"}"#).expect("parse");
        let labels = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert!(s.matches(
            "http_requests_total",
            &labels(&[("method", "GET"), ("code", "200")])
        ));
        assert!(!s.matches("http_requests_total", &labels(&[("code", "500")])));
        assert!(!s.matches("other_total", &labels(&[("code", "200")])));
        assert!(SeriesSelector::name("up").matches("up", &[]));
        assert_eq!(s.to_string(), r#"http_requests_total{code="200"}"#);
        let err = "x{code=~\"2..\"}"
            .parse::<SeriesSelector>()
            .expect_err("regex");
        assert!(
            err.to_string().starts_with("invalid series selector"),
            "{err}"
        );
    }

    #[test]
    fn unit_hints_follow_naming_conventions() {
        assert_eq!(
            unit_hint("process_cpu_seconds_total").as_deref(),
            Some("seconds")
        );
        assert_eq!(
            unit_hint("process_resident_memory_bytes").as_deref(),
            Some("bytes")
        );
        assert_eq!(unit_hint("go_goroutines"), None);
        assert_eq!(unit_hint("http_requests_total"), None);
    }

    #[test]
    fn series_serialize_compactly() {
        let series = MetricSeries {
            name: "go_goroutines".into(),
            labels: BTreeMap::from([("job".into(), "a\"b".into())]),
            kind: SeriesKind::Gauge,
            unit_hint: None,
            points: vec![[1.0, 42.0]],
            rate_points: None,
        };
        let json = serde_json::to_string(&series).expect("json");
        assert_eq!(
            json,
            r#"{"name":"go_goroutines","labels":{"job":"a\"b"},"kind":"gauge","points":[[1.0,42.0]]}"#
        );
        assert_eq!(
            serde_json::from_str::<MetricSeries>(&json).expect("parse"),
            series
        );
        assert_eq!(series.id(), r#"go_goroutines{job="a\"b"}"#);
    }
}
