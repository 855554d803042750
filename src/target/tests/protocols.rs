//! Protocols and lifecycle: h2c prior knowledge, TLS with ALPN `h2` and `http/1.1` verified
//! against the written CA, and graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, StatusCode, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::ServerName;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::client::{connect, get, read_reply, request, send_h1, send_h2, start, start_default};
use crate::target::{DemoTargetConfig, TlsSetup};

#[tokio::test]
async fn h2c_prior_knowledge() {
    let t = start_default().await;
    let uri = format!("http://{}/fast", t.addr);
    let reply = send_h2(
        connect(t.addr).await,
        request(Method::GET, &uri, Bytes::new()),
    )
    .await;
    assert_eq!(
        (reply.status, reply.version),
        (StatusCode::OK, Version::HTTP_2)
    );
    assert_eq!(reply.text(), "ok");
    t.stop().await.expect("clean stop");
}

#[tokio::test]
async fn h2_streams_are_concurrent_on_one_connection() {
    let t = start_default().await;
    let io = TokioIo::new(connect(t.addr).await);
    let (sender, conn) = hyper::client::conn::http2::handshake(TokioExecutor::new(), io)
        .await
        .expect("h2c handshake");
    tokio::spawn(conn);
    let begin = Instant::now();
    let uri = format!("http://{}/delay?ms=200", t.addr);
    let streams: Vec<_> = (0..10)
        .map(|_| {
            let mut sender = sender.clone();
            let req = request(Method::GET, &uri, Bytes::new());
            tokio::spawn(async move {
                read_reply(sender.send_request(req).await.expect("h2 response")).await
            })
        })
        .collect();
    for stream in streams {
        assert_eq!(stream.await.expect("stream task").status, StatusCode::OK);
    }
    // Serial would take 2 s.
    assert!(
        begin.elapsed() < Duration::from_millis(1500),
        "{:?}",
        begin.elapsed()
    );
    assert_eq!(t.counters.requests_total(), 10);
    t.stop().await.expect("clean stop");
}

async fn tls_target() -> (
    super::client::Running,
    tempfile::TempDir,
    std::path::PathBuf,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_pem_out = dir.path().join("demo-ca.pem");
    let t = start(DemoTargetConfig {
        tls: Some(TlsSetup::SelfSigned {
            ca_pem_out: ca_pem_out.clone(),
        }),
        ..DemoTargetConfig::default()
    })
    .await;
    (t, dir, ca_pem_out)
}

/// Connects with only the written CA as trust root, offering one ALPN protocol.
async fn tls_connect(
    addr: SocketAddr,
    ca_pem: &std::path::Path,
    server_name: &str,
    alpn: &[u8],
) -> TlsStream<tokio::net::TcpStream> {
    let pem = std::fs::read(ca_pem).expect("the CA PEM was written");
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
        roots
            .add(cert.expect("PEM certificate"))
            .expect("CA accepted");
    }
    assert_eq!(roots.len(), 1);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![alpn.to_vec()];
    let name = ServerName::try_from(server_name.to_string()).expect("server name");
    let tls = TlsConnector::from(Arc::new(config))
        .connect(name, connect(addr).await)
        .await
        .expect("TLS handshake verifies against the demo CA");
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(alpn));
    tls
}

#[tokio::test]
async fn tls_with_alpn_h2() {
    let (t, _dir, ca) = tls_target().await;
    let tls = tls_connect(t.addr, &ca, "localhost", b"h2").await;
    let uri = format!("https://localhost:{}/fast", t.addr.port());
    let reply = send_h2(tls, request(Method::GET, &uri, Bytes::new())).await;
    assert_eq!(
        (reply.status, reply.version),
        (StatusCode::OK, Version::HTTP_2)
    );
    t.stop().await.expect("clean stop");
}

#[tokio::test]
async fn tls_with_alpn_http11_and_an_ip_name() {
    let (t, _dir, ca) = tls_target().await;
    let tls = tls_connect(t.addr, &ca, "127.0.0.1", b"http/1.1").await;
    let mut req = request(Method::GET, "/status?code=201&body=tls", Bytes::new());
    req.headers_mut()
        .insert(http::header::HOST, "127.0.0.1".parse().unwrap());
    let reply = send_h1(tls, req).await;
    assert_eq!(
        (reply.status, reply.version),
        (StatusCode::CREATED, Version::HTTP_11)
    );
    assert_eq!(reply.text(), "tls");
    t.stop().await.expect("clean stop");
}

#[tokio::test]
async fn shutdown_finishes_in_flight_requests_then_refuses() {
    let t = start_default().await;
    let addr = t.addr;
    let in_flight = tokio::spawn(get(addr, "/delay?ms=300"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while t.counters.in_flight() == 0 {
        assert!(Instant::now() < deadline, "request never arrived");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    // An idle keep-alive connection must not hold the shutdown up.
    let _idle = connect(addr).await;
    t.cancel();
    let reply = in_flight.await.expect("request task");
    assert_eq!(reply.status, StatusCode::OK);
    let begin = Instant::now();
    t.stop().await.expect("serve returns Ok after cancellation");
    assert!(begin.elapsed() < Duration::from_secs(5));
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still accepting"
    );
}
