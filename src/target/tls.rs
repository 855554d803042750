//! TLS for the demo target: a fresh self-signed CA and a leaf certificate for `localhost`,
//! `127.0.0.1` and `::1`, generated with rcgen at every start, and a rustls acceptor (ring
//! provider) offering ALPN `h2` then `http/1.1`. The CA certificate is written as PEM to the
//! path the caller chose, so clients (loadlab itself, curl `--cacert`) can verify the server.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

use super::TargetError;

/// ALPN protocols offered, in order of preference.
pub const ALPN: [&[u8]; 2] = [b"h2", b"http/1.1"];

/// Generates the CA and leaf, writes the CA PEM to `ca_pem_out`, and returns the acceptor.
pub async fn self_signed_acceptor(ca_pem_out: &Path) -> Result<TlsAcceptor, TargetError> {
    let certs = generate()?;
    tokio::fs::write(ca_pem_out, certs.ca_pem.as_bytes())
        .await
        .map_err(|source| TargetError::WriteCa {
            path: ca_pem_out.to_path_buf(),
            source,
        })?;
    acceptor(certs)
}

struct GeneratedCerts {
    ca_pem: String,
    ca_der: rustls::pki_types::CertificateDer<'static>,
    leaf_der: rustls::pki_types::CertificateDer<'static>,
    leaf_key_pkcs8: Vec<u8>,
}

fn generate() -> Result<GeneratedCerts, TargetError> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "loadlab demo target CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate()?;
    let ca = ca_params.self_signed(&ca_key)?;

    let mut leaf_params = CertificateParams::new(vec!["localhost".to_string()])?;
    leaf_params.subject_alt_names.extend([
        SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
    ]);
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate()?;
    let leaf = leaf_params.signed_by(&leaf_key, &ca, &ca_key)?;

    Ok(GeneratedCerts {
        ca_pem: ca.pem(),
        ca_der: ca.der().clone(),
        leaf_der: leaf.der().clone(),
        leaf_key_pkcs8: leaf_key.serialize_der(),
    })
}

fn acceptor(certs: GeneratedCerts) -> Result<TlsAcceptor, TargetError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certs.leaf_key_pkcs8));
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![certs.leaf_der, certs.ca_der], key)?;
    config.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
    Ok(TlsAcceptor::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ca_is_pem_and_acceptor_builds() {
        let certs = generate().expect("rcgen with ring generates keys");
        assert!(certs.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(acceptor(certs).is_ok());
    }
}
