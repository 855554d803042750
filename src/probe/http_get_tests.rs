use std::time::{Duration, Instant};

use super::*;
use crate::probe::test_server::{serve, serve_tls, Reply};

const T: Duration = Duration::from_secs(5);

fn hdr(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

#[tokio::test]
async fn get_returns_status_headers_body_and_sends_headers() {
    let server = serve(|_| Reply::ok("hello").header("x-test", "yes")).await;
    let url = server.url("/metrics?x=1");
    let response = http_get(
        &url,
        &[hdr("Authorization", "Bearer t")],
        &ProbeTls::default(),
        T,
    )
    .await
    .expect("get");
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers["x-test"], "yes");
    assert_eq!(&response.body[..], b"hello");
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path_and_query, "/metrics?x=1");
    assert_eq!(seen[0].headers["authorization"], "Bearer t");
    assert_eq!(seen[0].headers["host"], server.addr.to_string());
}

#[tokio::test]
async fn error_statuses_are_data() {
    let server = serve(|_| Reply::status(404, "404 page not found\n")).await;
    let response = http_get(&server.url("/nope"), &[], &ProbeTls::default(), T)
        .await
        .expect("get");
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(response.body_excerpt(100), "404 page not found");
}

#[tokio::test]
async fn slow_server_times_out_promptly() {
    let server = serve(|_| Reply::ok("late").delay(Duration::from_secs(3))).await;
    let started = Instant::now();
    let err = http_get(
        &server.url("/slow"),
        &[],
        &ProbeTls::default(),
        Duration::from_millis(200),
    )
    .await
    .expect_err("timeout");
    assert!(matches!(err, ProbeError::Timeout { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(err.to_string().contains("timed out after 200ms"), "{err}");
}

#[tokio::test]
async fn refused_connection_is_reported_with_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let url: Uri = format!("http://127.0.0.1:{port}/metrics")
        .parse()
        .expect("url");
    let err = http_get(&url, &[], &ProbeTls::default(), T)
        .await
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!("GET http://127.0.0.1:{port}/metrics failed: connection refused")
    );
}

#[tokio::test]
async fn bad_inputs_are_errors_not_panics() {
    let tls = ProbeTls::default();
    let url: Uri = "ftp://127.0.0.1/x".parse().expect("url");
    let err = http_get(&url, &[], &tls, T).await.expect_err("scheme");
    assert!(matches!(err, ProbeError::InvalidUrl { .. }), "{err}");
    let url: Uri = "/relative".parse().expect("url");
    assert!(matches!(
        http_get(&url, &[], &tls, T).await,
        Err(ProbeError::InvalidUrl { .. })
    ));
    let url: Uri = "http://127.0.0.1:1/".parse().expect("url");
    let err = http_get(&url, &[hdr("bad name", "v")], &tls, T)
        .await
        .expect_err("header");
    assert!(matches!(err, ProbeError::InvalidHeader { .. }), "{err}");
    let err = http_get(&url, &[hdr("x-secret", "a\nb")], &tls, T)
        .await
        .expect_err("value");
    assert!(
        !err.to_string().contains("a\nb"),
        "never echo header values: {err}"
    );
}

#[test]
fn display_url_hides_user_info() {
    let url: Uri = "https://user:pw@example.com:8443/debug/pprof/profile?seconds=5"
        .parse()
        .expect("url");
    assert_eq!(
        display_url(&url),
        "https://example.com:8443/debug/pprof/profile?seconds=5"
    );
}

#[tokio::test]
async fn https_verifies_unless_insecure_and_accepts_an_extra_ca() {
    let server = serve_tls(|_| Reply::ok("secure")).await;
    let url = server.url("/metrics");

    let err = http_get(&url, &[], &ProbeTls::default(), T)
        .await
        .expect_err("self-signed");
    assert!(matches!(err, ProbeError::Tls { .. }), "{err}");

    let insecure = ProbeTls {
        insecure: true,
        ca_pem: None,
    };
    let response = http_get(&url, &[], &insecure, T)
        .await
        .expect("insecure get");
    assert_eq!(&response.body[..], b"secure");

    let with_ca = ProbeTls {
        insecure: false,
        ca_pem: server.cert_pem.clone(),
    };
    let response = http_get(&url, &[], &with_ca, T).await.expect("ca get");
    assert_eq!(response.status, StatusCode::OK);
}
