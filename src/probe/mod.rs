//! Probes look inside the target while the engine drives load: CPU and heap profiles from
//! pprof endpoints (Go's `net/http/pprof` protocol), and Prometheus metrics, either scraped
//! from a `/metrics` endpoint or queried from a Prometheus server.
//!
//! Everything here is a library for the orchestrator and the reports:
//! - [`http_get`]: the small one-shot HTTP(S) GET client all probes share;
//! - [`capture_profile`] → [`CapturedProfile`]: capture, keep the raw `.pb.gz`, decode and
//!   summarise; [`decode_profile`], [`folded_stacks`], [`top_functions`] work on stored bytes;
//! - [`flame_graph_svg`], [`diff_flame_graph_svg`], [`function_cost_diff`]: views of folded stacks;
//! - [`parse_text`]: the Prometheus text format; [`scrape_loop`]: periodic scraping into
//!   bounded [`MetricSeries`]; [`query_range`]: the Prometheus HTTP API.
//!
//! Probe failures are data, not crashes: nothing here panics on any input, and every error
//! names the URL it concerns (without credentials) and what went wrong.

mod flame;
mod http_get;
mod pprof_capture;
mod profile;
pub mod profile_proto;
mod profile_stats;
mod prom_query;
mod prom_scrape;
mod prom_series;
mod prom_store;
mod prom_text;
pub mod results;
mod tls;

#[cfg(test)]
mod test_profiles;
#[cfg(test)]
mod test_server;

pub use flame::{
    diff_flame_graph_svg, flame_graph_svg, flame_graph_svg_with, function_cost_diff,
    FlameGraphOptions, FunctionChange, FunctionDelta,
};
pub use http_get::{display_url, http_get, HttpResponse, MAX_BODY_BYTES};
pub use pprof_capture::{
    capture_profile, profile_url, CaptureFailure, CaptureSpec, CapturedProfile,
};
pub use profile::{decode_profile, value_index, ProfileKind};
pub use profile_proto::Profile;
pub use profile_stats::{folded_stacks, summarize, top_functions, FunctionCost, ProfileSummary};
pub use prom_query::{choose_step, query_range, MAX_POINTS_PER_SERIES};
pub use prom_scrape::{scrape_loop, ScrapeResult, ScrapeSpec, DEFAULT_SERIES};
pub use prom_series::{MetricSeries, SeriesKind, SeriesSelector};
pub use prom_text::{parse_text, MetricFamily, MetricType, PromParseError, PromSample};
pub use results::{
    CaptureStatus, MetricsResults, ProbeResults, ProfileCapture, QueryResult, ScrapeSummary,
    StageValue,
};
pub use tls::ProbeTls;

use std::time::Duration;

/// Why a probe request or a decoding step failed. Messages name the URL and the cause, so
/// they can be shown to a user as they are.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The URL cannot be used for a request.
    #[error("invalid URL {url}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// A request header name or value is not valid HTTP.
    #[error("invalid request header {name:?}: {reason}")]
    InvalidHeader { name: String, reason: String },
    /// TCP connection failed (refused, unreachable, DNS).
    #[error("GET {url} failed: {reason}")]
    Connect { url: String, reason: String },
    /// TLS configuration or handshake failed.
    #[error("GET {url} failed: TLS: {reason}")]
    Tls { url: String, reason: String },
    /// The whole request did not complete in time.
    #[error("GET {url} timed out after {}", humantime::format_duration(*after))]
    Timeout { url: String, after: Duration },
    /// HTTP-level failure after connecting (reset, malformed response).
    #[error("GET {url} failed: {reason}")]
    Http { url: String, reason: String },
    /// The response body exceeded the size cap.
    #[error("GET {url} failed: response body larger than {limit} bytes")]
    BodyTooLarge { url: String, limit: usize },
    /// The server answered with an unexpected status.
    #[error("GET {url} returned HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    /// A profile could not be decoded.
    #[error("cannot decode profile: {reason}")]
    Decode { reason: String },
    /// There is nothing to draw or compute (e.g. a profile without samples).
    #[error("{what}: no stack samples")]
    Empty { what: String },
    /// The flame graph renderer failed.
    #[error("cannot render flame graph: {reason}")]
    Render { reason: String },
    /// A scraped metrics page is not valid Prometheus text format.
    #[error("GET {url}: invalid Prometheus text format: {source}")]
    PromText {
        url: String,
        #[source]
        source: PromParseError,
    },
    /// The Prometheus HTTP API answered with an error (or not with its JSON envelope).
    #[error("Prometheus query at {url} failed (HTTP {status}{}): {error}",
        error_type.as_deref().map(|t| format!(", {t}")).unwrap_or_default())]
    PromApi {
        url: String,
        status: u16,
        error_type: Option<String>,
        error: String,
    },
    /// A series selector or query parameter is malformed.
    #[error("invalid series selector {input:?}: {reason}")]
    Selector { input: String, reason: String },
}

/// Cuts `text` to at most `max` bytes on a char boundary, appending "…" when cut.
pub(crate) fn truncate_text(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate_text("  short \n", 10), "short");
        assert_eq!(truncate_text("ééé", 3), "é…");
        assert_eq!(truncate_text("abcdef", 3), "abc…");
    }

    #[test]
    fn errors_read_well() {
        let e = ProbeError::Connect {
            url: "http://127.0.0.1:9/metrics".into(),
            reason: "connection refused".into(),
        };
        assert_eq!(
            e.to_string(),
            "GET http://127.0.0.1:9/metrics failed: connection refused"
        );
        let e = ProbeError::Timeout {
            url: "http://h/x".into(),
            after: Duration::from_millis(1500),
        };
        assert_eq!(e.to_string(), "GET http://h/x timed out after 1s 500ms");
        let e = ProbeError::PromApi {
            url: "http://p/api/v1/query_range".into(),
            status: 400,
            error_type: Some("bad_data".into()),
            error: "parse error".into(),
        };
        assert_eq!(
            e.to_string(),
            "Prometheus query at http://p/api/v1/query_range failed (HTTP 400, bad_data): parse error"
        );
    }
}
