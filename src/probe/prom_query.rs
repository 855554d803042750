//! Range queries against a Prometheus server (`GET /api/v1/query_range`), for cluster-side
//! series such as replica counts and container CPU. The step is raised when needed to stay
//! within Prometheus' 11,000 points per series; values arrive as JSON strings (including
//! `NaN` and `±Inf`, which are left out of the points); API errors keep Prometheus' text.

use std::collections::BTreeMap;
use std::time::Duration;

use http::Uri;
use serde::Deserialize;

use super::prom_series::{unit_hint, MetricSeries, SeriesKind};
use super::{display_url, http_get, ProbeError, ProbeTls};

/// Prometheus refuses range queries with more points per series than this.
pub const MAX_POINTS_PER_SERIES: f64 = 11_000.0;

/// The step to ask for: at least `step_s`, and large enough (rounded up to the millisecond)
/// that `(end - start) / step` stays within [`MAX_POINTS_PER_SERIES`].
pub fn choose_step(start_unix: f64, end_unix: f64, step_s: f64) -> f64 {
    let minimum = (end_unix - start_unix).max(0.0) / MAX_POINTS_PER_SERIES;
    let step = step_s.max(minimum).max(0.001);
    (step * 1000.0).ceil() / 1000.0
}

/// Runs `query` over `[start_unix, end_unix]` every `step_s` seconds (raised if needed) and
/// returns one series per result, points as `[unix_seconds, value]`.
#[allow(clippy::too_many_arguments)]
pub async fn query_range(
    base: &Uri,
    query: &str,
    start_unix: f64,
    end_unix: f64,
    step_s: f64,
    headers: &[(String, String)],
    tls: &ProbeTls,
    timeout: Duration,
) -> Result<Vec<MetricSeries>, ProbeError> {
    let invalid = |reason: String| ProbeError::InvalidUrl {
        url: display_url(base),
        reason,
    };
    if !(start_unix.is_finite() && end_unix.is_finite() && end_unix >= start_unix) {
        return Err(invalid(format!(
            "invalid query window {start_unix}..{end_unix}"
        )));
    }
    if !(step_s.is_finite() && step_s > 0.0) {
        return Err(invalid(format!("invalid step {step_s}")));
    }
    let step = choose_step(start_unix, end_unix, step_s);
    let url = query_url(base, query, start_unix, end_unix, step)?;
    let shown = display_url(&url);
    let response = http_get(&url, headers, tls, timeout).await?;
    let status = response.status.as_u16();
    let api_error = |error_type: Option<String>, error: String| ProbeError::PromApi {
        url: shown_path(&shown),
        status,
        error_type,
        error,
    };
    let envelope: Envelope = match serde_json::from_slice(&response.body) {
        Ok(envelope) => envelope,
        Err(_) if !response.status.is_success() => {
            return Err(ProbeError::Status {
                url: shown,
                status,
                body: response.body_excerpt(200),
            });
        }
        Err(e) => {
            return Err(api_error(
                None,
                format!("the response is not Prometheus API JSON: {e}"),
            ))
        }
    };
    if envelope.status != "success" {
        let error = envelope
            .error
            .unwrap_or_else(|| format!("status {:?}", envelope.status));
        return Err(api_error(envelope.error_type, error));
    }
    let data = envelope
        .data
        .ok_or_else(|| api_error(None, "the response has no data".into()))?;
    if data.result_type != "matrix" {
        return Err(api_error(
            None,
            format!("expected a matrix result, got {:?}", data.result_type),
        ));
    }
    let items: Vec<MatrixItem> = serde_json::from_value(data.result)
        .map_err(|e| api_error(None, format!("malformed matrix result: {e}")))?;
    Ok(items
        .into_iter()
        .map(|item| to_series(item, query))
        .collect())
}

/// The query URL without its query string, for messages (queries can be long).
fn shown_path(shown: &str) -> String {
    shown.split('?').next().unwrap_or(shown).to_string()
}

fn query_url(base: &Uri, query: &str, start: f64, end: f64, step: f64) -> Result<Uri, ProbeError> {
    let prefix = base.path().trim_end_matches('/');
    let url = format!(
        "{}://{}{prefix}/api/v1/query_range?query={}&start={start:.3}&end={end:.3}&step={step}",
        base.scheme_str().unwrap_or("http"),
        base.authority().map(|a| a.as_str()).unwrap_or(""),
        percent_encode(query),
    );
    url.parse()
        .map_err(|e: http::uri::InvalidUri| ProbeError::InvalidUrl {
            url: display_url(base),
            reason: e.to_string(),
        })
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    #[serde(default)]
    result: serde_json::Value,
}

#[derive(Deserialize)]
struct MatrixItem {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

fn to_series(item: MatrixItem, query: &str) -> MetricSeries {
    let mut labels = item.metric;
    let name = labels.remove("__name__");
    let points = item
        .values
        .iter()
        .filter_map(|(t, v)| {
            v.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && t.is_finite())
                .map(|v| [*t, v])
        })
        .collect();
    MetricSeries {
        unit_hint: name.as_deref().and_then(unit_hint),
        name: name.unwrap_or_else(|| query.to_string()),
        labels,
        kind: SeriesKind::Other,
        points,
        rate_points: None,
    }
}

#[cfg(test)]
#[path = "prom_query_tests.rs"]
mod tests;
