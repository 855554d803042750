//! The accept loop and one task per connection: TCP_NODELAY, the optional TLS handshake, and
//! hyper-util's auto builder (HTTP/1.1 with keep-alive, or HTTP/2 when the connection opens with
//! the HTTP/2 preface, which covers both h2c prior knowledge and ALPN `h2`).

use std::io;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use super::{routes, DemoTarget, Shared, TargetError, SHUTDOWN_GRACE};

/// A client that has not finished the TLS handshake by then is dropped.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Pause after an accept error that may go away (e.g. out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

type Builder = auto::Builder<TokioExecutor>;

/// HTTP/1.1 with keep-alive and HTTP/2, both with a tokio timer. hyper's 30 s header-read
/// timeout is off: it arms a boxed timer per request (about 4% of the server's CPU samples on
/// `/fast`; the throughput difference was within run-to-run noise), and the demo target serves
/// loopback load generators, not untrusted clients.
fn http_builder() -> Builder {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .keep_alive(true)
        .timer(TokioTimer::new())
        .header_read_timeout(None)
        .http2()
        .timer(TokioTimer::new());
    builder
}

pub(super) async fn accept_loop(
    target: DemoTarget,
    shutdown: CancellationToken,
) -> Result<(), TargetError> {
    let DemoTarget {
        listener,
        local_addr,
        tls,
        shared,
        ..
    } = target;
    let builder = Arc::new(http_builder());
    // Connections listen on a child token, so that a fatal accept error can close them without
    // cancelling the caller's token.
    let close_connections = shutdown.child_token();
    let mut connections = JoinSet::new();
    let outcome = loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break Ok(()),
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(connection(
                        stream,
                        tls.clone(),
                        Arc::clone(&builder),
                        Arc::clone(&shared),
                        close_connections.clone(),
                    ));
                }
                Err(err) if is_transient(&err) => {
                    shared.counters.accept_error();
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
                Err(source) => break Err(TargetError::Accept { addr: local_addr, source }),
            },
        }
    };
    drop(listener);
    // Connections saw the token (or, after a fatal accept error, are told now) and finish
    // their in-flight requests; whatever is still open after the grace period is aborted.
    close_connections.cancel();
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, drained).await.is_err() {
        connections.shutdown().await;
    }
    outcome
}

/// Accept errors that concern one connection or a passing resource shortage.
fn is_transient(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    ) || matches!(
        err.raw_os_error(),
        Some(
            libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM | libc::EPROTO | libc::EPERM
        )
    )
}

async fn connection(
    stream: TcpStream,
    tls: Option<TlsAcceptor>,
    builder: Arc<Builder>,
    shared: Arc<Shared>,
    shutdown: CancellationToken,
) {
    // Without NODELAY small responses wait for Nagle; failing to set it is not worth a
    // dropped connection, the response is still correct.
    let _ = stream.set_nodelay(true);
    match tls {
        None => http(&builder, TokioIo::new(stream), shared, &shutdown).await,
        Some(acceptor) => {
            let handshake = tokio::select! {
                () = shutdown.cancelled() => return,
                hs = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)) => hs,
            };
            // A failed or slow handshake is the client's problem; drop the connection.
            if let Ok(Ok(tls_stream)) = handshake {
                http(&builder, TokioIo::new(tls_stream), shared, &shutdown).await;
            }
        }
    }
}

/// Serves HTTP on one connection until the peer closes it or shutdown completes it gracefully.
async fn http<I>(
    builder: &Builder,
    io: TokioIo<I>,
    shared: Arc<Shared>,
    shutdown: &CancellationToken,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service =
        service_fn(move |req: hyper::Request<Incoming>| routes::serve(Arc::clone(&shared), req));
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    // Connection errors (resets, malformed requests) end this connection only; hyper already
    // answered what could be answered.
    tokio::select! {
        _ = conn.as_mut() => {}
        () = shutdown.cancelled() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
