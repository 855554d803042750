//! The engine's TLS settings from the scenario's `[http.tls]`: ALPN offers only the configured
//! HTTP version.

use crate::scenario::{HttpVersion, TlsPlan};
use rustls::ClientConfig;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("cannot read CA file {path}: {source}")]
    ReadCa {
        path: String,
        source: std::io::Error,
    },
    #[error("CA file {path}: {message}")]
    BadCa { path: String, message: String },
}

pub fn client_config(
    tls: &TlsPlan,
    version: HttpVersion,
) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let ca_pem = match &tls.ca {
        None => None,
        Some(path) => {
            Some(
                std::fs::read_to_string(path).map_err(|source| TlsSetupError::ReadCa {
                    path: path.display().to_string(),
                    source,
                })?,
            )
        }
    };
    let alpn: &[&[u8]] = match version {
        HttpVersion::Http1 => &[b"http/1.1"],
        HttpVersion::Http2 => &[b"h2"],
    };
    crate::tls::client_config(tls.insecure, ca_pem.as_deref(), alpn).map_err(|message| {
        TlsSetupError::BadCa {
            path: tls
                .ca
                .as_ref()
                .map_or_else(|| "(system roots)".to_string(), |p| p.display().to_string()),
            message,
        }
    })
}
