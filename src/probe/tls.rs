//! TLS settings for probe requests and the rustls client configuration built from them:
//! native roots (plus an optional extra CA), or no verification at all when `insecure`.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
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

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn build_config(tls: &ProbeTls) -> Result<Arc<ClientConfig>, String> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let mut config = if tls.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification(provider())))
            .with_no_client_auth()
    } else {
        builder
            .with_root_certificates(roots(tls.ca_pem.as_deref())?)
            .with_no_client_auth()
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn roots(ca_pem: Option<&str>) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    // Unreadable system stores are not fatal: an explicit CA may still be enough.
    let native = rustls_native_certs::load_native_certs();
    store.add_parsable_certificates(native.certs);
    if let Some(pem) = ca_pem {
        let mut reader = std::io::BufReader::new(pem.as_bytes());
        let mut added = 0;
        for cert in rustls_pemfile::certs(&mut reader) {
            let cert = cert.map_err(|e| format!("invalid CA PEM: {e}"))?;
            store
                .add(cert)
                .map_err(|e| format!("invalid CA certificate: {e}"))?;
            added += 1;
        }
        if added == 0 {
            return Err("the CA PEM contains no certificate".into());
        }
    }
    if store.is_empty() {
        return Err("no trusted root certificates found (set a CA or insecure)".into());
    }
    Ok(store)
}

/// Accepts any certificate and handshake signature: `insecure` mode for self-signed targets.
#[derive(Debug)]
struct NoVerification(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
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
