//! loadlab against a misbehaving target (the chaos server, loopback): for each way a server can
//! fail, the run completes, every request lands in the right outcome class (see
//! `docs/errors.md`), the accounting is exact, and the terminal summary names the class.
//!
//! Each run is 2 s at 20 arrivals/s (40 planned arrivals) with a 500 ms request timeout.

mod chaos;
mod support;

use chaos::server::{ChaosServer, Mode};
use chaos::{assert_counts_exact, outcomes, rss_kb};
use loadlab::metrics::{Outcome, RunResult};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use support::in_process::run_in_process;
use support::process::{loadlab, Running};

const RATE: u64 = 20;
const SECONDS: u64 = 2;
const PLANNED: u64 = RATE * SECONDS;

fn scenario(mode: Mode, timeout: &str) -> String {
    let name = mode.path().trim_start_matches('/');
    format!(
        r#"
name = "chaos-{name}"
target = "http://127.0.0.1:1"
[http]
timeout = "{timeout}"
connect_timeout = "500ms"
[[request]]
name = "{name}"
path = "{path}"
[load]
model = "open"
[[load.stage]]
name = "only"
duration = "{SECONDS}s"
rate = {RATE}
"#,
        path = mode.path()
    )
}

/// Runs one mode in-process and returns the result and its terminal summary.
async fn run_mode(mode: Mode, timeout: &str) -> (RunResult, String) {
    let server = ChaosServer::start();
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let r = run_in_process(dir.path(), &scenario(mode, timeout), &server.url()).await;
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the run ends on time even when the target misbehaves: {:?}",
        started.elapsed()
    );
    assert_counts_exact(&r, PLANNED);
    let summary = loadlab::report::terminal::render(&r);
    (r, summary)
}

/// Every request ended in `class`, and the summary says so.
fn assert_all(r: &RunResult, summary: &str, class: Outcome) {
    assert_eq!(
        outcomes(r),
        BTreeMap::from([(class, PLANNED)]),
        "every request is {class:?}"
    );
    if class != Outcome::Ok {
        assert!(
            summary.contains(&format!("{} {}", class.label(), PLANNED)),
            "the summary names the error class {:?}:\n{summary}",
            class.label()
        );
    }
}

/// Control: a well-behaved answer is `ok` on kept-alive connections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_well_formed_answer_is_ok() {
    let (r, summary) = run_mode(Mode::Ok, "500ms").await;
    assert_all(&r, &summary, Outcome::Ok);
}

/// A reset before any byte of the response is a `reset`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_before_the_response_is_reset() {
    let (r, summary) = run_mode(Mode::ResetBefore, "500ms").await;
    assert_all(&r, &summary, Outcome::Reset);
}

/// A reset in the middle of the body is a `reset`, not a success with a short body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_mid_body_is_reset() {
    let (r, summary) = run_mode(Mode::ResetMidBody, "500ms").await;
    assert_all(&r, &summary, Outcome::Reset);
}

/// A server that accepts and never answers is a `timeout`, after the request timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_answering_is_timeout() {
    let (r, summary) = run_mode(Mode::Never, "500ms").await;
    assert_all(&r, &summary, Outcome::Timeout);
    let s = r.summary(None, None);
    assert!(
        // 3 significant digits: 500 ms is recorded as 499.968 ms.
        s.error_latency.min() >= 499_000,
        "a timeout is counted at the timeout, not before: min {} µs",
        s.error_latency.min()
    );
}

/// An answer slower than the timeout is a `timeout` (not a late success).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answering_after_the_timeout_is_timeout() {
    let (r, summary) = run_mode(Mode::Slow, "500ms").await;
    assert_all(&r, &summary, Outcome::Timeout);
}

/// A body trickled one byte every 10 ms is a success, and its latency covers the whole body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_body_is_ok_and_its_latency_covers_the_body() {
    let (r, summary) = run_mode(Mode::Trickle, "2s").await;
    assert_all(&r, &summary, Outcome::Ok);
    let s = r.summary(None, None);
    assert!(
        s.latency.percentile(50.0) >= 190_000,
        "20 bytes × 10 ms: p50 {} µs",
        s.latency.percentile(50.0)
    );
    let bytes: u64 = r.stages[0].requests[0].bytes_received;
    assert_eq!(bytes, 20 * PLANNED, "every byte was read");
}

/// A trickle that outlasts the timeout is a `timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickle_longer_than_the_timeout_is_timeout() {
    let (r, summary) = run_mode(Mode::Trickle, "100ms").await;
    assert_all(&r, &summary, Outcome::Timeout);
}

/// A malformed status line is a `protocol` error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_status_line_is_protocol() {
    let (r, summary) = run_mode(Mode::BadStatus, "500ms").await;
    assert_all(&r, &summary, Outcome::Protocol);
}

/// A malformed header line is a `protocol` error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_header_is_protocol() {
    let (r, summary) = run_mode(Mode::BadHeaders, "500ms").await;
    assert_all(&r, &summary, Outcome::Protocol);
}

/// Content-Length frames the response: the first 5 bytes are the body and the response is
/// `ok`. The excess bytes are garbage on the connection; they must never be read as the next
/// response (which would charge the server's fault to an innocent request).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_longer_than_content_length_is_ok_and_poisons_only_its_connection() {
    let (r, summary) = run_mode(Mode::LongBody, "500ms").await;
    assert_all(&r, &summary, Outcome::Ok);
    assert_eq!(r.stages[0].requests[0].bytes_received, 5 * PLANNED);
}

/// A body shorter than Content-Length, then a clean close, is a `reset`: the connection ended
/// before the response was complete (the same class as a reset mid-body).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_shorter_than_content_length_is_reset() {
    let (r, summary) = run_mode(Mode::ShortBody, "500ms").await;
    assert_all(&r, &summary, Outcome::Reset);
}

/// `Connection: close` after every response: every request succeeds on a fresh connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_close_after_every_response_is_ok_on_fresh_connections() {
    let (r, summary) = run_mode(Mode::Close, "500ms").await;
    assert_all(&r, &summary, Outcome::Ok);
    assert!(
        r.generator.connections_opened >= PLANNED,
        "one connection per request: {} opened",
        r.generator.connections_opened
    );
}

/// A target that refuses connections for a second (listener closed, open connections dropped)
/// and then comes back: the failures are `connect` (or `reset` for a request caught on a
/// dropped connection), and successes resume once it listens again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connections_count_as_connect_errors_and_successes_resume() {
    let server = ChaosServer::start();
    let dir = tempfile::tempdir().unwrap();
    let text = scenario(Mode::Ok, "500ms").replace("duration = \"2s\"", "duration = \"4s\"");
    let url = server.url();
    let (r, _) = tokio::join!(run_in_process(dir.path(), &text, &url), async {
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        server.refuse_for(Duration::from_millis(1_500));
    });
    assert_counts_exact(&r, RATE * 4);
    let by = outcomes(&r);
    assert!(
        by.keys()
            .all(|o| matches!(o, Outcome::Ok | Outcome::Connect | Outcome::Reset)),
        "{by:?}"
    );
    let connect = by.get(&Outcome::Connect).copied().unwrap_or(0);
    assert!(
        (20..=40).contains(&connect),
        "about 1.5 s × 20/s refused: {by:?}"
    );
    let last = r.timeline.last().unwrap();
    assert!(
        last.ok >= RATE as u32 - 2 && last.errors.values().sum::<u32>() == 0,
        "the last second succeeds again: {last:?}"
    );
    let summary = loadlab::report::terminal::render(&r);
    assert!(summary.contains("connect"), "{summary}");
}

/// A 5 GB declared body streamed at loopback speed: the request ends at the timeout, loadlab
/// reads and discards the bytes (RSS of the loadlab process stays under 200 MB), and the run
/// completes. Runs the binary so its memory is measured alone.
#[test]
fn a_five_gigabyte_body_is_timeout_and_memory_stays_bounded() {
    let server = ChaosServer::start();
    let dir = tempfile::tempdir().unwrap();
    let text = scenario(Mode::HugeBody, "1s").replace("rate = 20", "rate = 5");
    let path = support::write_scenario_as(dir.path(), "huge.toml", &text);
    let child = loadlab()
        .arg("run")
        .arg(&path)
        .arg("--target")
        .arg(server.url())
        .arg("--out")
        .arg(dir.path().join("out"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let sampler = std::thread::spawn(move || {
        let mut peak = 0;
        while let Some(kb) = rss_kb(&pid) {
            peak = peak.max(kb);
            std::thread::sleep(Duration::from_millis(50));
        }
        peak
    });
    let out = Running::new(child).output_bounded(Duration::from_secs(30));
    let peak_kb = sampler.join().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(peak_kb > 0, "RSS was sampled");
    assert!(peak_kb < 200 * 1024, "peak RSS {peak_kb} kB");
    let r = loadlab::run::output::read_result(&dir.path().join("out")).unwrap();
    assert_counts_exact(&r, 10);
    assert_eq!(outcomes(&r), BTreeMap::from([(Outcome::Timeout, 10)]));
    assert!(
        r.stages[0].requests[0].bytes_received > 10_000_000,
        "the body was read, not ignored"
    );
    assert!(stdout.contains("timeout 10"), "{stdout}");
}
