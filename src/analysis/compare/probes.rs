//! Reads what a comparison needs from `RunResult::probes`, tolerantly: anything missing or
//! malformed is simply absent (a comparison never fails on probe data). The shapes read
//! (those `probe::results::ProbeResults` writes, and looser ones):
//!
//! - `probes.profiles`: an array of captures, each `{ "stage"?, "kind"?, "status"?,
//!   "summary"?: ProfileSummary, "folded"?: [[stack, ns], …] | "stack ns\n…",
//!   "requests_in_window"? (or "requests"), "cpu_seconds_per_1k_requests"?,
//!   "process_cpu_seconds_per_1k_requests"? }`; captures with `"status": "failed"` are skipped;
//! - `probes.metrics`: `{ "scrape": { "series": [MetricSeries, …] }, "queries": [{ "series" }] }`,
//!   a `ScrapeResult`, an array of them, or an array of `MetricSeries`.

use crate::probe::{MetricSeries, ProfileKind, ProfileSummary};
use serde::Deserialize;

/// One CPU (or other) profile capture as stored in the probes section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProfileEntry {
    pub stage: Option<String>,
    pub kind: Option<ProfileKind>,
    pub summary: Option<ProfileSummary>,
    pub folded: Folded,
    pub status: Option<String>,
    #[serde(alias = "requests_in_window")]
    pub requests: Option<u64>,
    pub cpu_seconds_per_1k_requests: Option<f64>,
    /// From the target's `process_cpu_seconds_total` over the capture window.
    pub process_cpu_seconds_per_1k_requests: Option<f64>,
}

impl ProfileEntry {
    pub fn is_cpu(&self) -> bool {
        let kind = self.kind.or(self.summary.as_ref().map(|s| s.kind));
        kind.is_none_or(|k| k == ProfileKind::Cpu)
    }

    /// A capture that succeeded, covered requests, and caught no CPU samples at all.
    pub fn measured_nothing(&self) -> bool {
        self.status.as_deref() == Some("ok")
            && self.requests.is_some_and(|r| r > 0)
            && self.summary.as_ref().is_some_and(|s| s.total_value == 0)
            && self.folded.stacks().is_empty()
    }

    pub fn failed(&self) -> bool {
        self.status.as_deref().is_some_and(|s| s != "ok")
    }

    /// CPU seconds per 1,000 requests of this capture, when it can be computed: the process's
    /// own CPU counter over the window first (it includes time a sampler may miss), then the
    /// profile's figure, then the profile's total over the requests in its window.
    pub fn cpu_per_1k(&self) -> Option<f64> {
        let given = [
            self.process_cpu_seconds_per_1k_requests,
            self.cpu_seconds_per_1k_requests,
        ];
        if let Some(v) = given
            .into_iter()
            .flatten()
            .find(|v| v.is_finite() && *v >= 0.0)
        {
            return Some(v);
        }
        let summary = self.summary.as_ref()?;
        let requests = self.requests.filter(|&r| r > 0)?;
        let ns = summary.unit.eq_ignore_ascii_case("nanoseconds");
        (ns && self.is_cpu()).then(|| summary.total_value as f64 / 1e9 / requests as f64 * 1000.0)
    }
}

/// Folded stacks, as `[stack, value]` pairs or as folded text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(untagged)]
pub enum Folded {
    Pairs(Vec<(String, u64)>),
    Text(String),
    #[default]
    #[serde(skip)]
    None,
}

impl Folded {
    pub fn stacks(&self) -> Vec<(String, u64)> {
        match self {
            Folded::Pairs(p) => p.clone(),
            Folded::Text(t) => t
                .lines()
                .filter_map(|l| {
                    let (stack, v) = l.trim().rsplit_once(' ')?;
                    Some((stack.to_string(), v.parse().ok()?))
                })
                .collect(),
            Folded::None => Vec::new(),
        }
    }
}

/// Every profile entry that parses.
pub fn profiles(probes: &serde_json::Value) -> Vec<ProfileEntry> {
    match probes.get("profiles") {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| serde_json::from_value::<ProfileEntry>(v.clone()).ok())
            .filter(|p| !p.failed())
            .collect(),
        _ => Vec::new(),
    }
}

/// Every metric series that parses, wherever it sits in `probes.metrics`.
pub fn metric_series(probes: &serde_json::Value) -> Vec<MetricSeries> {
    let mut out = Vec::new();
    if let Some(metrics) = probes.get("metrics") {
        collect_series(metrics, 0, &mut out);
    }
    out
}

fn collect_series(value: &serde_json::Value, depth: usize, out: &mut Vec<MetricSeries>) {
    if depth > 4 {
        return;
    }
    match value {
        serde_json::Value::Array(items) => {
            items.iter().for_each(|v| collect_series(v, depth + 1, out));
        }
        serde_json::Value::Object(map) if map.contains_key("points") => {
            if let Ok(series) = serde_json::from_value(value.clone()) {
                out.push(series);
            }
        }
        serde_json::Value::Object(map) => {
            for key in ["series", "scrape", "scrapes", "queries"] {
                if let Some(v) = map.get(key) {
                    collect_series(v, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_profiles_and_series_tolerantly() {
        let probes = json!({
            "profiles": [
                {"stage": "steady", "folded": [["main;work", 300]], "requests": 1000,
                 "summary": {"kind": "cpu", "sample_type": "cpu", "unit": "nanoseconds",
                             "total_value": 2_000_000_000u64, "duration_ns": 0, "period": 1,
                             "samples": 1, "top": []}},
                {"stage": "x", "folded": "a;b 5\nbroken\nc 7\n"},
                "garbage",
            ],
            "metrics": [{"url": "u", "series": [
                {"name": "process_cpu_seconds_total", "kind": "counter", "points": [[1.0, 2.0]]},
                {"bad": true}
            ]}]
        });
        let p = profiles(&probes);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].cpu_per_1k(), Some(2.0));
        assert_eq!(
            p[1].folded.stacks(),
            vec![("a;b".into(), 5), ("c".into(), 7)]
        );
        assert!(p[1].cpu_per_1k().is_none());
        assert_eq!(metric_series(&probes).len(), 1);
        assert!(profiles(&json!(null)).is_empty());
        assert!(profiles(&json!({"profiles": [{"status": "failed"}]})).is_empty());
        assert!(metric_series(&json!({"metrics": 3})).is_empty());
    }

    #[test]
    fn reads_what_the_probes_write() {
        // The shape of `probe::results::ProbeResults`.
        let probes = json!({
            "profiles": [{
                "stage": "steady", "kind": "cpu", "url": "http://t/debug/pprof/profile",
                "window_s": [2.0, 7.0], "status": "ok", "requests_in_window": 1500,
                "cpu_seconds_per_1k_requests": 0.4, "process_cpu_seconds_per_1k_requests": 0.5,
                "folded": [["main;work", 10]]
            }],
            "metrics": {
                "scrape": {"url": "http://t/metrics", "interval_s": 1.0, "scrapes_ok": 3,
                           "scrapes_failed": 0, "series": [
                    {"name": "process_cpu_seconds_total", "kind": "counter", "points": [[1.0, 2.0]]}
                ]},
                "queries": [{"name": "q", "query": "up", "series": [
                    {"name": "up", "kind": "other", "points": [[1.0, 1.0]]}
                ]}],
                "cpu_cores_by_stage": [{"stage": "steady", "value": 0.3}]
            }
        });
        let p = profiles(&probes);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].requests, Some(1500));
        assert_eq!(p[0].cpu_per_1k(), Some(0.5));
        let names: Vec<String> = metric_series(&probes).into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["process_cpu_seconds_total", "up"]);
    }
}
