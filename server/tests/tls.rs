//! `pilothouse serve --tls-cert --tls-key`, run as a user would run it, with
//! a certificate made for the test: it speaks HTTPS, sends HSTS, and its
//! session cookie is `Secure` with the `__Host-` prefix.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

const PASSWORD: &str = "a test password for tls";

/// The server process; killed when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary over HTTPS and returns it with the port it listens on,
/// read from the line it prints once listening.
fn serve_https(dir: &std::path::Path) -> (Served, u16, CertificateDer<'static>) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    std::fs::write(dir.join("cert.pem"), cert.cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), cert.signing_key.serialize_pem()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pilothouse"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.join("data"))
        .arg("--site-root")
        .arg(dir.join("site"))
        .arg("--tls-cert")
        .arg(dir.join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.join("key.pem"))
        .env("PILOTHOUSE_LOG", "off")
        .env("PILOTHOUSE_ADMIN_PASSWORD", PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let served = Served(child);
    let line = stdout
        .lines()
        .map(Result::unwrap)
        .find(|l| l.contains("listening on https://"))
        .expect("the server says where it listens");
    let port = line
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap();
    (served, port, cert.cert.der().clone())
}

/// Sends one HTTP/1.1 request over TLS, trusting only `root`, and returns
/// the raw response.
async fn https(port: u16, root: &CertificateDer<'static>, request: &str) -> String {
    let mut roots = RootCertStore::empty();
    roots.add(root.clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let mut tls = TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .unwrap();
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tls.read_to_end(&mut response).await.unwrap_or_default();
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn https_sign_in_sets_a_secure_host_cookie_and_sends_hsts() {
    let dir = tempfile::tempdir().unwrap();
    let (_served, port, root) = serve_https(dir.path());
    let body = format!(
        "username=admin&password={}&next=%2F",
        PASSWORD.replace(' ', "+")
    );
    let request = format!(
        "POST /login HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\
         Sec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let response = https(port, &root, &request).await.to_ascii_lowercase();
    assert!(response.starts_with("http/1.1 303"), "{response}");
    assert!(response.contains("\r\nlocation: /\r\n"), "{response}");
    assert!(
        response.contains("strict-transport-security: max-age="),
        "{response}"
    );
    let cookie = response
        .lines()
        .find(|l| l.starts_with("set-cookie: __host-pilothouse_session="))
        .expect("a __Host- session cookie");
    assert!(cookie.contains("; secure"), "{cookie}");
}
