//! Service account tokens, as `kubectl create token` asks for them
//! (`POST serviceaccounts/{name}/token`): JWTs the cluster signs and later
//! accepts as `system:serviceaccount:<namespace>:<name>` while the token
//! has not expired and the service account it names still exists with the
//! same uid (upstream's bound-token checks, without pod or secret binding).
//!
//! Upstream signs with a dedicated RSA or ECDSA key. The simulator signs
//! with HMAC-SHA256 under a key derived from its CA key, so a cluster
//! restarted from its data directory, which keeps its CA, still accepts the
//! tokens it issued; the payload is a standard JWT any decoder can read.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::{digest, hmac};
use serde::{Deserialize, Serialize};

/// The audience upstream's tokens carry when the request names none.
pub const DEFAULT_AUDIENCE: &str = "https://kubernetes.default.svc.cluster.local";

/// The claims of a token: upstream's registered claims plus its
/// `kubernetes.io` claim naming the service account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: Vec<String>,
    /// Issued at, expires, not before: seconds since the epoch (simulated).
    pub iat: i64,
    pub exp: i64,
    pub nbf: i64,
    #[serde(rename = "kubernetes.io")]
    pub kubernetes: KubernetesClaim,
}

/// `kubernetes.io`: the service account the token stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KubernetesClaim {
    pub namespace: String,
    pub serviceaccount: ServiceAccountRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAccountRef {
    pub name: String,
    pub uid: String,
}

impl Claims {
    /// Claims for service account `name` (uid `uid`) in `namespace`, valid
    /// from `now` for `seconds`.
    pub fn new(
        namespace: &str,
        name: &str,
        uid: &str,
        audiences: Vec<String>,
        now: i64,
        seconds: i64,
    ) -> Self {
        Self {
            iss: DEFAULT_AUDIENCE.to_string(),
            sub: format!("system:serviceaccount:{namespace}:{name}"),
            aud: audiences,
            iat: now,
            exp: now + seconds,
            nbf: now,
            kubernetes: KubernetesClaim {
                namespace: namespace.to_string(),
                serviceaccount: ServiceAccountRef {
                    name: name.to_string(),
                    uid: uid.to_string(),
                },
            },
        }
    }
}

/// Signs and checks tokens under one key.
#[derive(Clone)]
pub struct TokenSigner {
    key: hmac::Key,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSigner(..)")
    }
}

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

impl TokenSigner {
    /// A signer whose key is derived from `secret` (the CA key's PEM).
    pub fn from_secret(secret: &[u8]) -> Self {
        let mut material = b"pilothouse-sim service account tokens\n".to_vec();
        material.extend_from_slice(secret);
        let derived = digest::digest(&digest::SHA256, &material);
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()),
        }
    }

    /// A signer with a random key (a cluster without a CA: tokens last as
    /// long as the process).
    pub fn random() -> Self {
        Self::from_secret(uuid::Uuid::new_v4().as_bytes())
    }

    /// The signed token for `claims`.
    pub fn issue(&self, claims: &Claims) -> String {
        let payload = serde_json::to_vec(claims).expect("claims serialize");
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(HEADER),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let tag = hmac::sign(&self.key, signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// The claims of `token` if this signer signed it and it is valid at
    /// `now` (seconds since the epoch).
    pub fn verify(&self, token: &str, now: i64) -> Option<Claims> {
        let (signed, signature) = token.rsplit_once('.')?;
        let (header, payload) = signed.split_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        hmac::verify(&self.key, signed.as_bytes(), &signature).ok()?;
        if URL_SAFE_NO_PAD.decode(header).ok()? != HEADER.as_bytes() {
            return None;
        }
        let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        (claims.nbf <= now && now < claims.exp).then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims::new(
            "demo",
            "robot",
            "u-1",
            vec![DEFAULT_AUDIENCE.into()],
            1000,
            3600,
        )
    }

    #[test]
    fn a_token_is_accepted_by_its_signer_until_it_expires() {
        let signer = TokenSigner::from_secret(b"ca key");
        let token = signer.issue(&claims());
        assert_eq!(
            token.matches('.').count(),
            2,
            "a JWT: header.payload.signature"
        );
        assert_eq!(signer.verify(&token, 1000), Some(claims()));
        assert_eq!(
            signer.verify(&token, 4599).map(|c| c.sub),
            Some("system:serviceaccount:demo:robot".into())
        );
        assert_eq!(signer.verify(&token, 4600), None, "expired");
        assert_eq!(signer.verify(&token, 999), None, "not yet valid");
    }

    #[test]
    fn a_token_from_another_key_or_altered_is_refused() {
        let token = TokenSigner::from_secret(b"ca key").issue(&claims());
        assert_eq!(
            TokenSigner::from_secret(b"other").verify(&token, 1000),
            None
        );
        let signer = TokenSigner::from_secret(b"ca key");
        let forged = {
            let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
            let mut c = claims();
            c.sub = "system:serviceaccount:kube-system:admin".into();
            parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap());
            parts.join(".")
        };
        assert_eq!(signer.verify(&forged, 1000), None);
        assert_eq!(signer.verify("not-a-token", 1000), None);
    }
}
