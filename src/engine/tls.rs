//! rustls client configuration from the scenario's `[http.tls]`: system roots plus an optional
//! CA file, or no verification when the user opted into `insecure`.

use crate::scenario::{HttpVersion, TlsPlan};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
#[allow(clippy::enum_variant_names)]
pub enum TlsSetupError {
    #[error("cannot read CA file {path}: {source}")]
    ReadCa {
        path: String,
        source: std::io::Error,
    },
    #[error("CA file {path} holds no PEM certificate")]
    EmptyCa { path: String },
    #[error("CA file {path}: {message}")]
    BadCa { path: String, message: String },
}

/// Builds the client config; ALPN offers only the configured HTTP version.
pub fn client_config(
    tls: &TlsPlan,
    version: HttpVersion,
) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions");
    let mut config = if tls.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
            .with_no_client_auth()
    } else {
        builder
            .with_root_certificates(root_store(tls)?)
            .with_no_client_auth()
    };
    config.alpn_protocols = match version {
        HttpVersion::Http1 => vec![b"http/1.1".to_vec()],
        HttpVersion::Http2 => vec![b"h2".to_vec()],
    };
    Ok(Arc::new(config))
}

fn root_store(tls: &TlsPlan) -> Result<RootCertStore, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    match &tls.ca {
        Some(path) => {
            let shown = path.display().to_string();
            let pem = std::fs::read(path).map_err(|source| TlsSetupError::ReadCa {
                path: shown.clone(),
                source,
            })?;
            let mut found = 0;
            for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
                let cert = cert.map_err(|e| TlsSetupError::BadCa {
                    path: shown.clone(),
                    message: e.to_string(),
                })?;
                roots.add(cert).map_err(|e| TlsSetupError::BadCa {
                    path: shown.clone(),
                    message: e.to_string(),
                })?;
                found += 1;
            }
            if found == 0 {
                return Err(TlsSetupError::EmptyCa { path: shown });
            }
        }
        None => {
            let native = rustls_native_certs::load_native_certs();
            for cert in native.certs {
                let _ = roots.add(cert);
            }
        }
    }
    Ok(roots)
}

/// `insecure = true`: accept any certificate (still checking handshake signatures).
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
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
