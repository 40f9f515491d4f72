//! HTTPS: serving it directly with rustls when given a certificate, and
//! saying loudly when the server is reachable beyond this machine without
//! it (passwords and session cookies would cross the network in clear).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::ServeConfig;

/// The certificate or key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read TLS file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    #[error("the TLS certificate and key do not make a usable pair: {0}")]
    Config(#[from] rustls::Error),
}

/// A rustls server configuration from PEM files, with the `ring` provider
/// (the one kube already builds; no cmake or nasm needed).
pub fn load(cert: &Path, key: &Path) -> Result<RustlsConfig, TlsError> {
    let read = |path: &Path| {
        let path = path.to_path_buf();
        move |source| TlsError::Read { path, source }
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(read(cert))?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(read(key))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(RustlsConfig::from_config(Arc::new(config)))
}

/// Serves `app` over HTTPS on `listen` until `shutdown` resolves; `on_listen`
/// is told the bound address.
pub async fn serve(
    app: Router,
    listen: SocketAddr,
    tls: RustlsConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_listen: impl FnOnce(SocketAddr) + Send + 'static,
) -> std::io::Result<()> {
    let handle = Handle::<SocketAddr>::new();
    let watcher = handle.clone();
    tokio::spawn(async move {
        if let Some(local) = watcher.listening().await {
            on_listen(local);
        }
        shutdown.await;
        watcher.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    axum_server::bind_rustls(listen, tls)
        .handle(handle)
        .serve(app.into_make_service_with_connect_info::<SocketAddr>())
        .await
}

/// The warning to print at start-up, if the configuration sends passwords
/// over plain HTTP to other machines.
pub fn plain_http_warning(config: &ServeConfig) -> Option<String> {
    if config.https() || config.listen.ip().is_loopback() {
        return None;
    }
    Some(format!(
        "WARNING: listening on {} over plain HTTP: passwords and session cookies cross the network unencrypted. \
         Serve HTTPS with --tls-cert and --tls-key, or put a TLS proxy in front and pass --secure-cookies.",
        config.listen
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(listen: &str) -> ServeConfig {
        let mut config = ServeConfig::for_data_dir("data".into());
        config.listen = listen.parse().unwrap();
        config
    }

    #[test]
    fn plain_http_beyond_loopback_is_warned_about() {
        assert!(plain_http_warning(&config("127.0.0.1:3000")).is_none());
        assert!(plain_http_warning(&config("[::1]:3000")).is_none());
        let line = plain_http_warning(&config("0.0.0.0:3000")).unwrap();
        assert!(line.contains("0.0.0.0:3000"), "{line}");
        let mut proxied = config("0.0.0.0:3000");
        proxied.secure_cookies = true;
        assert!(plain_http_warning(&proxied).is_none());
    }
}
