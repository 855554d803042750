//! `/metrics` over HTTP: the exact request counts a load generator compares with, and the
//! exclusions (`/metrics` itself, `/debug/pprof/*`).

use http::StatusCode;

use super::client::start_default;
use crate::target::Endpoint;

fn value<'a>(text: &'a str, series: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
}

#[tokio::test]
async fn counters_are_exact() {
    let t = start_default().await;
    for _ in 0..3 {
        assert_eq!(t.get("/fast").await.status, StatusCode::OK);
    }
    t.get("/delay?ms=1").await;
    t.get("/delay?ms=1").await;
    assert_eq!(t.get("/delay?ms=abc").await.status, StatusCode::BAD_REQUEST);
    t.get("/status?code=503").await;
    assert_eq!(t.get("/nope").await.status, StatusCode::NOT_FOUND);
    // Not counted:
    t.get("/metrics").await;
    t.get("/debug/pprof/heap").await;

    let reply = t.get("/metrics").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; version=0.0.4")
    );
    let text = reply.text();
    assert!(text.ends_with('\n'));
    for (series, expected) in [
        ("loadlab_demo_requests_total{path=\"/fast\"}", "3"),
        ("loadlab_demo_requests_total{path=\"/delay\"}", "3"),
        ("loadlab_demo_requests_total{path=\"/status\"}", "1"),
        ("loadlab_demo_requests_total{path=\"other\"}", "1"),
        ("loadlab_demo_requests_total{path=\"/cpu\"}", "0"),
        ("loadlab_demo_requests_all_total", "8"),
        ("loadlab_demo_in_flight", "0"),
    ] {
        assert_eq!(value(text, series), Some(expected), "{series} in\n{text}");
    }
    for family in [
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_start_time_seconds",
    ] {
        let v: f64 = value(text, family)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{family} in\n{text}"));
        assert!(v > 0.0, "{family} = {v}");
        assert!(text.contains(&format!("# HELP {family} ")));
    }
    assert_eq!(t.counters.requests_total(), 8);
    assert_eq!(t.counters.requests(Endpoint::Fast), 3);
    assert_eq!(t.counters.in_flight(), 0);
    t.stop().await.expect("clean stop");
}
