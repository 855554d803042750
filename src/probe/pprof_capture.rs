//! Capturing one profile from a pprof endpoint (Go's `net/http/pprof` protocol): CPU over
//! `?seconds=N`, heap and goroutine as snapshots. The raw bytes are kept (gzipped, as the
//! format wants them on disk) beside their summary and folded stacks.
//!
//! Failures are data ([`CaptureFailure`]): in particular a Go target that is already being
//! CPU-profiled answers HTTP 500 with `X-Go-Pprof: 1` and "cpu profiling already in use",
//! which is [`CaptureFailure::Busy`] (retry later), not a broken target.

use std::io::Write;
use std::time::{Duration, SystemTime};

use http::{StatusCode, Uri};
use serde::{Deserialize, Serialize};

use super::profile::{decode_profile, value_index, ProfileKind};
use super::profile_stats::{folded_stacks, summarize, ProfileSummary};
use super::{display_url, http_get, ProbeError, ProbeTls};

/// What to capture, from where.
#[derive(Debug, Clone)]
pub struct CaptureSpec {
    /// The endpoint, e.g. `http://host:6060/debug/pprof/profile` or `…/debug/pprof/heap`.
    pub url: Uri,
    pub kind: ProfileKind,
    /// CPU profile length; ignored for snapshots.
    pub seconds: u64,
    pub headers: Vec<(String, String)>,
    pub tls: ProbeTls,
    /// How many top functions the summary keeps.
    pub top_n: usize,
    /// Overrides the default client timeout (see [`CaptureSpec::timeout`]).
    pub timeout: Option<Duration>,
}

impl CaptureSpec {
    /// A spec with no headers, default TLS, the top 20 functions and the default timeout.
    pub fn new(url: Uri, kind: ProfileKind, seconds: u64) -> CaptureSpec {
        CaptureSpec {
            url,
            kind,
            seconds,
            headers: Vec::new(),
            tls: ProbeTls::default(),
            top_n: 20,
            timeout: None,
        }
    }

    /// The client timeout: for CPU, 1.5 × seconds as `go tool pprof` uses, but at least
    /// seconds + 5 s so short captures survive a slow symbolizer; 10 s for snapshots.
    pub fn timeout(&self) -> Duration {
        if let Some(timeout) = self.timeout {
            return timeout;
        }
        if self.kind.takes_duration() {
            let s = Duration::from_secs(self.seconds);
            s.saturating_add(s / 2)
                .max(s.saturating_add(Duration::from_secs(5)))
        } else {
            Duration::from_secs(10)
        }
    }
}

/// A captured and decoded profile.
#[derive(Debug, Clone)]
pub struct CapturedProfile {
    /// The profile as served, gzipped if it was not (write it as `*.pb.gz`).
    pub raw_gz: Vec<u8>,
    pub summary: ProfileSummary,
    /// Folded stacks of the summary's sample type, for flame graphs and diffs.
    pub folded: Vec<(String, u64)>,
    /// When the request was sent and when the body was complete.
    pub started_at: SystemTime,
    pub ended_at: SystemTime,
}

/// Why a capture produced no profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "failure", rename_all = "snake_case")]
pub enum CaptureFailure {
    /// The target is already profiling (Go: HTTP 500 + `X-Go-Pprof`); retry later.
    #[error("{url} is busy: {reason}")]
    Busy { url: String, reason: String },
    /// Any other non-200 answer, with the start of its body.
    #[error("GET {url} returned HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("GET {url} timed out after {timeout_ms} ms")]
    Timeout { url: String, timeout_ms: u64 },
    /// Connecting, TLS or the HTTP exchange failed.
    #[error("GET {url} failed: {reason}")]
    Connect { url: String, reason: String },
    /// The body is not a profile.
    #[error("profile from {url} could not be decoded: {reason}")]
    Decode { url: String, reason: String },
    /// The spec itself is unusable (URL, headers, zero seconds).
    #[error("{reason}")]
    Invalid { reason: String },
}

impl CaptureFailure {
    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            CaptureFailure::Busy { .. }
                | CaptureFailure::Timeout { .. }
                | CaptureFailure::Connect { .. }
        )
    }
}

/// The request URL for `kind`: `seconds=N` set for CPU (replacing any given), unchanged otherwise.
pub fn profile_url(url: &Uri, kind: ProfileKind, seconds: u64) -> Result<Uri, ProbeError> {
    if !kind.takes_duration() {
        return Ok(url.clone());
    }
    let query: Vec<&str> = url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && *p != "seconds" && !p.starts_with("seconds="))
        .collect();
    let mut path_and_query = format!("{}?", url.path());
    for param in query {
        path_and_query.push_str(param);
        path_and_query.push('&');
    }
    path_and_query.push_str(&format!("seconds={seconds}"));
    let mut parts = url.clone().into_parts();
    parts.path_and_query = Some(path_and_query.parse().map_err(|e: http::uri::InvalidUri| {
        ProbeError::InvalidUrl {
            url: display_url(url),
            reason: e.to_string(),
        }
    })?);
    Uri::from_parts(parts).map_err(|e| ProbeError::InvalidUrl {
        url: display_url(url),
        reason: e.to_string(),
    })
}

/// Captures one profile as `spec` says. Never panics; every failure is a [`CaptureFailure`].
pub async fn capture_profile(spec: &CaptureSpec) -> Result<CapturedProfile, CaptureFailure> {
    let shown = display_url(&spec.url);
    if spec.kind.takes_duration() && spec.seconds == 0 {
        return Err(CaptureFailure::Invalid {
            reason: format!("{shown}: a CPU profile needs seconds > 0"),
        });
    }
    let url = profile_url(&spec.url, spec.kind, spec.seconds)
        .map_err(|e| transport_failure(e, &shown))?;
    let shown = display_url(&url);
    let started_at = SystemTime::now();
    let response = http_get(&url, &spec.headers, &spec.tls, spec.timeout())
        .await
        .map_err(|e| transport_failure(e, &shown))?;
    let ended_at = SystemTime::now();
    if response.status != StatusCode::OK {
        let body = response.body_excerpt(300);
        let busy = response.status == StatusCode::INTERNAL_SERVER_ERROR
            && (response.headers.contains_key("x-go-pprof") || body.contains("already in use"));
        return Err(if busy {
            CaptureFailure::Busy {
                url: shown,
                reason: body,
            }
        } else {
            CaptureFailure::Status {
                url: shown,
                status: response.status.as_u16(),
                body,
            }
        });
    }
    let (kind, top_n) = (spec.kind, spec.top_n);
    let body = response.body;
    // Decoding a large profile is CPU work: keep it off the runtime's worker threads.
    let decoded = tokio::task::spawn_blocking(move || decode(&body, kind, top_n)).await;
    let (raw_gz, summary, folded) = match decoded {
        Ok(Ok(parts)) => parts,
        Ok(Err(reason)) => return Err(CaptureFailure::Decode { url: shown, reason }),
        Err(e) => {
            return Err(CaptureFailure::Decode {
                url: shown,
                reason: format!("decoder failed: {e}"),
            })
        }
    };
    Ok(CapturedProfile {
        raw_gz,
        summary,
        folded,
        started_at,
        ended_at,
    })
}

type Decoded = (Vec<u8>, ProfileSummary, Vec<(String, u64)>);

fn decode(body: &[u8], kind: ProfileKind, top_n: usize) -> Result<Decoded, String> {
    let profile = decode_profile(body).map_err(|e| match e {
        ProbeError::Decode { reason } => reason,
        other => other.to_string(),
    })?;
    let summary = summarize(&profile, kind, top_n).map_err(|e| e.to_string())?;
    let vi = value_index(&profile, kind).ok_or("the profile has no sample types")?;
    let folded = folded_stacks(&profile, vi);
    let raw_gz = if body.starts_with(&[0x1f, 0x8b]) {
        body.to_vec()
    } else {
        gzip(body)?
    };
    Ok((raw_gz, summary, folded))
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).map_err(|e| format!("gzip: {e}"))?;
    encoder.finish().map_err(|e| format!("gzip: {e}"))
}

fn transport_failure(error: ProbeError, shown: &str) -> CaptureFailure {
    let url = shown.to_string();
    match error {
        ProbeError::Timeout { after, .. } => CaptureFailure::Timeout {
            url,
            timeout_ms: after.as_millis() as u64,
        },
        ProbeError::Connect { reason, .. } | ProbeError::Http { reason, .. } => {
            CaptureFailure::Connect { url, reason }
        }
        ProbeError::Tls { reason, .. } => CaptureFailure::Connect {
            url,
            reason: format!("TLS: {reason}"),
        },
        ProbeError::BodyTooLarge { .. } => CaptureFailure::Decode {
            url,
            reason: error.to_string(),
        },
        other => CaptureFailure::Invalid {
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
#[path = "pprof_capture_tests.rs"]
mod tests;
