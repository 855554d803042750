//! The engine against the in-process demo target: counts, rate accuracy, coordinated-omission
//! correction, stage attribution, closed model, HTTP/2 and TLS. Every run is a few seconds long.

mod support;

use loadlab::metrics::{Outcome, RunResult};
use loadlab::target::{DemoCounters, DemoTarget, DemoTargetConfig, TlsSetup};
use std::path::Path;
use std::sync::Arc;
use support::in_process::run_in_process;
use tokio_util::sync::CancellationToken;

struct Demo {
    url: String,
    counters: Arc<DemoCounters>,
    shutdown: CancellationToken,
}

impl Drop for Demo {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn start_demo(config: DemoTargetConfig) -> Demo {
    let https = config.tls.is_some();
    let target = DemoTarget::bind(config).await.expect("demo target binds");
    let port = target.local_addr().port();
    let url = if https {
        format!("https://localhost:{port}")
    } else {
        format!("http://127.0.0.1:{port}")
    };
    let counters = target.counters();
    let shutdown = CancellationToken::new();
    tokio::spawn(target.serve(shutdown.clone()));
    Demo {
        url,
        counters,
        shutdown,
    }
}

fn arrivals(r: &RunResult) -> u64 {
    let (sent, dropped, _) = r.all_counts();
    sent + dropped
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_ends_in_exactly_one_outcome_and_the_target_agrees() {
    let demo = start_demo(DemoTargetConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let r = run_in_process(
        dir.path(),
        r#"
name = "integrity"
target = "demo"
[[request]]
name = "fast"
path = "/fast"
weight = 3
[[request]]
name = "unavailable"
path = "/status?code=503"
[[request]]
name = "slow"
path = "/delay?ms=3"
[load]
model = "open"
[[load.stage]]
name = "a"
duration = "2s"
rate = 800
warmup = "500ms"
[[load.stage]]
name = "b"
duration = "1s"
rate = 400
"#,
        &demo.url,
    )
    .await;
    let (sent, dropped, by_outcome) = r.all_counts();
    assert_eq!(sent + dropped, 2_000, "arrivals are exact");
    assert_eq!(
        by_outcome.values().sum::<u64>(),
        sent,
        "each sent request has one outcome"
    );
    assert_eq!(
        demo.counters.requests_total(),
        sent,
        "the target served exactly what was sent"
    );
    assert!(
        by_outcome.get(&Outcome::Status).copied().unwrap_or(0) > 0,
        "503s are counted as status errors"
    );
    let per_second: u64 = r.timeline.iter().map(|s| (s.sent + s.dropped) as u64).sum();
    assert_eq!(per_second, 2_000, "the timeline accounts for every arrival");
    let status_503: u64 = r
        .stages
        .iter()
        .flat_map(|s| s.requests.iter().chain(&s.warmup))
        .filter_map(|q| q.status_codes.get("503"))
        .sum();
    assert_eq!(status_503, by_outcome[&Outcome::Status]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_model_rate_is_exact_and_even() {
    let demo = start_demo(DemoTargetConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let r = run_in_process(
        dir.path(),
        r#"
name = "rate"
target = "demo"
[[request]]
name = "fast"
path = "/fast"
[load]
model = "open"
[[load.stage]]
name = "steady"
duration = "5s"
rate = "2000/s"
"#,
        &demo.url,
    )
    .await;
    let total = arrivals(&r);
    assert!(
        (9_900..=10_100).contains(&total),
        "10,000 ± 1% arrivals, got {total}"
    );
    for s in r.timeline.iter().take(5) {
        let n = (s.sent + s.dropped) as f64;
        assert!(
            (n - 2000.0).abs() <= 100.0,
            "second {}: {n} arrivals, expected 2000 ± 5%",
            s.t
        );
    }
    assert_eq!(r.generator.in_flight_cap_hits, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linear_ramp_delivers_the_integral() {
    let demo = start_demo(DemoTargetConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let r = run_in_process(
        dir.path(),
        r#"
name = "ramp"
target = "demo"
[[request]]
name = "fast"
path = "/fast"
[load]
model = "open"
[[load.stage]]
name = "ramp"
duration = "4s"
rate = 1000
ramp = true
"#,
        &demo.url,
    )
    .await;
    let total = arrivals(&r);
    assert!(
        (1_980..=2_020).contains(&total),
        "0→1000/s over 4 s is 2,000 arrivals, got {total}"
    );
    // The rate rises: each second carries more arrivals than the one before.
    let per_s: Vec<u32> = r
        .timeline
        .iter()
        .take(4)
        .map(|s| s.sent + s.dropped)
        .collect();
    assert!(per_s.windows(2).all(|w| w[0] < w[1]), "{per_s:?}");
}

/// wrk2's classic demonstration. The target freezes for the last 400 ms of every 2 s; loadlab
/// sends 500/s on one connection, queueing arrivals while it is busy (`overload = "queue"`).
///
/// Analytic latency from the intended start: a fifth of the arrivals (400/2000 ms) fall into a
/// freeze, each waiting until it ends — uniform over 0–400 ms — plus a short drain of the queue
/// behind it. So P(latency > x) ≈ 0.2 · (400 − x)/400 and p99 is where that equals 1%:
/// x = 400 · (1 − 0.05) = 380 ms. Service time (from actual send) sees the freeze only for the one
/// request in flight when each freeze starts: its p99 stays at the fast path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_counts_from_the_intended_start_so_a_stall_cannot_hide() {
    let demo = start_demo(DemoTargetConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let r = run_in_process(
        dir.path(),
        r#"
name = "stall"
target = "demo"
[http]
connections = 1
[[request]]
name = "stall"
path = "/stall?period_ms=2000&stall_ms=400"
[load]
model = "open"
overload = "queue"
[[load.stage]]
name = "steady"
duration = "10s"
rate = 500
"#,
        &demo.url,
    )
    .await;
    let s = r.summary(None, None);
    let analytic_us = 380_000.0;
    let p99 = s.latency.percentile(99.0) as f64;
    assert!(
        (p99 - analytic_us).abs() / analytic_us <= 0.20,
        "latency p99 {p99} µs vs analytic {analytic_us} µs"
    );
    let service_p99 = s.service_time.percentile(99.0);
    assert!(
        service_p99 < 20_000,
        "service time p99 {service_p99} µs should stay near the fast path"
    );
    assert_eq!(arrivals(&r), 5_000, "queued arrivals are still all served");
    assert!(r.generator.bottleneck, "a queueing generator is flagged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samples_belong_to_the_stage_of_their_intended_start() {
    let demo = start_demo(DemoTargetConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let r = run_in_process(
        dir.path(),
        r#"
name = "stages"
target = "demo"
[[request]]
name = "slowish"
path = "/delay?ms=20"
[load]
model = "open"
[[load.stage]]
name = "a"
duration = "2s"
rate = 200
[[load.stage]]
name = "b"
duration = "2s"
rate = 400
warmup = "1s"
[[load.stage]]
name = "c"
duration = "1s"
rate = 100
"#,
        &demo.url,
    )
    .await;
    let count = |i: usize| -> u64 {
        let st = &r.stages[i];
        st.requests
            .iter()
            .chain(&st.warmup)
            .map(|q| q.outcomes.values().map(|o| o.count).sum::<u64>() + q.dropped)
            .sum()
    };
    // Arrivals are planned exactly, and a 20 ms request intended at the end of a stage still
    // counts in that stage although it completes in the next.
    assert_eq!((count(0), count(1), count(2)), (400, 800, 100));
    assert_eq!(arrivals(&r), 1_300);
    let warm: u64 = r.stages[1]
        .warmup
        .iter()
        .map(|q| q.outcomes.values().map(|o| o.count).sum::<u64>() + q.dropped)
        .sum();
    assert_eq!(warm, 400, "stage b's first second is its warm-up");
    assert_eq!(r.stages[1].measured_s, 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_model_users_follow_the_stages() {
    let demo = start_demo(DemoTargetConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let r = run_in_process(
        dir.path(),
        r#"
name = "closed"
target = "demo"
[[request]]
name = "d"
path = "/delay?ms=10"
[load]
model = "closed"
think_time = "10ms"
[[load.stage]]
name = "two"
duration = "2s"
users = 2
[[load.stage]]
name = "eight"
duration = "2s"
users = 8
"#,
        &demo.url,
    )
    .await;
    let a = r.stages[0].summary(None).sent as f64;
    let b = r.stages[1].summary(None).sent as f64;
    // Each user loops every ~20 ms (10 ms response + 10 ms think): 4× the users, ~4× the requests.
    assert!(
        a > 100.0 && b > 3.0 * a && b < 5.0 * a,
        "2 users: {a}, 8 users: {b}"
    );
    assert_eq!(r.generator.in_flight_cap_hits, 0);
    assert!(r.timeline.iter().all(|s| s.in_flight_max <= 8));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_cleartext_with_prior_knowledge() {
    let demo = start_demo(DemoTargetConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let r = run_in_process(
        dir.path(),
        r#"
name = "h2c"
target = "demo"
[http]
version = "2"
connections = 2
max_in_flight = 64
[[request]]
name = "fast"
path = "/fast"
[load]
model = "open"
[[load.stage]]
name = "s"
duration = "2s"
rate = 500
"#,
        &demo.url,
    )
    .await;
    let s = r.summary(None, None);
    assert_eq!((s.ok, s.errors), (1_000, 0));
    assert_eq!(r.scenario.http_version, "HTTP/2");
    assert!(
        r.generator.connections_opened <= 2,
        "streams share connections: {}",
        r.generator.connections_opened
    );
    assert_eq!(demo.counters.requests_total(), 1_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_the_scenarios_own_ca_over_http1_and_http2() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    let demo = start_demo(DemoTargetConfig {
        tls: Some(TlsSetup::SelfSigned {
            ca_pem_out: ca.clone(),
        }),
        ..DemoTargetConfig::default()
    })
    .await;
    for version in ["1.1", "2"] {
        let r = run_in_process(
            dir.path(),
            &format!(
                r#"
name = "tls"
target = "https://localhost:1"
[http]
version = "{version}"
[http.tls]
ca = "ca.pem"
[[request]]
name = "fast"
path = "/fast"
[load]
model = "open"
[[load.stage]]
name = "s"
duration = "1s"
rate = 200
"#
            ),
            &demo.url,
        )
        .await;
        let s = r.summary(None, None);
        assert_eq!((s.ok, s.errors), (200, 0), "HTTP {version} over TLS");
    }
}

#[test]
fn every_bundled_scenario_parses_and_validates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let env = |name: &str| Some(format!("value-of-{name}"));
            let text = std::fs::read_to_string(&path).unwrap();
            loadlab::scenario::load_from_str(&path, &text, &env).unwrap_or_else(|e| panic!("{e}"));
            seen += 1;
        }
    }
    assert!(seen >= 3, "scenarios/ holds the demo and examples");
}
