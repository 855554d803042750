//! Endpoints whose point is time: delays (with `delay_scale`), the periodic stall window, and
//! the concurrency-limited endpoint's queueing.

use std::time::{Duration, Instant};

use http::StatusCode;

use super::client::{get, start, start_default};
use crate::target::stall::window_end;
use crate::target::DemoTargetConfig;

async fn timed(t: &super::client::Running, path: &str) -> Duration {
    let begin = Instant::now();
    let reply = t.get(path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    begin.elapsed()
}

#[tokio::test]
async fn delay_lasts_at_least_what_was_asked() {
    let t = start_default().await;
    assert!(timed(&t, "/delay?ms=50").await >= Duration::from_millis(50));
    assert!(timed(&t, "/delay?ms=0.5").await >= Duration::from_micros(500));
    assert!(timed(&t, "/delay?ms=20&jitter_ms=10").await >= Duration::from_millis(20));
    assert!(timed(&t, "/delay?ms=0").await < Duration::from_secs(5));
    t.stop().await.expect("clean stop");
}

#[tokio::test]
async fn delay_scale_multiplies_delays() {
    let t = start(DemoTargetConfig {
        delay_scale: 2.0,
        ..DemoTargetConfig::default()
    })
    .await;
    assert!(timed(&t, "/delay?ms=30").await >= Duration::from_millis(60));
    assert!(timed(&t, "/limited?ms=25").await >= Duration::from_millis(50));
    t.stop().await.expect("clean stop");
}

/// Sleeps until the next instant whose offset from `origin` is `phase` modulo `period`.
async fn sleep_until_phase(origin: Instant, period: Duration, phase: Duration) -> Instant {
    let period_ns = period.as_nanos();
    let now_offset = origin.elapsed().as_nanos();
    let mut target = now_offset / period_ns * period_ns + phase.as_nanos();
    if target <= now_offset {
        target += period_ns;
    }
    let when =
        origin + Duration::from_nanos(u64::try_from(target).expect("test offsets are small"));
    tokio::time::sleep_until(tokio::time::Instant::from_std(when)).await;
    when
}

#[tokio::test]
async fn stall_holds_requests_until_the_window_ends() {
    let t = start_default().await;
    let (period, stall) = (Duration::from_millis(400), Duration::from_millis(200));
    let path = "/stall?period_ms=400&stall_ms=200";

    // 30 ms into the window [200, 400): the reply cannot come before the window's end.
    let sent = sleep_until_phase(t.started_at, period, Duration::from_millis(230)).await;
    let end = window_end(sent - t.started_at, period, stall).expect("inside the window");
    assert_eq!(end.as_nanos() % period.as_nanos(), 0);
    timed(&t, path).await;
    let answered = Instant::now();
    assert!(
        answered >= t.started_at + end,
        "answered before the stall window ended"
    );
    assert!(
        answered < t.started_at + end + Duration::from_millis(300),
        "answered long after the window"
    );

    // 20 ms into a period: outside the window, no wait (a stall would last until 400 ms).
    sleep_until_phase(t.started_at, period, Duration::from_millis(20)).await;
    assert!(timed(&t, path).await < Duration::from_millis(300));

    // `ms` is slept after the window (and outside it).
    sleep_until_phase(t.started_at, period, Duration::from_millis(20)).await;
    assert!(
        timed(&t, "/stall?period_ms=400&stall_ms=200&ms=40").await >= Duration::from_millis(40)
    );
    t.stop().await.expect("clean stop");
}

#[tokio::test]
async fn limited_endpoint_serializes_on_its_permits() {
    let t = start(DemoTargetConfig {
        limited_workers: 1,
        ..DemoTargetConfig::default()
    })
    .await;
    let begin = Instant::now();
    let requests: Vec<_> = (0..10)
        .map(|_| tokio::spawn(get(t.addr, "/limited?ms=20")))
        .collect();
    for request in requests {
        let reply = request.await.expect("request task");
        assert_eq!(reply.status, StatusCode::OK);
    }
    let elapsed = begin.elapsed();
    // 1 permit x 20 ms: the 10th request cannot finish before 200 ms (180 with timer slack).
    assert!(elapsed >= Duration::from_millis(180), "{elapsed:?}");
    t.stop().await.expect("clean stop");
}
