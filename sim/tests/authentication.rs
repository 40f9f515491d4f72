//! Issue 9 point 1: the cluster serves HTTPS with its own CA, knows its
//! users by client certificate or bearer token, refuses credentials that
//! do not check out ("You must be logged in to the server"), and lets
//! anonymous requests read only the health and version paths. The real
//! kubectl is the judge.

mod common;

use sim::SimConfig;
use sim::auth::{TokenUser, UserInfo};

fn jane() -> TokenUser {
    TokenUser {
        token: "jane-token-1".into(),
        user: UserInfo::authenticated("jane", "1001", &["dev".into()]),
    }
}

/// A cluster that knows Jane's token.
fn with_jane() -> SimConfig {
    SimConfig {
        clock_factor: 20.0,
        tokens: vec![jane()],
        ..SimConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emitted_kubeconfig_reaches_the_cluster_over_https_as_its_admin() {
    let sim = common::start_with(with_jane()).await;
    let kubeconfig = std::fs::read_to_string(&sim.kubeconfig).unwrap();
    assert!(sim.handle.url().starts_with("https://127.0.0.1:"));
    assert!(kubeconfig.contains(&format!("server: {}", sim.handle.url())));
    assert!(kubeconfig.contains("certificate-authority-data: "));
    assert!(kubeconfig.contains("client-certificate-data: "));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&sim.kubeconfig)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the kubeconfig holds the admin's key");
    }
    let nodes = sim.kubectl_names(&["nodes"]).await;
    assert!(nodes.contains(&"node/worker-1".to_owned()), "{nodes:?}");
    let namespace = sim.write(
        "ns.json",
        r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "made-over-https"}}"#,
    );
    sim.kubectl_ok(&["create", "-f", &namespace]).await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_token_is_its_user_and_a_bad_one_must_log_in() {
    let sim = common::start_with(with_jane()).await;
    // Jane is known but bound to no role: refused by name, not asked to
    // log in.
    let good = sim.write(
        "jane.yaml",
        &sim.handle.kubeconfig_yaml_with_token(&jane().token),
    );
    let err = sim
        .kubectl_err(&["--kubeconfig", &good, "get", "pods", "-n", "demo"])
        .await;
    assert!(
        err.contains(r#"User "jane" cannot list resource "pods""#),
        "{err}"
    );

    let bad = sim.write("bad.yaml", &sim.handle.kubeconfig_yaml_with_token("nope"));
    let err = sim
        .kubectl_err(&["--kubeconfig", &bad, "get", "pods", "-n", "demo"])
        .await;
    assert!(err.contains("You must be logged in to the server"), "{err}");
    sim.shutdown().await;
}

/// `GET path` without credentials (kubectl would prompt for a password):
/// the body, or the error Status's message.
async fn anonymous_get(sim: &common::TestSim, path: &str) -> Result<String, String> {
    let yaml = sim::kubeconfig::kubeconfig_yaml(
        &sim.handle.url(),
        sim.handle.ca_pem(),
        &sim::kubeconfig::Credentials::None,
    );
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&yaml).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    let client = kube::Client::try_from(config).unwrap();
    let request = http::Request::get(path).body(Vec::new()).unwrap();
    let what = format!("an anonymous GET {path}");
    match common::within(&what, common::TIMEOUT, client.request_text(request)).await {
        Ok(body) => Ok(body),
        Err(kube::Error::Api(status)) => Err(status.message),
        Err(e) => panic!("{what}: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_requests_read_health_and_version_only() {
    let sim = common::start_with(with_jane()).await;
    assert_eq!(anonymous_get(&sim, "/healthz").await, Ok("ok".to_owned()));
    let version = anonymous_get(&sim, "/version").await.unwrap();
    assert!(version.contains("gitVersion"), "{version}");
    assert_eq!(
        anonymous_get(&sim, "/api/v1/namespaces/demo/pods").await,
        Err(
            r#"pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "demo""#
                .to_owned()
        )
    );
    assert_eq!(
        anonymous_get(&sim, "/api").await,
        Err(r#"forbidden: User "system:anonymous" cannot get path "/api""#.to_owned())
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_certificate_from_another_ca_is_refused() {
    let sim = common::start_with(with_jane()).await;
    let other = common::start().await;
    // The other cluster's admin certificate, presented to this cluster.
    let theirs = client_credentials(&std::fs::read_to_string(&other.kubeconfig).unwrap());
    let forged = sim.write(
        "forged.yaml",
        &std::fs::read_to_string(&sim.kubeconfig)
            .unwrap()
            .lines()
            .map(|l| {
                if l.trim_start().starts_with("client-certificate-data:") {
                    format!("    client-certificate-data: {}", theirs.cert)
                } else if l.trim_start().starts_with("client-key-data:") {
                    format!("    client-key-data: {}", theirs.key)
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let err = sim
        .kubectl_err(&["--kubeconfig", &forged, "get", "pods", "-n", "demo"])
        .await;
    assert!(
        err.contains("certificate") || err.contains("tls"),
        "a certificate the cluster's CA did not sign is refused: {err}"
    );
    other.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insecure_http_serves_plain_http_with_the_admin_for_everyone() {
    let sim = common::start_with(SimConfig {
        clock_factor: 20.0,
        insecure_http: true,
        ..SimConfig::default()
    })
    .await;
    assert!(sim.handle.url().starts_with("http://127.0.0.1:"));
    assert!(sim.handle.ca_pem().is_none());
    let namespace = sim.write(
        "ns.json",
        r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "made-over-http"}}"#,
    );
    sim.kubectl_ok(&["create", "-f", &namespace]).await;
    sim.shutdown().await;
}

/// A client certificate and key, base64 as a kubeconfig holds them.
struct ClientCredentials {
    cert: String,
    key: String,
}

/// The admin's credentials in a kubeconfig a cluster wrote.
fn client_credentials(kubeconfig: &str) -> ClientCredentials {
    let field = |name: &str| {
        kubeconfig
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| panic!("{name} in the kubeconfig"))
    };
    ClientCredentials {
        cert: field("client-certificate-data:"),
        key: field("client-key-data:"),
    }
}
