//! Opening connections to the target: TCP (+ TLS) + the HTTP/1.1 or HTTP/2 handshake, with
//! failures classified into outcomes.

use super::tls::client_config;
use crate::metrics::Outcome;
use crate::scenario::{HttpPlan, HttpVersion};
use bytes::Bytes;
use http::Uri;
use http_body_util::Full;
use hyper::client::conn::{http1, http2};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

pub type RequestBody = Full<Bytes>;

/// A ready-to-use sender on one connection.
pub enum Sender {
    H1(http1::SendRequest<RequestBody>),
    H2(http2::SendRequest<RequestBody>),
}

impl Sender {
    pub fn is_closed(&self) -> bool {
        match self {
            Sender::H1(s) => s.is_closed(),
            Sender::H2(s) => s.is_closed(),
        }
    }
}

/// Everything needed to open a connection; shared by one engine thread's workers.
pub struct Connector {
    addr: SocketAddr,
    tls: Option<(TlsConnector, ServerName<'static>)>,
    version: HttpVersion,
    connect_timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    #[error("target URL {0} has no host")]
    NoHost(String),
    #[error("cannot resolve {host}: {message}")]
    Resolve { host: String, message: String },
    #[error("invalid TLS server name {0:?}")]
    ServerName(String),
    #[error(transparent)]
    Tls(#[from] super::tls::TlsSetupError),
}

/// A failed attempt to connect, with the outcome it counts as and a reason for people.
#[derive(Debug)]
pub struct ConnectFailure {
    pub outcome: Outcome,
    pub reason: String,
}

impl Connector {
    /// Resolves the target's address once; every connection of the run goes to it.
    pub async fn new(target: &Uri, http: &HttpPlan) -> Result<Connector, ConnectorError> {
        let host = target
            .host()
            .ok_or_else(|| ConnectorError::NoHost(target.to_string()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let https = target.scheme_str() == Some("https");
        let port = target.port_u16().unwrap_or(if https { 443 } else { 80 });
        let addr = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| ConnectorError::Resolve {
                host: host.clone(),
                message: e.to_string(),
            })?
            .next()
            .ok_or_else(|| ConnectorError::Resolve {
                host: host.clone(),
                message: "no addresses".into(),
            })?;
        let tls = if https {
            let config = client_config(&http.tls, http.version)?;
            let name = http.tls.sni.clone().unwrap_or_else(|| host.clone());
            let server_name =
                ServerName::try_from(name.clone()).map_err(|_| ConnectorError::ServerName(name))?;
            Some((TlsConnector::from(config), server_name))
        } else {
            None
        };
        Ok(Connector {
            addr,
            tls,
            version: http.version,
            connect_timeout: http.connect_timeout,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Opens one connection and spawns its driver on the current `LocalSet`.
    pub async fn connect(&self) -> Result<Sender, ConnectFailure> {
        let tcp = tokio::time::timeout(self.connect_timeout, TcpStream::connect(self.addr))
            .await
            .map_err(|_| ConnectFailure {
                outcome: Outcome::Connect,
                reason: format!("connect to {} timed out", self.addr),
            })?
            .map_err(|e| ConnectFailure {
                outcome: Outcome::Connect,
                reason: format!("connect to {}: {e}", self.addr),
            })?;
        let _ = tcp.set_nodelay(true);
        match &self.tls {
            None => self.handshake(TokioIo::new(tcp)).await,
            Some((connector, name)) => {
                let stream = tokio::time::timeout(
                    self.connect_timeout,
                    connector.connect(name.clone(), tcp),
                )
                .await
                .map_err(|_| ConnectFailure {
                    outcome: Outcome::Tls,
                    reason: "TLS handshake timed out".into(),
                })?
                .map_err(|e| ConnectFailure {
                    outcome: Outcome::Tls,
                    reason: format!("TLS handshake: {e}"),
                })?;
                self.handshake(TokioIo::new(stream)).await
            }
        }
    }

    async fn handshake<IO>(&self, io: IO) -> Result<Sender, ConnectFailure>
    where
        IO: hyper::rt::Read + hyper::rt::Write + Unpin + 'static,
    {
        let failed = |e: hyper::Error| ConnectFailure {
            outcome: Outcome::Protocol,
            reason: format!("HTTP handshake: {e}"),
        };
        match self.version {
            HttpVersion::Http1 => {
                let (sender, conn) = http1::handshake(io).await.map_err(failed)?;
                tokio::task::spawn_local(async move {
                    let _ = conn.await;
                });
                Ok(Sender::H1(sender))
            }
            HttpVersion::Http2 => {
                let (sender, conn) = http2::Builder::new(LocalExec)
                    .timer(hyper_util::rt::TokioTimer::new())
                    .handshake(io)
                    .await
                    .map_err(failed)?;
                tokio::task::spawn_local(async move {
                    let _ = conn.await;
                });
                Ok(Sender::H2(sender))
            }
        }
    }
}

/// HTTP/2 background work (stream tasks) runs on the engine thread's `LocalSet`.
#[derive(Clone, Copy)]
struct LocalExec;

impl<F> hyper::rt::Executor<F> for LocalExec
where
    F: std::future::Future + 'static,
{
    fn execute(&self, fut: F) {
        tokio::task::spawn_local(fut);
    }
}

/// Checks the target answers a TCP (and TLS) connection before any load starts.
pub async fn preflight(connector: &Connector) -> Result<(), String> {
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async { connector.connect().await.map(drop).map_err(|f| f.reason) })
        .await
}
