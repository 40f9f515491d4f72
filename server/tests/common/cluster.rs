//! A signed-in Pilothouse in front of an embedded cluster: the cluster is
//! started in-process but reached over HTTP through kube-rs, exactly as
//! `serve` does, and the router is also served on a real socket for
//! streams. The fixture waits for the gateway to connect on its state
//! signal, so no test races the first discovery.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use gateway::cluster::ClusterSpec;
use gateway::{Gateway, GatewayOptions};
use server::config::ServeConfig;
use server::startup;

use super::http::sign_in;

/// The admin's password in every fixture.
pub const PASSWORD: &str = "correct horse battery staple";
/// The cluster's name in the gateway.
pub const CLUSTER: &str = "sim";
/// Longest wait for a signal in these tests.
pub const WAIT: Duration = Duration::from_secs(20);

pub struct Served {
    pub app: axum::Router,
    /// The router on a real socket (for WebSocket streams).
    pub addr: SocketAddr,
    /// A session of the admin.
    pub cookie: String,
    /// The cluster itself, to change it and to judge what the API says.
    pub kube: kube::Client,
    pub gateway: Arc<Gateway>,
    pub sim: sim::SimHandle,
    _dir: tempfile::TempDir,
}

/// Starts the fixture; `configure` adjusts the server's configuration.
pub async fn serve_with(configure: impl FnOnce(&mut ServeConfig)) -> Served {
    serve_cluster(configure, sim::SimConfig::default()).await
}

/// Starts the fixture on an embedded cluster of `cluster`'s shape.
pub async fn serve_cluster(
    configure: impl FnOnce(&mut ServeConfig),
    cluster: sim::SimConfig,
) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServeConfig::for_data_dir(dir.path().join("data"));
    config.site_root = dir.path().join("site");
    config.login_attempts_per_minute = 1000;
    configure(&mut config);
    let mut prepared = startup::prepare(config, Some(PASSWORD.into()))
        .await
        .unwrap();
    let sim = sim::Sim::start(cluster).await.unwrap();
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&sim.kubeconfig_yaml()).unwrap();
    let spec = ClusterSpec {
        name: CLUSTER.into(),
        origin: "test".into(),
        kubeconfig: kubeconfig.clone(),
        context: sim::server::CONTEXT_NAME.into(),
    };
    let gateway = Gateway::start(vec![spec], GatewayOptions::default());
    prepared.state.gateway = gateway.clone();
    connected(&gateway).await;
    let app = server::web::router(prepared.state, prepared.session_store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = app.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            served.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    let kube = kube::Client::try_from(config).unwrap();
    let cookie = sign_in(&app, "admin", PASSWORD).await;
    Served {
        app,
        addr,
        cookie,
        kube,
        gateway,
        sim,
        _dir: dir,
    }
}

/// The fixture with the default configuration.
pub async fn serve() -> Served {
    serve_with(|_| {}).await
}

/// A subject for asking the gateway directly.
pub fn tester() -> gateway::Subject {
    gateway::Subject {
        user_id: 0,
        username: "test".into(),
    }
}

/// Waits (on the cluster's state signal) until the gateway has connected.
async fn connected(gateway: &Gateway) {
    let cluster = gateway.cluster(&tester(), CLUSTER).unwrap();
    let mut changes = cluster.subscribe();
    tokio::time::timeout(WAIT, async {
        while cluster.state() != gateway::status::ConnectionState::Connected {
            changes.changed().await.unwrap();
        }
    })
    .await
    .expect("the cluster connects");
}

impl Served {
    /// A JSON answer of the API for the admin's session.
    pub async fn json(&self, path: &str) -> (axum::http::StatusCode, serde_json::Value) {
        use super::http::{body_text, get, send};
        let response = send(&self.app, get(path, Some(&self.cookie))).await;
        let status = response.status();
        let text = body_text(response).await;
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}")),
        )
    }

    /// The address of the served router, for `Origin` headers.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }
}
