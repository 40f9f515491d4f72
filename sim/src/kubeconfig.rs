//! The kubeconfig the cluster writes for its clients: its address, the CA
//! that signed its serving certificate, and a user's credentials.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::auth::ClientCertificate;

/// Name of the cluster, user and context in a written kubeconfig.
pub const CONTEXT_NAME: &str = "pilothouse-sim";

/// How the kubeconfig's user proves who it is.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// None (`--insecure-http`, where such requests are the admin).
    None,
    ClientCertificate(ClientCertificate),
    Token(String),
}

/// A kubeconfig (YAML) whose current context is the cluster at `server`,
/// trusting `ca_pem` when given.
pub fn kubeconfig_yaml(server: &str, ca_pem: Option<&str>, credentials: &Credentials) -> String {
    let ca = ca_pem.map_or(String::new(), |pem| {
        format!("    certificate-authority-data: {}\n", STANDARD.encode(pem))
    });
    let user = match credentials {
        Credentials::None => "  user: {}\n".to_owned(),
        Credentials::ClientCertificate(c) => format!(
            "  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
            STANDARD.encode(&c.cert_pem),
            STANDARD.encode(&c.key_pem)
        ),
        Credentials::Token(token) => format!("  user:\n    token: {token:?}\n"),
    };
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n{ca}    server: {server}\n  name: {n}\ncontexts:\n- context:\n    cluster: {n}\n    namespace: default\n    user: {n}\n  name: {n}\ncurrent-context: {n}\npreferences: {{}}\nusers:\n- name: {n}\n{user}",
        n = CONTEXT_NAME
    )
}

/// Writes `yaml` to `path` readable by its owner only: it holds a
/// credential.
pub fn write_private(path: &std::path::Path, yaml: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(yaml.as_bytes())
}
