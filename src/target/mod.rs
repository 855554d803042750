//! The built-in demo target: an HTTP/1.1 and HTTP/2 service with tunable endpoints (fixed and
//! jittered delays, CPU work, chosen statuses and sizes, a periodic global stall, a
//! concurrency-limited endpoint, echo), a Go-compatible `/debug/pprof/profile` and a Prometheus
//! `/metrics`. It is what `loadlab run scenarios/demo.toml` and the in-process tests drive.
//!
//! [`DemoTarget::bind`] validates the configuration, binds, and prepares TLS;
//! [`DemoTarget::serve`] runs the accept loop until the cancellation token fires. Cleartext
//! connections speak HTTP/1.1 or HTTP/2 with prior knowledge (h2c) on the same port; over TLS,
//! ALPN chooses. The endpoint semantics are documented in `routes`, `stall` and `cpu`.

mod conn;
mod counters;
mod cpu;
mod error;
mod params;
mod pprof_endpoint;
mod process_stats;
mod prom_metrics;
mod response;
mod routes;
pub mod stall;
mod tls;

#[cfg(test)]
mod tests;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

pub use counters::{DemoCounters, Endpoint};
pub use cpu::demo_cpu_burn;
pub use error::TargetError;

/// How the demo target is started.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoTargetConfig {
    /// Where to listen; `127.0.0.1:0` picks a free port (see [`DemoTarget::local_addr`]).
    pub addr: SocketAddr,
    /// Multiplies every delay (`/delay`, `/stall`'s `ms`, `/limited`'s hold time); finite, >= 0.
    pub delay_scale: f64,
    /// Permits of `/limited`: its capacity is `limited_workers * 1000 / ms` requests per second.
    pub limited_workers: usize,
    /// `None` serves cleartext (HTTP/1.1 and h2c prior knowledge on one port).
    pub tls: Option<TlsSetup>,
}

impl Default for DemoTargetConfig {
    fn default() -> Self {
        DemoTargetConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            delay_scale: 1.0,
            limited_workers: 1,
            tls: None,
        }
    }
}

/// TLS for the demo target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsSetup {
    /// A fresh CA and a leaf for `localhost`, `127.0.0.1` and `::1`; the CA certificate is
    /// written as PEM to `ca_pem_out`. ALPN offers `h2`, then `http/1.1`.
    SelfSigned { ca_pem_out: PathBuf },
}

/// State shared by every connection and request of one demo target.
struct Shared {
    counters: Arc<DemoCounters>,
    delay_scale: f64,
    limited: Semaphore,
    /// Origin of the `/stall` windows.
    started: tokio::time::Instant,
    /// `process_start_time_seconds`.
    start_time_seconds: f64,
}

impl Shared {
    /// Sleeps `ms * delay_scale` milliseconds (tokio timers have 1 ms resolution, so a
    /// sub-millisecond delay lasts until the next millisecond tick: never less than asked).
    async fn sleep_ms(&self, ms: f64) {
        let secs = ms * self.delay_scale / 1000.0;
        if secs > 0.0 {
            let duration = Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX);
            tokio::time::sleep(duration).await;
        }
    }
}

/// A bound, not yet serving, demo target.
pub struct DemoTarget {
    listener: TcpListener,
    local_addr: SocketAddr,
    tls: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    started_at: Instant,
}

impl std::fmt::Debug for DemoTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoTarget")
            .field("local_addr", &self.local_addr)
            .field("tls", &self.tls.is_some())
            .finish_non_exhaustive()
    }
}

impl DemoTarget {
    /// Checks the configuration, binds the listener and, for TLS, generates the certificates
    /// and writes the CA PEM. The `/stall` clock starts here.
    pub async fn bind(config: DemoTargetConfig) -> Result<DemoTarget, TargetError> {
        if !config.delay_scale.is_finite() || config.delay_scale < 0.0 {
            return Err(TargetError::InvalidDelayScale(config.delay_scale));
        }
        if config.limited_workers == 0 {
            return Err(TargetError::NoLimitedWorkers);
        }
        let listener =
            TcpListener::bind(config.addr)
                .await
                .map_err(|source| TargetError::Bind {
                    addr: config.addr,
                    source,
                })?;
        let local_addr = listener.local_addr().map_err(TargetError::LocalAddr)?;
        let tls = match &config.tls {
            None => None,
            Some(TlsSetup::SelfSigned { ca_pem_out }) => {
                Some(tls::self_signed_acceptor(ca_pem_out).await?)
            }
        };
        let started_at = Instant::now();
        let shared = Arc::new(Shared {
            counters: Arc::default(),
            delay_scale: config.delay_scale,
            limited: Semaphore::new(config.limited_workers.min(Semaphore::MAX_PERMITS)),
            started: tokio::time::Instant::from_std(started_at),
            start_time_seconds: process_stats::process_start_time_seconds(SystemTime::now()),
        });
        Ok(DemoTarget {
            listener,
            local_addr,
            tls,
            shared,
            started_at,
        })
    }

    /// The address actually bound (the chosen port when the configuration asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The live request counters, also readable after `serve` has consumed the target.
    pub fn counters(&self) -> Arc<DemoCounters> {
        Arc::clone(&self.shared.counters)
    }

    /// The origin of the `/stall` windows: a window covers the last `stall_ms` of every
    /// `period_ms` counted from this instant.
    pub fn started_at(&self) -> Instant {
        self.started_at
    }

    /// Serves until `shutdown` is cancelled, then stops accepting, asks open connections to
    /// finish their current requests, and waits for them at most [`SHUTDOWN_GRACE`].
    ///
    /// Fails only when `accept` fails in a way that retrying cannot fix.
    pub async fn serve(self, shutdown: CancellationToken) -> Result<(), TargetError> {
        conn::accept_loop(self, shutdown).await
    }
}

/// How long `serve` waits for open connections after the shutdown token fires.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
