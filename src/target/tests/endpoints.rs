//! Status codes and bodies of every endpoint, and the 400s for bad parameters.

use http::{Method, StatusCode};

use super::client::{request, send_h1_to, start_default};
use crate::target::demo_cpu_burn;

#[tokio::test]
async fn fast_unknown_paths_and_methods() {
    let t = start_default().await;
    let fast = t.get("/fast").await;
    assert_eq!((fast.status, fast.text()), (StatusCode::OK, "ok"));
    assert_eq!(t.get("/fast?seq=17&x").await.status, StatusCode::OK);
    assert_eq!(t.get("/nope").await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/fast/").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get("/debug/pprof/heap").await.status,
        StatusCode::NOT_FOUND
    );

    let post = send_h1_to(t.addr, request(Method::POST, "/fast", "x")).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    let head = send_h1_to(t.addr, request(Method::HEAD, "/fast", "")).await;
    assert_eq!(head.status, StatusCode::OK);
    t.stop().await.expect("clean stop");
}

#[tokio::test]
async fn bad_parameters_get_400_with_a_short_reason() {
    let t = start_default().await;
    for (path, name) in [
        ("/delay?ms=abc", "ms"),
        ("/delay?ms=-1", "ms"),
        ("/delay?ms=10&jitter_ms=inf", "jitter_ms"),
        ("/cpu?work=lots", "work"),
        ("/cpu?work=1000000000000", "work"),
        ("/status?code=42", "code"),
        ("/status?code=503&body=%zz", "body"),
        ("/payload?bytes=67108865", "bytes"),
        ("/stall?period_ms=100&stall_ms=200", "stall_ms"),
        ("/stall?period_ms=0", "period_ms"),
        ("/limited?ms=NaN", "ms"),
    ] {
        let reply = t.get(path).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        let text = reply.text();
        assert!(
            text.starts_with(&format!("bad query parameter {name}=")),
            "{path}: {text}"
        );
        assert!(text.ends_with('\n') && text.len() < 200, "{path}: {text}");
    }
    t.stop().await.expect("clean stop");
}

#[tokio::test]
async fn cpu_returns_the_deterministic_result() {
    let t = start_default().await;
    let reply = t.get("/cpu?work=1000").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), demo_cpu_burn(1000).to_string());
    let default = t.get("/cpu").await;
    assert_eq!(default.text(), demo_cpu_burn(10_000).to_string());
    t.stop().await.expect("clean stop");
}

#[tokio::test]
async fn status_echoes_code_and_body_verbatim() {
    let t = start_default().await;
    let reply = t
        .get("/status?code=503&body=%3Cscript%3Ealert(1)%3C%2Fscript%3E+%26amp;")
        .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.text(), "<script>alert(1)</script> &amp;");
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );

    let teapot = t.get("/status?code=418").await;
    assert_eq!((teapot.status.as_u16(), teapot.text()), (418, ""));
    let no_content = t.get("/status?code=204&body=ignored").await;
    assert_eq!(no_content.status, StatusCode::NO_CONTENT);
    assert!(no_content.body.is_empty());
    assert_eq!(t.get("/status").await.status, StatusCode::OK);
    t.stop().await.expect("clean stop");
}

#[tokio::test]
async fn payload_has_the_requested_size() {
    let t = start_default().await;
    for (path, len) in [
        ("/payload?bytes=1024", 1024),
        ("/payload", 1024),
        ("/payload?bytes=0", 0),
        ("/payload?bytes=1048576", 1 << 20),
    ] {
        let reply = t.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(reply.body.len(), len, "{path}");
        assert_eq!(
            reply.header("content-length"),
            Some(len.to_string().as_str())
        );
    }
    t.stop().await.expect("clean stop");
}

#[tokio::test]
async fn echo_returns_the_body_for_any_method() {
    let t = start_default().await;
    for method in [Method::POST, Method::PUT, Method::GET] {
        let mut req = request(method.clone(), "/echo", "hello, demo");
        req.headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        let reply = send_h1_to(t.addr, req).await;
        assert_eq!(reply.status, StatusCode::OK, "{method}");
        assert_eq!(reply.text(), "hello, demo");
        assert_eq!(reply.header("x-echo-len"), Some("11"));
        assert_eq!(reply.header("content-type"), Some("application/json"));
    }
    let empty = send_h1_to(t.addr, request(Method::POST, "/echo", "")).await;
    assert_eq!(empty.header("x-echo-len"), Some("0"));
    t.stop().await.expect("clean stop");
}
