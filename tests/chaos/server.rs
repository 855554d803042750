//! A misbehaving HTTP/1.1 server on loopback: raw TCP, so it can break the protocol in ways a
//! real HTTP library would refuse to. The request path picks the misbehaviour (see [`Mode`]);
//! [`ChaosServer::refuse_for`] closes the listener for a while and re-binds the same port.
//!
//! It runs on its own thread and runtime so that a test's load generator, running in the same
//! process, cannot starve it (and the other way round).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// What the server does with a request, chosen by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `/ok`: a well-formed 200, connection kept alive.
    Ok,
    /// `/reset-before`: read the request, then reset the connection (RST) without a byte.
    ResetBefore,
    /// `/reset-mid-body`: headers promising 1,000 bytes, 100 of them, then RST.
    ResetMidBody,
    /// `/never`: read the request and never answer (the connection stays open).
    Never,
    /// `/slow`: a well-formed answer after 2 s (longer than the tests' request timeout).
    Slow,
    /// `/trickle`: a 20-byte body, one byte every 10 ms.
    Trickle,
    /// `/bad-status`: a malformed status line (`HTTP/1.1 2OO OK`).
    BadStatus,
    /// `/bad-headers`: a header line without a colon.
    BadHeaders,
    /// `/long-body`: `Content-Length: 5` followed by 16 bytes; the connection is kept.
    LongBody,
    /// `/short-body`: `Content-Length: 100`, 10 bytes, then a clean close (FIN).
    ShortBody,
    /// `/huge-body`: `Content-Length: 5000000000`; zeros until the client goes away.
    HugeBody,
    /// `/close`: a well-formed 200 with `Connection: close`, then close.
    Close,
}

impl Mode {
    pub fn path(self) -> &'static str {
        match self {
            Mode::Ok => "/ok",
            Mode::ResetBefore => "/reset-before",
            Mode::ResetMidBody => "/reset-mid-body",
            Mode::Never => "/never",
            Mode::Slow => "/slow",
            Mode::Trickle => "/trickle",
            Mode::BadStatus => "/bad-status",
            Mode::BadHeaders => "/bad-headers",
            Mode::LongBody => "/long-body",
            Mode::ShortBody => "/short-body",
            Mode::HugeBody => "/huge-body",
            Mode::Close => "/close",
        }
    }

    const ALL: [Mode; 12] = [
        Mode::Ok,
        Mode::ResetBefore,
        Mode::ResetMidBody,
        Mode::Never,
        Mode::Slow,
        Mode::Trickle,
        Mode::BadStatus,
        Mode::BadHeaders,
        Mode::LongBody,
        Mode::ShortBody,
        Mode::HugeBody,
        Mode::Close,
    ];

    fn from_path(path: &str) -> Mode {
        let path = path.split('?').next().unwrap_or(path);
        Mode::ALL
            .into_iter()
            .find(|m| m.path() == path)
            .unwrap_or(Mode::Ok)
    }
}

/// What the server saw, for assertions.
#[derive(Debug, Default)]
pub struct ChaosCounters {
    pub connections: AtomicU64,
    pub requests: AtomicU64,
}

/// A running chaos server; stops when dropped.
pub struct ChaosServer {
    addr: SocketAddr,
    counters: Arc<ChaosCounters>,
    control: mpsc::UnboundedSender<Duration>,
    shutdown: CancellationToken,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ChaosServer {
    /// Binds 127.0.0.1 on a free port and serves on a thread of its own.
    pub fn start() -> ChaosServer {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("chaos server binds");
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let counters = Arc::new(ChaosCounters::default());
        let (control, requests) = mpsc::unbounded_channel();
        let shutdown = CancellationToken::new();
        let (c, s) = (counters.clone(), shutdown.clone());
        let thread = std::thread::Builder::new()
            .name("chaos-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    let listener = TcpListener::from_std(std_listener).unwrap();
                    serve(listener, addr, c, requests, s).await;
                });
            })
            .unwrap();
        ChaosServer {
            addr,
            counters,
            control,
            shutdown,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn counters(&self) -> &ChaosCounters {
        &self.counters
    }

    /// Closes the listener and every open connection (as a restarting service would), refuses
    /// connections for `period`, then listens on the same port again.
    pub fn refuse_for(&self, period: Duration) {
        self.control.send(period).expect("chaos server is running");
    }
}

impl Drop for ChaosServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn serve(
    mut listener: TcpListener,
    addr: SocketAddr,
    counters: Arc<ChaosCounters>,
    mut control: mpsc::UnboundedReceiver<Duration>,
    shutdown: CancellationToken,
) {
    // Connections are children of a generation token: a refusal period ends them all.
    let mut generation = shutdown.child_token();
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            Some(period) = control.recv() => {
                drop(listener);
                generation.cancel();
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(period) => {}
                }
                listener = rebind(addr).await;
                generation = shutdown.child_token();
            }
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                counters.connections.fetch_add(1, Ordering::Relaxed);
                let (c, g) = (counters.clone(), generation.clone());
                tokio::spawn(async move {
                    tokio::select! {
                        _ = g.cancelled() => {}
                        _ = connection(stream, c) => {}
                    }
                });
            }
        }
    }
}

/// The port was ours a moment ago; retry briefly in case the kernel still holds it.
async fn rebind(addr: SocketAddr) -> TcpListener {
    for _ in 0..100 {
        if let Ok(l) = TcpListener::bind(addr).await {
            return l;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("chaos server cannot re-bind {addr}");
}

/// Serves requests on one connection until the mode, or the client, ends it.
async fn connection(mut stream: TcpStream, counters: Arc<ChaosCounters>) {
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::with_capacity(4096);
    loop {
        let Some(path) = read_request(&mut stream, &mut buf).await else {
            return;
        };
        counters.requests.fetch_add(1, Ordering::Relaxed);
        let keep_going = respond(&mut stream, Mode::from_path(&path)).await;
        if !keep_going {
            return;
        }
    }
}

/// Reads one request head (GET, no body) and returns its path; `None` at EOF or on error.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<String> {
    loop {
        if let Some(end) = find(buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            buf.drain(..end + 4);
            return head.split_whitespace().nth(1).map(str::to_string);
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Answers per `mode`; false when the connection must end.
async fn respond(stream: &mut TcpStream, mode: Mode) -> bool {
    const OK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\nok";
    let written = match mode {
        Mode::Ok => stream.write_all(OK).await,
        Mode::ResetBefore => return reset(stream),
        Mode::ResetMidBody => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n")
                .await;
            let _ = stream.write_all(&[b'x'; 100]).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            return reset(stream);
        }
        Mode::Never => {
            // Hold the connection until the client gives up.
            let mut sink = [0u8; 1024];
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
            return false;
        }
        Mode::Slow => {
            tokio::time::sleep(Duration::from_secs(2)).await;
            stream.write_all(OK).await
        }
        Mode::Trickle => trickle(stream).await,
        Mode::BadStatus => {
            stream
                .write_all(b"HTTP/1.1 2OO OK\r\ncontent-length: 2\r\n\r\nok")
                .await
        }
        Mode::BadHeaders => {
            stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\nthis line is not a header\r\ncontent-length: 2\r\n\r\nok",
                )
                .await
        }
        Mode::LongBody => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello, and more")
                .await
        }
        Mode::ShortBody => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789")
                .await;
            let _ = stream.shutdown().await;
            return false;
        }
        Mode::HugeBody => {
            let _ = huge_body(stream).await;
            return false;
        }
        Mode::Close => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .await;
            let _ = stream.shutdown().await;
            return false;
        }
    };
    written.is_ok()
}

/// Drops the connection with a TCP reset (SO_LINGER 0) instead of a clean close.
fn reset(stream: &mut TcpStream) -> bool {
    let _ = stream.set_zero_linger();
    false
}

async fn trickle(stream: &mut TcpStream) -> std::io::Result<()> {
    stream
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\n")
        .await?;
    for _ in 0..20 {
        stream.write_all(b"z").await?;
        stream.flush().await?;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

/// Declares 5 GB and streams zeros until the client closes the connection.
async fn huge_body(stream: &mut TcpStream) -> std::io::Result<()> {
    stream
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 5000000000\r\n\r\n")
        .await?;
    let zeros = vec![0u8; 64 * 1024];
    let mut left: u64 = 5_000_000_000;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        stream.write_all(&zeros[..n]).await?;
        left -= n as u64;
    }
    Ok(())
}
