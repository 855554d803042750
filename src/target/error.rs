//! Errors of the demo target, worded for the person who started it: what failed, on which
//! address or file, and what to try instead.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the demo target could not start or keep serving.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("cannot bind {addr}: {}", describe_bind_error(.source))]
    Bind { addr: SocketAddr, source: io::Error },

    #[error("cannot read the address the demo target is bound to: {0}")]
    LocalAddr(#[source] io::Error),

    #[error("demo target: delay_scale must be a finite number >= 0, got {0}")]
    InvalidDelayScale(f64),

    #[error(
        "demo target: limited_workers must be at least 1 (it is the number of permits of /limited)"
    )]
    NoLimitedWorkers,

    #[error("cannot generate the self-signed TLS certificates of the demo target: {0}")]
    Certificate(#[from] rcgen::Error),

    #[error("cannot build the TLS configuration of the demo target: {0}")]
    Tls(#[from] rustls::Error),

    #[error("cannot write the demo target's CA certificate to {}: {source}", path.display())]
    WriteCa { path: PathBuf, source: io::Error },

    #[error("the demo target on {addr} stopped accepting connections: {source}")]
    Accept { addr: SocketAddr, source: io::Error },
}

fn describe_bind_error(err: &io::Error) -> String {
    let hint = match err.kind() {
        io::ErrorKind::PermissionDenied => {
            "permission denied (ports below 1024 need privileges; use a higher port, or 0 for any free port)"
        }
        io::ErrorKind::AddrInUse => {
            "address already in use (another process listens there; pick another port, or 0 for any free port)"
        }
        io::ErrorKind::AddrNotAvailable => {
            "address not available (no local interface has this IP; try 127.0.0.1)"
        }
        _ => return err.to_string(),
    };
    hint.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_errors_say_what_to_do() {
        let addr: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let err = TargetError::Bind {
            addr,
            source: io::Error::from(io::ErrorKind::PermissionDenied),
        };
        assert!(err
            .to_string()
            .starts_with("cannot bind 127.0.0.1:80: permission denied (ports below 1024"));
        let other = TargetError::Bind {
            addr,
            source: io::Error::other("boom"),
        };
        assert_eq!(other.to_string(), "cannot bind 127.0.0.1:80: boom");
    }
}
