//! TLS settings for probe requests and the rustls client configuration built from them:
//! native roots (plus an optional extra CA), or no verification at all when `insecure`.

use std::sync::{Arc, OnceLock};

use rustls::ClientConfig;
use serde::{Deserialize, Serialize};

/// How probe requests verify the server's certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeTls {
    /// Skip certificate verification entirely (self-signed test targets).
    #[serde(default)]
    pub insecure: bool,
    /// Extra trusted CA certificates, PEM-encoded, added to the native roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
}

impl ProbeTls {
    /// The rustls client configuration for these settings (HTTP/1.1 ALPN). The default
    /// configuration (native roots only) is built once and shared.
    pub(crate) fn client_config(&self) -> Result<Arc<ClientConfig>, String> {
        if !self.insecure && self.ca_pem.is_none() {
            static DEFAULT: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
            return DEFAULT.get_or_init(|| build_config(self)).clone();
        }
        build_config(self)
    }
}

fn build_config(tls: &ProbeTls) -> Result<Arc<ClientConfig>, String> {
    crate::tls::client_config(tls.insecure, tls.ca_pem.as_deref(), &[b"http/1.1"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insecure_config_builds() {
        let tls = ProbeTls {
            insecure: true,
            ca_pem: None,
        };
        let config = tls.client_config().expect("config");
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }

    #[test]
    fn garbage_ca_is_rejected() {
        let tls = ProbeTls {
            insecure: false,
            ca_pem: Some("not a pem".into()),
        };
        let err = tls.client_config().expect_err("no cert");
        assert!(err.contains("no certificate"), "{err}");
    }
}
