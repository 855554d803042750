//! What the probes of one run found, as stored under `probes` in `result.json`.

use super::{MetricSeries, ProfileKind, ProfileSummary};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProbeResults {
    #[serde(default)]
    pub profiles: Vec<ProfileCapture>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<MetricsResults>,
    /// loadlab's own CPU profile (`--self-profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_profile: Option<ProfileCapture>,
}

impl ProbeResults {
    /// Reads the `probes` section of a result; absent or foreign data reads as empty.
    pub fn from_value(value: &serde_json::Value) -> ProbeResults {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty() && self.metrics.is_none() && self.self_profile.is_none()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProfileCapture {
    pub stage: String,
    pub kind: ProfileKind,
    pub url: String,
    /// Seconds since the run's start: when the capture was requested and when it covered to.
    pub window_s: [f64; 2],
    pub status: CaptureStatus,
    /// Why it failed (the server's own words when it gave any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Files in the run directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flame_graph_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ProfileSummary>,
    /// Requests completed by the load generator during the window.
    #[serde(default)]
    pub requests_in_window: u64,
    /// Target CPU seconds per 1,000 requests served in the window (CPU profiles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_seconds_per_1k_requests: Option<f64>,
    /// The same figure from the target's own `process_cpu_seconds_total` over the window, when
    /// metrics were scraped: includes kernel time a sampling profiler may miss.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_cpu_seconds_per_1k_requests: Option<f64>,
    /// The heaviest folded stacks (`root;…;leaf`, value), for diffs between runs.
    #[serde(default)]
    pub folded: Vec<(String, u64)>,
}

impl ProfileCapture {
    /// Profile ÷ process CPU per 1,000 requests, when both are known and they differ by more
    /// than 2× either way. A signal-based profiler (setitimer `ITIMER_PROF`, as pprof-rs uses)
    /// was seen reading 5× the process's CPU at low utilisation and agreeing with it when the
    /// target was saturated; the process's counter is the exact one.
    pub fn profile_process_disagreement(&self) -> Option<f64> {
        let profile = self.cpu_seconds_per_1k_requests?;
        let process = self.process_cpu_seconds_per_1k_requests?;
        if profile <= 0.0 || process <= 0.0 {
            return None;
        }
        let ratio = profile / process;
        (!(0.5..=2.0).contains(&ratio)).then_some(ratio)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureStatus {
    Ok,
    Failed,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MetricsResults {
    /// Scraped from the target's `/metrics`, times in seconds since the run's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape: Option<ScrapeSummary>,
    /// PromQL queries evaluated over the run's window after it ended.
    #[serde(default)]
    pub queries: Vec<QueryResult>,
    /// Target CPU cores used in each stage's measured window (from `process_cpu_seconds_total`).
    #[serde(default)]
    pub cpu_cores_by_stage: Vec<StageValue>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScrapeSummary {
    pub url: String,
    pub interval_s: f64,
    pub scrapes_ok: u64,
    pub scrapes_failed: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub series: Vec<MetricSeries>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueryResult {
    pub name: String,
    pub query: String,
    /// Points at seconds since the run's start.
    pub series: Vec<MetricSeries>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StageValue {
    pub stage: String,
    pub value: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture(profile: Option<f64>, process: Option<f64>) -> ProfileCapture {
        let mut c: ProfileCapture = serde_json::from_value(serde_json::json!({
            "stage": "steady", "kind": "cpu", "url": "http://t/debug/pprof/profile",
            "window_s": [0.0, 10.0], "status": "ok", "requests_in_window": 1000
        }))
        .expect("a minimal capture");
        c.cpu_seconds_per_1k_requests = profile;
        c.process_cpu_seconds_per_1k_requests = process;
        c
    }

    #[test]
    fn only_a_disagreement_beyond_2x_either_way_is_reported() {
        let ratio = |profile, process| capture(profile, process).profile_process_disagreement();
        let over = ratio(Some(0.35), Some(0.07)).expect("5× over");
        assert!((over - 5.0).abs() < 1e-9, "{over}");
        let under = ratio(Some(0.03), Some(0.09)).expect("3× under");
        assert!((under - 1.0 / 3.0).abs() < 1e-9, "{under}");
        assert_eq!(ratio(Some(0.08), Some(0.09)), None);
        assert_eq!(ratio(Some(0.2), None), None);
        assert_eq!(ratio(Some(0.0), Some(0.1)), None);
    }
}
