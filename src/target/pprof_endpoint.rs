//! `/debug/pprof/profile?seconds=N`: a CPU profile of this process in Go's `net/http/pprof`
//! protocol, taken with pprof-rs at 100 Hz and sent as gzipped `profile.proto`.
//!
//! The contract copied from Go: `seconds` missing, invalid or <= 0 means 30; success is 200
//! `application/octet-stream` with `Content-Disposition: attachment; filename="profile"`; a
//! capture while another is running gets 500, `text/plain; charset=utf-8`, `X-Go-Pprof: 1` and
//! the body `Could not enable CPU profiling: cpu profiling already in use\n`. The pprof-rs
//! profiler is process-wide, so the busy flag is a process-wide static shared by every demo
//! target in the process.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use flate2::write::GzEncoder;
use flate2::Compression;
use http::header::{HeaderValue, CONTENT_DISPOSITION, CONTENT_TYPE};
use http::{Response, StatusCode};
use pprof::protos::Message as _;

use super::response::{self, Body};

/// Go's default capture length when `seconds` is missing or not a positive integer.
pub const DEFAULT_SECONDS: u64 = 30;

/// Sampling frequency, Go's hard-coded rate.
const FREQUENCY_HZ: i32 = 100;

/// Libraries whose frames are not unwound from the signal handler (see pprof-rs README).
const BLOCKLIST: [&str; 4] = ["libc", "libgcc", "pthread", "vdso"];

/// Whether a capture through this endpoint is running, in any demo target of the process.
static CAPTURING: AtomicBool = AtomicBool::new(false);

/// Whether a capture is running right now (tests wait on it instead of sleeping).
#[cfg(test)]
pub(super) fn capture_running() -> bool {
    CAPTURING.load(Ordering::Acquire)
}

/// Go's `seconds` rule: `strconv.ParseInt`, and anything missing, unparsable or <= 0 is 30.
pub fn parse_seconds(raw: Option<&str>) -> u64 {
    match raw.and_then(|s| s.parse::<i64>().ok()) {
        Some(n) if n > 0 => n.unsigned_abs(),
        _ => DEFAULT_SECONDS,
    }
}

/// Handles one capture request; holds the process-wide slot for its whole duration.
pub async fn profile(seconds_param: Option<&str>) -> Response<Body> {
    let seconds = parse_seconds(seconds_param);
    let Some(slot) = CaptureSlot::try_take() else {
        return go_error(Bytes::from_static(
            b"Could not enable CPU profiling: cpu profiling already in use\n",
        ));
    };
    // Declared after `slot`, so on cancellation the profiler stops before the slot frees.
    let guard = match pprof::ProfilerGuardBuilder::default()
        .frequency(FREQUENCY_HZ)
        .blocklist(&BLOCKLIST)
        .build()
    {
        Ok(guard) => guard,
        Err(pprof::Error::Running) => {
            return go_error(Bytes::from_static(
                b"Could not enable CPU profiling: cpu profiling already in use\n",
            ))
        }
        Err(err) => return go_error(format!("Could not enable CPU profiling: {err}\n").into()),
    };
    tokio::time::sleep(Duration::from_secs(seconds)).await;

    let built = tokio::task::spawn_blocking(move || {
        let report = guard.report().build();
        drop(guard);
        drop(slot);
        encode(report?)
    })
    .await;
    match built {
        Ok(Ok(gzipped)) => profile_response(gzipped),
        Ok(Err(err)) => go_error(format!("Could not build CPU profile: {err}\n").into()),
        Err(join) => go_error(format!("Could not build CPU profile: {join}\n").into()),
    }
}

/// Symbolized report → `profile.proto` → gzip.
fn encode(report: pprof::Report) -> Result<Vec<u8>, pprof::Error> {
    let raw = report.pprof()?.encode_to_vec();
    let mut gz = GzEncoder::new(
        Vec::with_capacity(raw.len() / 3 + 64),
        Compression::default(),
    );
    gz.write_all(&raw)?;
    Ok(gz.finish()?)
}

fn profile_response(gzipped: Vec<u8>) -> Response<Body> {
    let mut response = response::bare(StatusCode::OK, gzipped);
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"profile\""),
    );
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Go's `serveError(w, 500, msg)`: plain text and `X-Go-Pprof: 1`, which `go tool pprof` shows.
fn go_error(body: Bytes) -> Response<Body> {
    let mut response = response::text(StatusCode::INTERNAL_SERVER_ERROR, body);
    response
        .headers_mut()
        .insert("x-go-pprof", HeaderValue::from_static("1"));
    response
}

/// Ownership of the process-wide capture slot; frees it on drop.
struct CaptureSlot(());

impl CaptureSlot {
    fn try_take() -> Option<CaptureSlot> {
        CAPTURING
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| CaptureSlot(()))
    }
}

impl Drop for CaptureSlot {
    fn drop(&mut self) {
        CAPTURING.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_follow_go_rules() {
        assert_eq!(parse_seconds(None), 30);
        assert_eq!(parse_seconds(Some("")), 30);
        assert_eq!(parse_seconds(Some("0")), 30);
        assert_eq!(parse_seconds(Some("-5")), 30);
        assert_eq!(parse_seconds(Some("1.5")), 30);
        assert_eq!(parse_seconds(Some("abc")), 30);
        assert_eq!(parse_seconds(Some("5")), 5);
        assert_eq!(parse_seconds(Some("+2")), 2);
    }
}
