//! Request dispatch and the demo endpoints' handlers.
//!
//! | endpoint | answer |
//! |---|---|
//! | `GET /fast` | 200 `ok` |
//! | `GET /delay?ms=10&jitter_ms=0` | sleeps `(ms + uniform[0, jitter_ms)) * delay_scale`, then 200 `ok` |
//! | `GET /cpu?work=10000` | runs `demo_cpu_burn(work)`, 200 with its result in decimal |
//! | `GET /status?code=200&body=` | that status (200..=599), body percent-decoded and verbatim |
//! | `GET /payload?bytes=1024` | 200, that many zero bytes (at most 64 MiB) |
//! | `GET /stall?period_ms=2000&stall_ms=400&ms=0` | waits out the global stall window (see `stall`), sleeps `ms * delay_scale`, 200 |
//! | `GET /limited?ms=2` | holds one of `limited_workers` permits for `ms * delay_scale`, 200 |
//! | `ANY /echo` | 200, the request body, `x-echo-len` (413 above 64 MiB) |
//! | `GET /metrics` | Prometheus text, see `prom_metrics` |
//! | `GET /debug/pprof/profile?seconds=30` | CPU profile, see `pprof_endpoint` |
//!
//! Delays are in milliseconds, fractions allowed, at most 600000. Bad parameters get 400 with a
//! one-line reason before any waiting; other methods than GET/HEAD get 405 (except `/echo`);
//! unknown paths get 404. CPU work and the stall window are not scaled by `delay_scale` (the
//! window is a property of the clock). Handlers answer from static or pre-built data and take
//! no lock: `/fast` allocates nothing beyond what hyper needs.

use std::convert::Infallible;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;

use super::counters::Endpoint;
use super::cpu::{demo_cpu_burn, DEFAULT_WORK, MAX_WORK};
use super::params::{Expected, ParamError, Query};
use super::prom_metrics::{self, Snapshot};
use super::response::{self, Body};
use super::{pprof_endpoint, stall, Shared};

/// Largest delay, jitter or hold time accepted, in milliseconds (10 minutes).
pub const MAX_DELAY_MS: f64 = 600_000.0;
/// Largest `/payload` size and `/echo` request body, in bytes.
pub const MAX_BODY_BYTES: usize = 64 << 20;
/// Largest `/stall` period, in milliseconds (1 hour).
pub const MAX_PERIOD_MS: u64 = 3_600_000;

/// Where a path leads.
enum Route {
    Counted(Endpoint),
    Metrics,
    Profile,
    /// Other `/debug/pprof/` paths: 404, and not counted like the rest of `/debug/pprof/`.
    UncountedNotFound,
}

fn route(path: &str) -> Route {
    match path {
        "/fast" => Route::Counted(Endpoint::Fast),
        "/delay" => Route::Counted(Endpoint::Delay),
        "/cpu" => Route::Counted(Endpoint::Cpu),
        "/status" => Route::Counted(Endpoint::Status),
        "/payload" => Route::Counted(Endpoint::Payload),
        "/stall" => Route::Counted(Endpoint::Stall),
        "/limited" => Route::Counted(Endpoint::Limited),
        "/echo" => Route::Counted(Endpoint::Echo),
        "/metrics" => Route::Metrics,
        "/debug/pprof/profile" => Route::Profile,
        p if p.starts_with("/debug/pprof/") => Route::UncountedNotFound,
        _ => Route::Counted(Endpoint::Other),
    }
}

/// The hyper service function: never fails, every problem is an HTTP status.
pub async fn serve(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    Ok(handle(&shared, req).await)
}

async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let query = Query::new(parts.uri.query());
    let is_read = parts.method == Method::GET || parts.method == Method::HEAD;
    let endpoint = match route(parts.uri.path()) {
        Route::Metrics if is_read => return metrics(shared),
        // Boxed: rare and large futures stay out of the per-request state of the fast path.
        Route::Profile if is_read => {
            return Box::pin(pprof_endpoint::profile(query.raw("seconds"))).await
        }
        Route::Metrics | Route::Profile => return method_not_allowed(),
        Route::UncountedNotFound => return not_found(),
        Route::Counted(endpoint) => endpoint,
    };
    let _in_flight = shared.counters.enter(endpoint);
    if endpoint == Endpoint::Echo {
        return Box::pin(echo(parts.headers.get(CONTENT_TYPE), body)).await;
    }
    if !is_read {
        return method_not_allowed();
    }
    let answered = match endpoint {
        Endpoint::Fast => Ok(response::bare(StatusCode::OK, Bytes::from_static(b"ok"))),
        Endpoint::Delay => delay(shared, query).await,
        Endpoint::Cpu => cpu(query),
        Endpoint::Status => status(query),
        Endpoint::Payload => payload(query),
        Endpoint::Stall => stall_then_reply(shared, query).await,
        Endpoint::Limited => limited(shared, query).await,
        Endpoint::Echo | Endpoint::Other => Ok(not_found()),
    };
    answered.unwrap_or_else(|err| response::bad_request(&err))
}

/// `/delay?ms=10&jitter_ms=0`: sleeps `(ms + uniform[0, jitter_ms)) * delay_scale`.
async fn delay(shared: &Shared, q: Query<'_>) -> Result<Response<Body>, ParamError> {
    let ms = q.f64_in("ms", 10.0, MAX_DELAY_MS)?;
    let jitter = q.f64_in("jitter_ms", 0.0, MAX_DELAY_MS)?;
    shared.sleep_ms(ms + fastrand::f64() * jitter).await;
    Ok(response::bare(StatusCode::OK, Bytes::from_static(b"ok")))
}

/// `/cpu?work=10000`: runs `demo_cpu_burn(work)` on this thread; the body is its result.
fn cpu(q: Query<'_>) -> Result<Response<Body>, ParamError> {
    let work = q.u64_in("work", DEFAULT_WORK, 0, MAX_WORK)?;
    let result = demo_cpu_burn(work);
    Ok(response::bare(StatusCode::OK, result.to_string()))
}

/// `/status?code=200&body=`: that status with the percent-decoded body, verbatim.
fn status(q: Query<'_>) -> Result<Response<Body>, ParamError> {
    let code = q.u64_in("code", 200, 200, 599)?;
    let status = u16::try_from(code)
        .ok()
        .and_then(|c| StatusCode::from_u16(c).ok())
        .ok_or_else(|| ParamError::new("code", "", Expected::Integer { min: 200, max: 599 }))?;
    let body = match q.text("body")? {
        // These statuses cannot carry a body.
        _ if matches!(code, 204 | 205 | 304) => Bytes::new(),
        None => Bytes::new(),
        Some(text) => Bytes::from(text.into_owned()),
    };
    Ok(response::text(status, body))
}

/// `/payload?bytes=1024`: that many zero bytes, sliced from one shared static buffer.
fn payload(q: Query<'_>) -> Result<Response<Body>, ParamError> {
    let max = MAX_BODY_BYTES as u64;
    let len = q.u64_in("bytes", 1024, 0, max)?;
    let len = usize::try_from(len).unwrap_or(MAX_BODY_BYTES);
    let mut response = response::bare(StatusCode::OK, Bytes::from_static(&payload_buffer()[..len]));
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    Ok(response)
}

/// 64 MiB of zeros, allocated (lazily backed by the kernel) on first use and never freed.
fn payload_buffer() -> &'static [u8] {
    static BUFFER: OnceLock<&'static [u8]> = OnceLock::new();
    BUFFER.get_or_init(|| vec![0u8; MAX_BODY_BYTES].leak())
}

/// `/stall?period_ms=2000&stall_ms=400&ms=0`: waits out the global stall window (see
/// [`stall`]), then sleeps `ms * delay_scale`.
async fn stall_then_reply(shared: &Shared, q: Query<'_>) -> Result<Response<Body>, ParamError> {
    let period_ms = q.u64_in("period_ms", 2000, 1, MAX_PERIOD_MS)?;
    let stall_ms = q.u64_in("stall_ms", 400, 0, MAX_PERIOD_MS)?;
    if stall_ms > period_ms {
        let raw = q.raw("stall_ms").unwrap_or_default();
        return Err(ParamError::new(
            "stall_ms",
            raw,
            Expected::Custom("at most period_ms"),
        ));
    }
    let ms = q.f64_in("ms", 0.0, MAX_DELAY_MS)?;
    let (period, stall) = (
        Duration::from_millis(period_ms),
        Duration::from_millis(stall_ms),
    );
    let elapsed = shared.started.elapsed();
    if let Some(end) = stall::window_end(elapsed, period, stall) {
        tokio::time::sleep_until(shared.started + end).await;
    }
    shared.sleep_ms(ms).await;
    Ok(response::bare(StatusCode::OK, Bytes::from_static(b"ok")))
}

/// `/limited?ms=2`: holds one of `limited_workers` permits for `ms * delay_scale`; waiters queue
/// in arrival order.
async fn limited(shared: &Shared, q: Query<'_>) -> Result<Response<Body>, ParamError> {
    let ms = q.f64_in("ms", 2.0, MAX_DELAY_MS)?;
    let Ok(_permit) = shared.limited.acquire().await else {
        // The semaphore is never closed; answer honestly if that ever changes.
        return Ok(response::text(
            StatusCode::SERVICE_UNAVAILABLE,
            "limited endpoint closed\n",
        ));
    };
    shared.sleep_ms(ms).await;
    Ok(response::bare(StatusCode::OK, Bytes::from_static(b"ok")))
}

/// `/echo` (any method): the request body back, its length in `x-echo-len`.
async fn echo(content_type: Option<&HeaderValue>, body: Incoming) -> Response<Body> {
    let collected = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.is::<http_body_util::LengthLimitError>() => {
            return response::text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body larger than {MAX_BODY_BYTES} bytes\n"),
            )
        }
        Err(err) => {
            return response::text(
                StatusCode::BAD_REQUEST,
                format!("cannot read the request body: {err}\n"),
            )
        }
    };
    let len = collected.len();
    let mut response = response::bare(StatusCode::OK, collected);
    let headers = response.headers_mut();
    headers.insert("x-echo-len", HeaderValue::from(len));
    if let Some(ct) = content_type {
        headers.insert(CONTENT_TYPE, ct.clone());
    }
    response
}

fn metrics(shared: &Shared) -> Response<Body> {
    let snapshot = Snapshot::take(&shared.counters, shared.start_time_seconds);
    let mut response = response::bare(StatusCode::OK, prom_metrics::render(&snapshot));
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(prom_metrics::CONTENT_TYPE),
    );
    response
}

fn not_found() -> Response<Body> {
    response::text(StatusCode::NOT_FOUND, "not found\n")
}

fn method_not_allowed() -> Response<Body> {
    let mut response = response::text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}
