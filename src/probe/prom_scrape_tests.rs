use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::probe::test_server::{serve, Reply};

const PAGE: &str = "# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.5
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 1e+07
# TYPE go_goroutines gauge
go_goroutines 12
# TYPE http_requests_total counter
http_requests_total{code=\"200\"} 100
http_requests_total{code=\"500\"} 2
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile=\"0.5\"} 0.001
go_gc_duration_seconds_sum 0.5
go_gc_duration_seconds_count 40
# TYPE rpc_latency_seconds histogram
rpc_latency_seconds_bucket{le=\"+Inf\"} 3
rpc_latency_seconds_sum 0.3
rpc_latency_seconds_count 3
unrelated_thing 7
";

fn recorded(selectors: &[SeriesSelector]) -> Vec<MetricSeries> {
    let families = parse_text(PAGE).expect("page");
    let mut store = SeriesStore::new(100, 100);
    record(&mut store, 0.0, &families, selectors);
    store.into_series()
}

fn ids(series: &[MetricSeries]) -> Vec<String> {
    series.iter().map(MetricSeries::id).collect()
}

#[test]
fn default_selection_keeps_process_and_request_series() {
    let series = recorded(&[]);
    assert_eq!(
        ids(&series),
        [
            "process_cpu_seconds_total",
            "process_resident_memory_bytes",
            "go_goroutines",
            "http_requests_total{code=\"200\"}",
            "http_requests_total{code=\"500\"}",
        ]
    );
    assert_eq!(series[0].kind, SeriesKind::Counter);
    assert_eq!(series[0].unit_hint.as_deref(), Some("seconds"));
    assert_eq!(series[1].points, vec![[0.0, 1e7]]);
    assert_eq!(series[2].kind, SeriesKind::Gauge);
}

#[test]
fn explicit_selectors_and_kinds_of_parts() {
    let selectors: Vec<SeriesSelector> = [
        "http_requests_total{code=\"500\"}",
        "go_gc_duration_seconds",
        "go_gc_duration_seconds_count",
        "rpc_latency_seconds_bucket",
        "unrelated_thing",
    ]
    .iter()
    .map(|s| SeriesSelector::parse(s).expect("selector"))
    .collect();
    let series = recorded(&selectors);
    let kinds: Vec<(String, SeriesKind)> = series.iter().map(|s| (s.id(), s.kind)).collect();
    assert_eq!(
        kinds,
        [
            (
                "http_requests_total{code=\"500\"}".to_string(),
                SeriesKind::Counter
            ),
            (
                "go_gc_duration_seconds{quantile=\"0.5\"}".to_string(),
                SeriesKind::Gauge
            ),
            (
                "go_gc_duration_seconds_count".to_string(),
                SeriesKind::Counter
            ),
            (
                "rpc_latency_seconds_bucket{le=\"+Inf\"}".to_string(),
                SeriesKind::Counter
            ),
            ("unrelated_thing".to_string(), SeriesKind::Other),
        ]
    );
}

/// A clock that ticks one second per scrape, so rates are exact.
fn step_clock() -> impl Fn() -> f64 {
    let calls = AtomicUsize::new(0);
    move || calls.fetch_add(1, Ordering::SeqCst) as f64
}

/// Cancels `cancel` once `server_hits` reaches `n` (or after 5 s).
fn cancel_after_hits(hits: Arc<AtomicUsize>, n: usize, cancel: CancellationToken) {
    tokio::spawn(async move {
        let deadline = Instant::now() + Duration::from_secs(5);
        while hits.load(Ordering::SeqCst) < n && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        cancel.cancel();
    });
}

#[tokio::test]
async fn loop_scrapes_until_cancelled_with_counter_reset_rates() {
    let values = [10.0, 20.0, 5.0, 15.0];
    let hits = Arc::new(AtomicUsize::new(0));
    let served = hits.clone();
    let server = serve(move |_| {
        let i = served.fetch_add(1, Ordering::SeqCst).min(values.len() - 1);
        Reply::ok(format!(
            "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {}\ngo_goroutines {}\n",
            values[i],
            i + 1
        ))
    })
    .await;
    let spec = ScrapeSpec::new(server.url("/metrics"), Duration::from_millis(30));
    let cancel = CancellationToken::new();
    // The 5th request proves the 4th scrape was recorded.
    cancel_after_hits(hits.clone(), 5, cancel.clone());
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        scrape_loop(spec, step_clock(), cancel),
    )
    .await
    .expect("loop ends when cancelled");
    assert!(
        result.scrapes_ok >= 4 && result.scrapes_failed == 0,
        "{result:?}"
    );
    assert_eq!(result.url, format!("http://{}/metrics", server.addr));
    let cpu = &result.series[0];
    assert_eq!(cpu.name, "process_cpu_seconds_total");
    let rates = cpu.rate_points.as_ref().expect("rates");
    assert_eq!(
        &rates[..3],
        &[[1.0, 10.0], [2.0, 5.0], [3.0, 10.0]],
        "the reset counts 5, not -15"
    );
    assert!(rates.iter().all(|r| r[1] >= 0.0));
    assert_eq!(
        &cpu.points[..4],
        &[[0.0, 10.0], [1.0, 20.0], [2.0, 5.0], [3.0, 15.0]]
    );
    assert_eq!(
        server.requests()[0].headers["accept"],
        "text/plain;version=0.0.4;q=1,*/*;q=0.1"
    );
}

#[tokio::test]
async fn failed_scrapes_are_counted_with_the_last_error() {
    let hits = Arc::new(AtomicUsize::new(0));
    let served = hits.clone();
    let server = serve(move |_| match served.fetch_add(1, Ordering::SeqCst) {
        0 => Reply::status(503, "unavailable"),
        1 => Reply::ok("go_goroutines 3\n"),
        _ => Reply::ok("ok 1\nbroken{ 2\n"),
    })
    .await;
    let cancel = CancellationToken::new();
    cancel_after_hits(hits.clone(), 4, cancel.clone());
    let spec = ScrapeSpec::new(server.url("/metrics"), Duration::from_millis(20));
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        scrape_loop(spec, step_clock(), cancel),
    )
    .await
    .expect("loop ends");
    assert_eq!(result.scrapes_ok, 1);
    assert!(result.scrapes_failed >= 2);
    let error = result.last_error.expect("error");
    assert!(
        error.contains("invalid Prometheus text format: line 2"),
        "{error}"
    );
    assert_eq!(result.series.len(), 1);
}

#[tokio::test]
async fn cancelling_between_scrapes_takes_one_last_scrape() {
    let server = serve(|_| {
        Reply::ok("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 2.5\n")
    })
    .await;
    // Cancelled before the first tick: the loop's only scrape is the last one, at once.
    let spec = ScrapeSpec::new(server.url("/metrics"), Duration::from_secs(60));
    let cancel = CancellationToken::new();
    cancel.cancel();
    let result = tokio::time::timeout(Duration::from_secs(10), scrape_loop(spec, || 7.0, cancel))
        .await
        .expect("loop ends after the last scrape");
    assert_eq!(
        (result.scrapes_ok, result.scrapes_failed),
        (1, 0),
        "{result:?}"
    );
    assert_eq!(result.series[0].points, vec![[7.0, 2.5]]);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_scrape_in_flight_at_cancellation_is_kept() {
    let server = serve(|_| {
        Reply::ok("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 4\n")
            .delay(Duration::from_millis(300))
    })
    .await;
    let spec = ScrapeSpec::new(server.url("/metrics"), Duration::from_secs(60));
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let seen = server.seen.clone();
    tokio::spawn(async move {
        while seen.lock().map_or(0, |r| r.len()) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        trigger.cancel();
    });
    let result = tokio::time::timeout(Duration::from_secs(10), scrape_loop(spec, || 3.0, cancel))
        .await
        .expect("loop ends after the scrape in flight");
    assert_eq!(
        (result.scrapes_ok, result.scrapes_failed),
        (1, 0),
        "{result:?}"
    );
    assert_eq!(result.series[0].points, vec![[3.0, 4.0]]);
}

#[tokio::test]
async fn cancellation_interrupts_a_hanging_scrape() {
    let server = serve(|_| Reply::ok("go_goroutines 1\n").delay(Duration::from_secs(5))).await;
    let mut spec = ScrapeSpec::new(server.url("/metrics"), Duration::from_secs(1));
    spec.timeout = Duration::from_secs(10);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        trigger.cancel();
    });
    let started = Instant::now();
    let result = scrape_loop(spec, || 0.0, cancel).await;
    // Cancelled at 100 ms; the scrape in flight gets LAST_SCRAPE_GRACE (1 s), not its 10 s.
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!((result.scrapes_ok, result.scrapes_failed), (0, 0));
}

#[tokio::test]
async fn unreachable_target_counts_failures() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url: Uri = format!("http://{}/metrics", listener.local_addr().expect("addr"))
        .parse()
        .expect("url");
    drop(listener);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        trigger.cancel();
    });
    let result = scrape_loop(
        ScrapeSpec::new(url, Duration::from_millis(20)),
        || 0.0,
        cancel,
    )
    .await;
    assert!(result.scrapes_failed >= 2, "{result:?}");
    assert!(
        result
            .last_error
            .as_deref()
            .is_some_and(|e| e.ends_with("failed: connection refused")),
        "{result:?}"
    );
    let json = serde_json::to_value(&result).expect("json");
    assert_eq!(json["scrapes_ok"], 0);
    assert_eq!(json["series"], serde_json::json!([]));
}
