use std::time::Duration;

use prost::Message;

use super::*;
use crate::probe::test_profiles::{encode_gz, pprof_rs_profile_gz, Builder};
use crate::probe::test_server::{serve, Reply};

const GO_BUSY: &str = "Could not enable CPU profiling: cpu profiling already in use\n";

fn spec(url: Uri, kind: ProfileKind) -> CaptureSpec {
    CaptureSpec {
        timeout: Some(Duration::from_secs(5)),
        ..CaptureSpec::new(url, kind, 1)
    }
}

#[tokio::test]
async fn captures_a_real_gzipped_cpu_profile() {
    let served = pprof_rs_profile_gz().to_vec();
    let body = served.clone();
    let server =
        serve(move |_| Reply::ok(body.clone()).header("content-type", "application/octet-stream"))
            .await;
    let spec = spec(server.url("/debug/pprof/profile"), ProfileKind::Cpu);
    let captured = capture_profile(&spec).await.expect("capture");
    assert_eq!(
        server.requests()[0].path_and_query,
        "/debug/pprof/profile?seconds=1"
    );
    assert_eq!(captured.raw_gz, served, "kept as served");
    assert_eq!(captured.summary.kind, ProfileKind::Cpu);
    assert_eq!(captured.summary.sample_type, "cpu");
    assert!(captured.summary.total_value > 0 && !captured.summary.top.is_empty());
    let folded_total: u64 = captured.folded.iter().map(|(_, v)| v).sum();
    assert_eq!(folded_total, captured.summary.total_value);
    assert!(captured.started_at <= captured.ended_at);
}

#[tokio::test]
async fn raw_protobuf_is_stored_gzipped() {
    let mut b = Builder::cpu();
    b.ticks(&["main", "work"], 5);
    let raw = b.build().encode_to_vec();
    let body = raw.clone();
    let server = serve(move |_| Reply::ok(body.clone())).await;
    let captured = capture_profile(&spec(server.url("/debug/pprof/profile"), ProfileKind::Cpu))
        .await
        .expect("capture");
    assert_eq!(&captured.raw_gz[..2], &[0x1f, 0x8b]);
    let again = crate::probe::decode_profile(&captured.raw_gz).expect("decode stored");
    assert_eq!(again.encode_to_vec(), raw);
    assert_eq!(captured.folded, vec![("main;work".to_string(), 50_000_000)]);
}

#[tokio::test]
async fn go_busy_answer_is_busy_with_the_body_as_reason() {
    let server = serve(|_| {
        Reply::status(500, GO_BUSY)
            .header("x-go-pprof", "1")
            .header("content-type", "text/plain; charset=utf-8")
    })
    .await;
    let failure = capture_profile(&spec(server.url("/debug/pprof/profile"), ProfileKind::Cpu))
        .await
        .expect_err("busy");
    match &failure {
        CaptureFailure::Busy { reason, .. } => {
            assert!(reason.contains("cpu profiling already in use"), "{reason}")
        }
        other => panic!("expected busy, got {other:?}"),
    }
    assert!(failure.is_retryable());
    let json = serde_json::to_value(&failure).expect("json");
    assert_eq!(json["failure"], "busy");
}

#[tokio::test]
async fn other_statuses_keep_a_short_body() {
    let long = format!(
        "profile duration exceeds server's WriteTimeout{}",
        " ".repeat(10) + &"x".repeat(1000)
    );
    let server = serve(move |_| Reply::status(400, long.clone())).await;
    let failure = capture_profile(&spec(server.url("/debug/pprof/profile"), ProfileKind::Cpu))
        .await
        .expect_err("400");
    match failure {
        CaptureFailure::Status { status, body, .. } => {
            assert_eq!(status, 400);
            assert!(
                body.starts_with("profile duration exceeds") && body.len() < 400,
                "{body}"
            );
        }
        other => panic!("expected status, got {other:?}"),
    }
}

#[tokio::test]
async fn slow_endpoint_times_out() {
    let server = serve(|_| Reply::ok("late").delay(Duration::from_secs(3))).await;
    let mut spec = spec(server.url("/debug/pprof/profile"), ProfileKind::Cpu);
    spec.timeout = Some(Duration::from_millis(200));
    let failure = capture_profile(&spec).await.expect_err("timeout");
    assert!(
        matches!(
            failure,
            CaptureFailure::Timeout {
                timeout_ms: 200,
                ..
            }
        ),
        "{failure:?}"
    );
}

#[tokio::test]
async fn refused_and_undecodable_are_distinct() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url: Uri = format!(
        "http://{}/debug/pprof/heap",
        listener.local_addr().expect("addr")
    )
    .parse()
    .expect("url");
    drop(listener);
    let failure = capture_profile(&spec(url, ProfileKind::Heap))
        .await
        .expect_err("refused");
    assert!(
        matches!(&failure, CaptureFailure::Connect { reason, .. } if reason == "connection refused"),
        "{failure:?}"
    );

    let server = serve(|_| Reply::ok("<html>pprof index</html>")).await;
    let failure = capture_profile(&spec(server.url("/debug/pprof/heap"), ProfileKind::Heap))
        .await
        .expect_err("html");
    assert!(
        matches!(failure, CaptureFailure::Decode { .. }),
        "{failure:?}"
    );
    assert!(!failure.is_retryable());
}

#[tokio::test]
async fn heap_is_a_snapshot_using_inuse_space() {
    let mut b = Builder::new(&[("alloc_space", "bytes"), ("inuse_space", "bytes")]);
    b.stack(&["main", "cache_fill"], &[4096, 2048]);
    let body = encode_gz(&b.build());
    let server = serve(move |_| Reply::ok(body.clone())).await;
    let captured = capture_profile(&spec(
        server.url("/debug/pprof/heap?gc=1"),
        ProfileKind::Heap,
    ))
    .await
    .expect("heap");
    assert_eq!(
        server.requests()[0].path_and_query,
        "/debug/pprof/heap?gc=1"
    );
    assert_eq!(
        (
            captured.summary.sample_type.as_str(),
            captured.summary.total_value
        ),
        ("inuse_space", 2048)
    );
}

#[tokio::test]
async fn zero_seconds_cpu_is_rejected_before_any_request() {
    let url: Uri = "http://127.0.0.1:1/debug/pprof/profile"
        .parse()
        .expect("url");
    let spec = CaptureSpec::new(url, ProfileKind::Cpu, 0);
    assert!(matches!(
        capture_profile(&spec).await,
        Err(CaptureFailure::Invalid { .. })
    ));
}

#[test]
fn profile_url_sets_seconds_for_cpu_only() {
    let url: Uri = "http://h:6060/debug/pprof/profile?seconds=30&debug=0"
        .parse()
        .expect("url");
    assert_eq!(
        profile_url(&url, ProfileKind::Cpu, 5)
            .expect("cpu")
            .to_string(),
        "http://h:6060/debug/pprof/profile?debug=0&seconds=5"
    );
    let heap: Uri = "http://h/debug/pprof/heap".parse().expect("url");
    assert_eq!(
        profile_url(&heap, ProfileKind::Heap, 5).expect("heap"),
        heap
    );
}

#[test]
fn default_timeouts() {
    let url: Uri = "http://h/debug/pprof/profile".parse().expect("url");
    assert_eq!(
        CaptureSpec::new(url.clone(), ProfileKind::Cpu, 30).timeout(),
        Duration::from_secs(45)
    );
    assert_eq!(
        CaptureSpec::new(url.clone(), ProfileKind::Cpu, 2).timeout(),
        Duration::from_secs(7)
    );
    assert_eq!(
        CaptureSpec::new(url.clone(), ProfileKind::Goroutine, 30).timeout(),
        Duration::from_secs(10)
    );
    let forever = CaptureSpec::new(url, ProfileKind::Cpu, u64::MAX).timeout();
    assert_eq!(forever, Duration::MAX, "no overflow");
}
