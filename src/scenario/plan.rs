//! The resolved, validated plan: what the engine, probes and reports work from.

use super::compare_section::CompareSettings;
use super::template::Template;
use super::threshold::Threshold;
use http::{HeaderName, Method, Uri};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Plan {
    pub name: String,
    pub description: Option<String>,
    pub source: ScenarioSource,
    pub target: Target,
    pub http: HttpPlan,
    pub requests: Vec<RequestPlan>,
    pub load: LoadPlan,
    pub thresholds: Vec<Threshold>,
    pub profile: Option<ProfilePlan>,
    pub metrics: Option<MetricsPlan>,
    /// The `[compare]` section: how `loadlab compare` judges runs of this scenario.
    pub compare: Option<CompareSettings>,
    /// Values that must never reach an output (from `{{env.*}}`).
    pub secrets: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ScenarioSource {
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, hex: identifies "the same scenario" across runs and segments.
    pub digest: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Start the built-in demo target on loopback.
    Demo(DemoOptions),
    Url(Uri),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    pub delay_scale: f64,
    pub limited_workers: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            delay_scale: 1.0,
            limited_workers: 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum HttpVersion {
    #[serde(rename = "1.1")]
    Http1,
    #[serde(rename = "2")]
    Http2,
}

impl std::fmt::Display for HttpVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            HttpVersion::Http1 => "HTTP/1.1",
            HttpVersion::Http2 => "HTTP/2",
        })
    }
}

#[derive(Debug, Clone)]
pub struct HttpPlan {
    pub version: HttpVersion,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// TCP connections to open (HTTP/1.1 open model: one request in flight on each).
    pub connections: usize,
    /// Open model: arrivals beyond this many in flight are dropped, not queued.
    pub max_in_flight: usize,
    pub headers: Vec<(HeaderName, Template)>,
    pub tls: TlsPlan,
}

#[derive(Debug, Clone, Default)]
pub struct TlsPlan {
    pub insecure: bool,
    pub ca: Option<PathBuf>,
    pub sni: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RequestPlan {
    pub name: String,
    pub method: Method,
    pub path: Template,
    pub headers: Vec<(HeaderName, Template)>,
    pub body: Option<Body>,
    pub weight: u32,
    pub expect_status: Vec<u16>,
}

#[derive(Debug, Clone)]
pub enum Body {
    Template(Template),
    /// Read from `body_file` at resolve time.
    Bytes(bytes::Bytes),
}

impl RequestPlan {
    /// 2xx and 3xx are success unless `expect_status` says otherwise.
    pub fn status_ok(&self, status: u16) -> bool {
        if self.expect_status.is_empty() {
            (200..400).contains(&status)
        } else {
            self.expect_status.contains(&status)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LoadModel {
    /// Arrivals at a rate, independent of responses.
    Open,
    /// N users, each sending, waiting for the response, thinking, sending again.
    Closed { think_time: Duration },
}

/// Open model: what happens to an arrival when `max_in_flight` requests are already in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overload {
    /// Count it as dropped and move on (the default: arrivals are never silently delayed).
    Drop,
    /// Queue it until a connection frees up (wrk2's behaviour); its latency still counts from
    /// the intended start, and the wait shows as scheduler lag.
    Queue,
}

/// Open model: how far ahead of its time an arrival may be sent when the engine thread is
/// awake anyway, to save a wake-up (see `engine::arrival_gate`).
pub const DEFAULT_SEND_AHEAD: Duration = Duration::from_micros(200);
/// More than this would change the arrival process visibly, not just save wake-ups.
pub const MAX_SEND_AHEAD: Duration = Duration::from_millis(10);

#[derive(Debug, Clone)]
pub struct LoadPlan {
    pub model: LoadModel,
    pub overload: Overload,
    /// Open model: the most an arrival may be sent ahead of its scheduled time (0 = exact).
    pub send_ahead: Duration,
    pub stages: Vec<StagePlan>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StagePlan {
    pub name: String,
    /// Offset from the start of the run.
    pub start: Duration,
    pub duration: Duration,
    /// Rate (req/s) or users at the start of the stage; equals `to` unless ramping.
    pub from: f64,
    pub to: f64,
    /// Leading part of the stage excluded from its statistics.
    pub warmup: Duration,
}

impl StagePlan {
    pub fn end(&self) -> Duration {
        self.start + self.duration
    }
}

impl LoadPlan {
    pub fn total_duration(&self) -> Duration {
        self.stages.last().map_or(Duration::ZERO, StagePlan::end)
    }

    pub fn stage_index(&self, name: &str) -> Option<usize> {
        self.stages.iter().position(|s| s.name == name)
    }
}

pub use crate::probe::ProfileKind;

#[derive(Debug, Clone)]
pub struct ProfilePlan {
    pub url: Uri,
    /// Indexes into `load.stages`.
    pub stages: Vec<usize>,
    /// CPU capture length; `None` fits the stage minus warm-up.
    pub seconds: Option<u64>,
    pub kinds: Vec<ProfileKind>,
    pub headers: Vec<(HeaderName, Template)>,
}

#[derive(Debug, Clone)]
pub struct MetricsPlan {
    pub scrape: Option<ScrapePlan>,
    pub query: Option<QueryPlan>,
}

#[derive(Debug, Clone)]
pub struct ScrapePlan {
    pub url: Uri,
    pub interval: Duration,
    pub series: Vec<String>,
    pub headers: Vec<(HeaderName, Template)>,
}

#[derive(Debug, Clone)]
pub struct QueryPlan {
    pub prometheus: Uri,
    pub queries: Vec<(String, String)>,
    pub step: Duration,
}

impl Plan {
    /// Resolves probe URLs given as paths (`/metrics`) against the target's scheme and authority.
    pub fn resolve_probe_urls(&mut self, target: &Uri) {
        let absolute = |u: &Uri| -> Uri {
            if u.authority().is_some() {
                return u.clone();
            }
            let mut parts = target.clone().into_parts();
            parts.path_and_query = u.path_and_query().cloned();
            Uri::from_parts(parts).unwrap_or_else(|_| u.clone())
        };
        if let Some(p) = &mut self.profile {
            p.url = absolute(&p.url);
        }
        if let Some(s) = self.metrics.as_mut().and_then(|m| m.scrape.as_mut()) {
            s.url = absolute(&s.url);
        }
    }
}
