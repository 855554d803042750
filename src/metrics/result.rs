//! `RunResult`: the canonical, versioned record of a run, written as `result.json`. Every view
//! is rendered from it alone. The JSON Schema lives in `schema/result.schema.json`.

use super::coarse::CoarseHistogram;
use super::histogram::LatencyHistogram;
use super::outcome::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunResult {
    pub schema_version: u32,
    pub loadlab_version: String,
    pub scenario: ScenarioInfo,
    pub run: RunInfo,
    pub stages: Vec<StageResult>,
    /// One entry per second of the run, by intended start.
    pub timeline: Vec<SecondResult>,
    pub generator: GeneratorHealth,
    pub thresholds: Vec<ThresholdResult>,
    #[serde(default)]
    pub probes: serde_json::Value,
}

impl RunResult {
    /// Every HDR histogram the result holds: each stage's scheduler lag, and the latency and
    /// service time of each outcome, measured and warm-up.
    pub fn histograms(&self) -> impl Iterator<Item = &LatencyHistogram> {
        self.stages.iter().flat_map(|stage| {
            let outcomes = stage
                .requests
                .iter()
                .chain(&stage.warmup)
                .flat_map(|r| r.outcomes.values())
                .flat_map(|o| [&o.latency, &o.service_time]);
            std::iter::once(&stage.scheduler_lag).chain(outcomes)
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioInfo {
    pub name: String,
    pub path: String,
    /// SHA-256 of the scenario file: runs and segments of the same scenario share it.
    pub digest: String,
    /// The target URL with secrets redacted, or `demo (built-in, http://…)`.
    pub target: String,
    pub model: LoadModelInfo,
    pub http_version: String,
    pub connections: usize,
    pub max_in_flight: usize,
    pub timeout_s: f64,
    pub requests: Vec<RequestInfo>,
    /// The scenario's `[compare]` section, for `loadlab compare` (absent when not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<crate::scenario::CompareSettings>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LoadModelInfo {
    Open,
    Closed { think_time_s: f64 },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RequestInfo {
    pub name: String,
    pub method: String,
    /// The path template as written (environment values are never substituted here).
    pub path: String,
    pub weight: u32,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Complete,
    Partial,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunInfo {
    /// RFC 3339, UTC.
    pub started_at: String,
    pub start_unix_ms: u64,
    pub duration_s: f64,
    pub status: RunStatus,
    pub partial_reason: Option<String>,
    pub segment: Option<SegmentInfo>,
    pub environment: Environment,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SegmentInfo {
    pub index: u32,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub host: String,
    pub os: String,
    pub arch: String,
    pub cpus: usize,
    pub threads: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageResult {
    pub name: String,
    pub start_s: f64,
    pub duration_s: f64,
    pub warmup_s: f64,
    /// Seconds of this stage that were measured (after warm-up; shorter when the run stopped early).
    pub measured_s: f64,
    /// Level at the start and end of the stage: arrivals/s (open) or users (closed).
    pub from: f64,
    pub to: f64,
    pub requests: Vec<RequestResult>,
    /// Samples intended during the warm-up: counted, excluded from the statistics.
    pub warmup: Vec<RequestResult>,
    /// Actual send − intended start, µs.
    pub scheduler_lag: LatencyHistogram,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RequestResult {
    pub name: String,
    /// Arrivals not sent because `max_in_flight` requests were already in flight.
    pub dropped: u64,
    pub bytes_received: u64,
    pub outcomes: BTreeMap<Outcome, OutcomeResult>,
    /// Responses by HTTP status code (expected or not).
    pub status_codes: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct OutcomeResult {
    pub count: u64,
    /// Completion − intended start, µs.
    pub latency: LatencyHistogram,
    /// Completion − actual send, µs.
    pub service_time: LatencyHistogram,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SecondResult {
    pub t: u32,
    pub sent: u32,
    pub dropped: u32,
    /// Requests that completed during this second (any outcome).
    pub completed: u32,
    pub ok: u32,
    pub errors: BTreeMap<Outcome, u32>,
    pub in_flight_max: u32,
    pub lag_max_us: u32,
    /// Successful requests' latency: log-linear buckets `[index, count]` (16 per power of two).
    pub latency: CoarseHistogram,
    pub p50_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct GeneratorHealth {
    pub threads: usize,
    /// CPU time loadlab used while driving the load (user + system).
    pub cpu_seconds: f64,
    /// `cpu_seconds` / (duration × threads).
    pub cpu_utilization: f64,
    pub scheduler_lag_p99_us: u64,
    pub scheduler_lag_max_us: u64,
    /// Arrivals dropped because every in-flight slot was busy.
    pub in_flight_cap_hits: u64,
    pub connections_opened: u64,
    /// True when the generator, not the target, limited the run: the figures understate the target.
    pub bottleneck: bool,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ThresholdResult {
    pub expression: String,
    /// Observed value in the metric's unit (µs, fraction, req/s, count); `None` with no data.
    pub observed: Option<f64>,
    pub observed_text: String,
    pub passed: bool,
}
