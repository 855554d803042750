//! What the reports show of `result.json`'s `probes` section, read leniently: profile captures
//! (`probes.profiles`: top functions, a flame graph file, or why the capture failed) and target
//! metric series (`probes.metrics`). Anything missing or of an unexpected shape is skipped.

use crate::probe::{FunctionCost, MetricSeries, SeriesKind};
use serde_json::Value;

/// One profile capture as the report shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProfileView {
    /// e.g. "cpu · steady".
    pub title: String,
    pub kind: String,
    /// Why the capture produced no profile, when it did not.
    pub failure: Option<String>,
    pub unit: String,
    pub total_value: u64,
    pub duration_s: f64,
    pub cpu_seconds_per_1000_requests: Option<f64>,
    pub top: Vec<FunctionCost>,
    /// File name of the flame graph SVG, relative to the run directory.
    pub flame_graph: Option<String>,
}

/// Profile captures in `probes.profiles` (an array, or an object with a `captures` array).
pub fn profiles(probes: &Value) -> Vec<ProfileView> {
    let list = probes.get("profiles");
    let items = list.and_then(Value::as_array).or_else(|| {
        list.and_then(|p| p.get("captures"))
            .and_then(Value::as_array)
    });
    items
        .map(|a| a.iter().filter_map(profile).collect())
        .unwrap_or_default()
}

fn profile(v: &Value) -> Option<ProfileView> {
    if !v.is_object() {
        return None;
    }
    let summary = v.get("summary").filter(|s| s.is_object());
    let field = |name: &str| v.get(name).or_else(|| summary.and_then(|s| s.get(name)));
    let text = |name: &str| field(name).and_then(Value::as_str).map(str::to_string);
    let kind = text("kind").unwrap_or_else(|| "cpu".into());
    let stage = text("stage");
    let title = match stage {
        Some(stage) => format!("{kind} · {stage}"),
        None => kind.clone(),
    };
    let failure = ["failure", "error"]
        .iter()
        .find_map(|k| v.get(*k).filter(|f| !f.is_null()))
        .map(failure_text)
        .or_else(|| {
            // What `probe::ProbeResults` writes: `"status": "failed"` and a `reason`.
            (text("status").as_deref() == Some("failed"))
                .then(|| text("reason").unwrap_or_else(|| "the capture failed".into()))
        });
    let top = summary
        .and_then(|s| s.get("top"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|f| serde_json::from_value(f.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    let flame_graph = [
        "flame_graph_file",
        "flame_graph",
        "flame_graph_svg",
        "flamegraph",
        "svg",
    ]
    .iter()
    .find_map(|k| text(k));
    let duration_s = field("duration_ns")
        .and_then(Value::as_f64)
        .map(|ns| ns / 1e9)
        .or_else(|| field("seconds").and_then(Value::as_f64))
        .unwrap_or(0.0);
    Some(ProfileView {
        title,
        kind,
        failure,
        unit: text("unit").unwrap_or_default(),
        total_value: field("total_value").and_then(Value::as_u64).unwrap_or(0),
        duration_s,
        cpu_seconds_per_1000_requests: [
            "cpu_seconds_per_1000_requests",
            "cpu_seconds_per_1k_requests",
            "cpu_s_per_1000_requests",
        ]
        .iter()
        .find_map(|k| field(k).and_then(Value::as_f64)),
        top,
        flame_graph,
    })
}

fn failure_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(o) => ["reason", "message", "body"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string()),
        other => other.to_string(),
    }
}

/// Target metric series in `probes.metrics` (an array, or an object with a `series` array).
pub fn metric_series(probes: &Value) -> Vec<MetricSeries> {
    let m = probes.get("metrics");
    let items = m
        .and_then(Value::as_array)
        .or_else(|| m.and_then(|m| m.get("series")).and_then(Value::as_array));
    items
        .map(|a| {
            a.iter()
                .filter_map(|s| serde_json::from_value(s.clone()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A metric chart's worth of series: same name (and so same unit), one line per label set.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricGroup {
    pub name: String,
    /// Counters are shown as per-second rates.
    pub rate: bool,
    pub unit: String,
    /// (label set, `[t since start, value]` points).
    pub lines: Vec<(String, Vec<[f64; 2]>)>,
}

/// Groups series by name, converting counters to rates and Unix times (query mode) to
/// seconds since the run started.
pub fn metric_groups(series: &[MetricSeries], start_unix_s: f64) -> Vec<MetricGroup> {
    let mut groups: Vec<MetricGroup> = Vec::new();
    for s in series {
        let rate = s.kind == SeriesKind::Counter && s.rate_points.is_some();
        let points = if rate {
            s.rate_points.as_deref().unwrap_or_default()
        } else {
            &s.points[..]
        };
        let shift = if points.first().is_some_and(|p| p[0] > 1e9) {
            start_unix_s
        } else {
            0.0
        };
        let points: Vec<[f64; 2]> = points.iter().map(|p| [p[0] - shift, p[1]]).collect();
        let label = if s.labels.is_empty() {
            s.name.clone()
        } else {
            s.labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let unit = unit_of(s.unit_hint.as_deref(), &s.name, rate);
        match groups
            .iter_mut()
            .find(|g| g.name == s.name && g.rate == rate)
        {
            Some(g) => g.lines.push((label, points)),
            None => groups.push(MetricGroup {
                name: s.name.clone(),
                rate,
                unit,
                lines: vec![(label, points)],
            }),
        }
    }
    groups
}

fn unit_of(hint: Option<&str>, name: &str, rate: bool) -> String {
    match (hint, rate) {
        (Some("seconds"), true) if name.contains("cpu") => "CPU cores".into(),
        (Some(u), true) => format!("{u}/s"),
        (None, true) => "per second".into(),
        (Some(u), false) => u.to_string(),
        (None, false) => "value".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_profiles_leniently() {
        let probes = json!({"profiles": [
            {"stage": "steady", "kind": "cpu", "flame_graph": "profiles/cpu-steady.svg",
             "cpu_seconds_per_1000_requests": 0.42,
             "summary": {"kind": "cpu", "unit": "nanoseconds", "total_value": 2_000_000_000u64,
                         "duration_ns": 10_000_000_000u64,
                         "top": [{"name": "main.hot", "flat": 1, "flat_share": 0.5, "cum": 2, "cum_share": 1.0},
                                 {"bogus": true}]}},
            {"stage": "spike", "failure": {"failure": "busy", "url": "u", "reason": "already profiling"}},
            42
        ]});
        let p = profiles(&probes);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].title, "cpu · steady");
        assert_eq!(p[0].top.len(), 1);
        assert_eq!(p[0].duration_s, 10.0);
        assert_eq!(p[0].cpu_seconds_per_1000_requests, Some(0.42));
        assert_eq!(p[0].flame_graph.as_deref(), Some("profiles/cpu-steady.svg"));
        assert_eq!(p[1].failure.as_deref(), Some("already profiling"));
        assert!(profiles(&Value::Null).is_empty());
        assert!(profiles(&json!({"profiles": "nope"})).is_empty());
    }

    #[test]
    fn reads_what_the_probes_write() {
        // The shape of `probe::results::ProbeResults`.
        let probes = json!({"profiles": [
            {"stage": "steady", "kind": "cpu", "url": "http://t/debug/pprof/profile",
             "window_s": [1.5, 5.5], "status": "ok", "raw_file": "profiles/steady-cpu.pb.gz",
             "flame_graph_file": "profiles/steady-cpu.svg", "requests_in_window": 800,
             "cpu_seconds_per_1k_requests": 1.2, "folded": [["main;work", 10]],
             "summary": {"kind": "cpu", "sample_type": "cpu", "unit": "nanoseconds",
                         "total_value": 960_000_000u64, "duration_ns": 4_000_000_000u64,
                         "period": 10_000_000, "samples": 96, "top": []}},
            {"stage": "spike", "kind": "cpu", "url": "u", "window_s": [0.0, 1.0],
             "status": "failed", "reason": "cpu profiling already in use",
             "requests_in_window": 0, "folded": []}
        ]});
        let p = profiles(&probes);
        assert_eq!(p[0].flame_graph.as_deref(), Some("profiles/steady-cpu.svg"));
        assert_eq!(p[0].cpu_seconds_per_1000_requests, Some(1.2));
        assert_eq!(p[0].duration_s, 4.0);
        assert!(p[0].failure.is_none());
        assert_eq!(
            p[1].failure.as_deref(),
            Some("cpu profiling already in use")
        );
    }

    #[test]
    fn groups_metrics_by_name_as_rates() {
        let probes = json!({"metrics": {"series": [
            {"name": "process_cpu_seconds_total", "labels": {"job": "a"}, "kind": "counter",
             "unit_hint": "seconds", "points": [[0.0, 1.0], [2.0, 3.0]], "rate_points": [[2.0, 1.0]]},
            {"name": "process_cpu_seconds_total", "labels": {"job": "b"}, "kind": "counter",
             "unit_hint": "seconds", "points": [], "rate_points": [[2.0, 0.5]]},
            {"name": "go_goroutines", "kind": "gauge", "points": [[1741944414.0, 12.0]]},
            {"garbage": 1}
        ]}});
        let series = metric_series(&probes);
        assert_eq!(series.len(), 3);
        let groups = metric_groups(&series, 1_741_944_413.0);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].unit, "CPU cores");
        assert_eq!(groups[0].lines.len(), 2);
        assert_eq!(groups[0].lines[1].0, "job=b");
        assert_eq!(groups[1].lines[0].1, vec![[1.0, 12.0]]);
    }
}
