//! Test helpers: start and stop a demo target, and send one request over a fresh HTTP/1.1 or
//! HTTP/2 connection with hyper's low-level client, with a timeout on everything.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode, Version};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::target::{DemoCounters, DemoTarget, DemoTargetConfig, TargetError};

/// Upper bound for one request in a test (the longest tested request takes about 1 s).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// A demo target serving on a background task; cancelled when dropped.
pub struct Running {
    pub addr: SocketAddr,
    pub counters: Arc<DemoCounters>,
    pub started_at: Instant,
    token: CancellationToken,
    task: Option<JoinHandle<Result<(), TargetError>>>,
}

pub async fn start(config: DemoTargetConfig) -> Running {
    let target = DemoTarget::bind(config)
        .await
        .expect("bind the demo target");
    let token = CancellationToken::new();
    Running {
        addr: target.local_addr(),
        counters: target.counters(),
        started_at: target.started_at(),
        token: token.clone(),
        task: Some(tokio::spawn(target.serve(token))),
    }
}

pub async fn start_default() -> Running {
    start(DemoTargetConfig::default()).await
}

impl Running {
    /// Cancels and waits for `serve` to return (bounded).
    pub async fn stop(mut self) -> Result<(), TargetError> {
        self.token.cancel();
        let task = self.task.take().expect("stop is called once");
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .expect("serve returns within the grace period")
            .expect("serve task does not panic")
    }

    /// Cancels without waiting.
    pub fn cancel(&self) {
        self.token.cancel();
    }

    pub async fn get(&self, path_and_query: &str) -> Reply {
        get(self.addr, path_and_query).await
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

/// A fully read response.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub version: Version,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8 body")
    }
}

pub fn request(method: Method, uri: &str, body: impl Into<Bytes>) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(uri)
        .body(Full::new(body.into()))
        .expect("valid test request")
}

/// GET over a new cleartext HTTP/1.1 connection.
pub async fn get(addr: SocketAddr, path_and_query: &str) -> Reply {
    send_h1_to(addr, request(Method::GET, path_and_query, Bytes::new())).await
}

pub async fn send_h1_to(addr: SocketAddr, mut req: Request<Full<Bytes>>) -> Reply {
    let host = http::HeaderValue::from_str(&addr.to_string()).expect("host header");
    req.headers_mut().insert(http::header::HOST, host);
    send_h1(connect(addr).await, req).await
}

pub async fn connect(addr: SocketAddr) -> TcpStream {
    tokio::time::timeout(REQUEST_TIMEOUT, TcpStream::connect(addr))
        .await
        .expect("connect in time")
        .expect("connect to the demo target")
}

/// One request over HTTP/1.1 on `io`.
pub async fn send_h1<I>(io: I, req: Request<Full<Bytes>>) -> Reply
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let exchange = async {
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
            .await
            .expect("HTTP/1.1 handshake");
        tokio::spawn(conn);
        read_reply(sender.send_request(req).await.expect("HTTP/1.1 response")).await
    };
    tokio::time::timeout(REQUEST_TIMEOUT, exchange)
        .await
        .expect("HTTP/1.1 request in time")
}

/// One request over HTTP/2 on `io` (prior knowledge, or after ALPN h2). `req` needs an absolute
/// URI.
pub async fn send_h2<I>(io: I, req: Request<Full<Bytes>>) -> Reply
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let exchange = async {
        let (mut sender, conn) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(io))
                .await
                .expect("HTTP/2 handshake");
        tokio::spawn(conn);
        read_reply(sender.send_request(req).await.expect("HTTP/2 response")).await
    };
    tokio::time::timeout(REQUEST_TIMEOUT, exchange)
        .await
        .expect("HTTP/2 request in time")
}

pub async fn read_reply(response: http::Response<hyper::body::Incoming>) -> Reply {
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("read the body").to_bytes();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body,
        version: parts.version,
    }
}
