//! `/debug/pprof/profile`: a real capture that decodes and names `demo_cpu_burn`, and Go's 500
//! contract for a concurrent capture. The profiler is process-wide, so these tests take turns.

use std::io::Read as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{Method, StatusCode};
use pprof::protos::Message as _;

use super::client::{connect, get, read_reply, request, start_default};
use crate::target::pprof_endpoint;

/// Serializes the tests that use the process-wide profiler.
static PROFILER_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capture_decodes_and_shows_demo_cpu_burn() {
    let _turn = PROFILER_TURN.lock().await;
    let t = start_default().await;
    let addr = t.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let burner = tokio::spawn({
        let stop = Arc::clone(&stop);
        async move {
            let io = hyper_util::rt::TokioIo::new(connect(addr).await);
            let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
                .await
                .expect("handshake");
            tokio::spawn(conn);
            let deadline = Instant::now() + Duration::from_secs(20);
            let mut served = 0u32;
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                sender
                    .ready()
                    .await
                    .expect("keep-alive connection stays up");
                let req = request(Method::GET, "/cpu?work=200000", "");
                let reply = read_reply(sender.send_request(req).await.expect("cpu reply")).await;
                assert_eq!(reply.status, StatusCode::OK);
                served += 1;
            }
            served
        }
    });

    let reply = get(addr, "/debug/pprof/profile?seconds=1").await;
    stop.store(true, Ordering::Relaxed);
    let served = burner.await.expect("burner task");
    assert!(served > 0);
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(
        reply.header("content-disposition"),
        Some("attachment; filename=\"profile\"")
    );
    assert_eq!(&reply.body[..2], &[0x1f, 0x8b], "gzip magic");

    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(&reply.body[..])
        .read_to_end(&mut raw)
        .expect("gunzip");
    let profile = pprof::protos::Profile::decode(raw.as_slice()).expect("profile.proto");
    assert_eq!(profile.period, 10_000_000, "100 Hz");
    assert!(!profile.sample.is_empty());
    let name_of = |idx: i64| {
        usize::try_from(idx)
            .ok()
            .and_then(|i| profile.string_table.get(i))
            .map_or("", String::as_str)
    };
    assert!(
        profile
            .function
            .iter()
            .any(|f| name_of(f.name).contains("demo_cpu_burn")),
        "no demo_cpu_burn among {} functions",
        profile.function.len()
    );
    t.stop().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_capture_gets_go_500() {
    let _turn = PROFILER_TURN.lock().await;
    let t = start_default().await;
    let first = tokio::spawn(get(t.addr, "/debug/pprof/profile?seconds=1"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while !pprof_endpoint::capture_running() {
        assert!(Instant::now() < deadline, "first capture did not start");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let second = t.get("/debug/pprof/profile?seconds=1").await;
    assert_eq!(second.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        second.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(second.header("x-go-pprof"), Some("1"));
    assert_eq!(second.header("content-disposition"), None);
    assert_eq!(
        second.text(),
        "Could not enable CPU profiling: cpu profiling already in use\n"
    );

    let first = first.await.expect("first capture task");
    assert_eq!(first.status, StatusCode::OK);
    assert!(!pprof_endpoint::capture_running());
    // Captures are not counted as demo requests.
    assert_eq!(t.counters.requests_total(), 0);
    t.stop().await.expect("clean stop");
}
