//! The cluster's own certificate authority, made at start-up: it signs the
//! serving certificate (for the names and addresses the cluster is reached
//! by) and client certificates, whose common name is the user and whose
//! organisations are the groups, as upstream's x509 authenticator reads
//! them. The kubeconfig the cluster writes carries the CA and the admin's
//! client certificate.

use std::net::IpAddr;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;

use super::UserInfo;

/// The CA or a certificate could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("cannot make a certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("cannot configure TLS: {0}")]
    Tls(#[from] rustls::Error),
    #[error("cannot configure client certificates: {0}")]
    Verifier(#[from] rustls::server::VerifierBuilderError),
    #[error("{0}")]
    Saved(String),
}

/// A client certificate and its key, PEM-encoded (for a kubeconfig).
#[derive(Debug, Clone)]
pub struct ClientCertificate {
    pub cert_pem: String,
    pub key_pem: String,
}

/// The cluster's CA and serving certificate.
pub struct Pki {
    /// Signs the serving and client certificates.
    issuer: Issuer<'static, KeyPair>,
    ca_pem: String,
    ca_der: CertificateDer<'static>,
    serving: (CertificateDer<'static>, PrivatePkcs8KeyDer<'static>),
}

impl std::fmt::Debug for Pki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pki").finish_non_exhaustive()
    }
}

impl Pki {
    /// A new CA, and a serving certificate for `localhost`, 127.0.0.1, ::1
    /// and `extra_ip` (the listen address, when it is not loopback).
    pub fn generate(extra_ip: Option<IpAddr>) -> Result<Pki, PkiError> {
        let ca_key = KeyPair::generate()?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "pilothouse-sim-ca");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca = ca_params.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca_params, ca_key);
        Self::with_ca(issuer, ca.pem(), ca.der().clone(), extra_ip)
    }

    /// The CA saved from an earlier run (its certificate and key, PEM, as
    /// [`Pki::ca_pem`] and [`Pki::ca_key_pem`] gave them), so certificates
    /// it signed before — kubeconfigs written then — stay valid; and a new
    /// serving certificate signed by it for the names of
    /// [`Pki::generate`], so it always names the current listen address.
    pub fn from_saved_ca(
        ca_pem: &str,
        ca_key_pem: &str,
        extra_ip: Option<IpAddr>,
    ) -> Result<Pki, PkiError> {
        let ca_der = CertificateDer::from_pem_slice(ca_pem.as_bytes())
            .map_err(|e| PkiError::Saved(format!("the CA certificate does not parse: {e}")))?;
        let key = KeyPair::from_pem(ca_key_pem)
            .map_err(|e| PkiError::Saved(format!("the CA key does not parse: {e}")))?;
        let (_, cert) = x509_parser::parse_x509_certificate(ca_der.as_ref())
            .map_err(|e| PkiError::Saved(format!("the CA certificate does not parse: {e}")))?;
        if cert.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
            return Err(PkiError::Saved(
                "the CA key does not belong to the CA certificate".into(),
            ));
        }
        let issuer = Issuer::from_ca_cert_der(&ca_der, key)?;
        Self::with_ca(issuer, ca_pem.to_owned(), ca_der, extra_ip)
    }

    /// The CA's private key, PEM-encoded (PKCS#8), to save it.
    pub fn ca_key_pem(&self) -> String {
        self.issuer.key().serialize_pem()
    }

    fn with_ca(
        issuer: Issuer<'static, KeyPair>,
        ca_pem: String,
        ca_der: CertificateDer<'static>,
        extra_ip: Option<IpAddr>,
    ) -> Result<Pki, PkiError> {
        let serving_key = KeyPair::generate()?;
        let mut params = CertificateParams::new(vec!["localhost".to_owned()])?;
        params
            .distinguished_name
            .push(DnType::CommonName, "kube-apiserver");
        let mut ips: Vec<IpAddr> =
            vec![[127, 0, 0, 1].into(), std::net::Ipv6Addr::LOCALHOST.into()];
        ips.extend(extra_ip.filter(|ip| !ip.is_unspecified() && !ips.contains(ip)));
        params
            .subject_alt_names
            .extend(ips.into_iter().map(SanType::IpAddress));
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let serving = params.signed_by(&serving_key, &issuer)?;
        let serving = (
            serving.der().clone(),
            PrivatePkcs8KeyDer::from(serving_key.serialize_der()),
        );
        Ok(Pki {
            issuer,
            ca_pem,
            ca_der,
            serving,
        })
    }

    /// The CA certificate, PEM-encoded (a kubeconfig's
    /// `certificate-authority-data`).
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// A client certificate for `user` in `groups`, signed by the CA.
    pub fn client_certificate(
        &self,
        user: &str,
        groups: &[&str],
    ) -> Result<ClientCertificate, PkiError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name.push(DnType::CommonName, user);
        for group in groups {
            params
                .distinguished_name
                .push(DnType::OrganizationName, *group);
        }
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(ClientCertificate {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// The TLS configuration of the API: the serving certificate, and
    /// client certificates asked for but not required (tokens and
    /// anonymous requests come without one); a certificate that is sent
    /// must be signed by the CA. HTTP/1.1 only, which every client speaks
    /// and which the upgrades of exec and port-forward need.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, PkiError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        roots.add(self.ca_der.clone())?;
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .allow_unauthenticated()
                .build()?;
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![self.serving.0.clone()],
                PrivateKeyDer::Pkcs8(self.serving.1.clone_key()),
            )?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The user a verified client certificate names: its common name, and its
/// organisations as groups. `None` if it cannot be read or has no name.
pub fn user_of_certificate(der: &CertificateDer<'_>) -> Option<UserInfo> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let subject = cert.subject();
    let name = subject.iter_common_name().next()?.as_str().ok()?;
    if name.is_empty() {
        return None;
    }
    let groups: Vec<String> = subject
        .iter_organization()
        .filter_map(|o| o.as_str().ok().map(str::to_owned))
        .collect();
    Some(UserInfo::authenticated(name, "", &groups))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_certificate_names_its_user_and_groups() {
        let pki = Pki::generate(None).unwrap();
        let client = pki
            .client_certificate("kubernetes-admin", &["system:masters"])
            .unwrap();
        let der = CertificateDer::from_pem_slice(client.cert_pem.as_bytes()).unwrap();
        let user = user_of_certificate(&der).unwrap();
        assert_eq!(user.name, "kubernetes-admin");
        assert_eq!(user.groups, ["system:masters", "system:authenticated"]);
        pki.server_config().unwrap();
    }

    #[test]
    fn a_saved_ca_signs_certificates_the_old_ca_certificate_accepts() {
        let first = Pki::generate(None).unwrap();
        let again = Pki::from_saved_ca(first.ca_pem(), &first.ca_key_pem(), None).unwrap();
        assert_eq!(again.ca_pem(), first.ca_pem());
        let client = again.client_certificate("someone", &[]).unwrap();
        let der = CertificateDer::from_pem_slice(client.cert_pem.as_bytes()).unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).unwrap();
        let (_, ca) = x509_parser::parse_x509_certificate(first.ca_der.as_ref()).unwrap();
        cert.verify_signature(Some(ca.public_key())).unwrap();
        assert_eq!(cert.issuer(), ca.subject());
        again.server_config().unwrap();

        let other = Pki::generate(None).unwrap();
        let mismatched = Pki::from_saved_ca(first.ca_pem(), &other.ca_key_pem(), None);
        assert!(mismatched.is_err(), "a key of another CA");
        assert!(Pki::from_saved_ca("garbage", &first.ca_key_pem(), None).is_err());
    }
}
