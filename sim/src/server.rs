//! Starting and stopping a simulator: store, seed, garbage collector,
//! cluster behaviour and the HTTP listener, plus the kubeconfig that points
//! kubectl and kube-rs at it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::{self, AllowAll, ApiState, OpenWatches};
use crate::clock::Clock;
use crate::cluster::faults::Faults;
use crate::cluster::{self, ClusterConfig, ClusterContext};
use crate::store::{Store, StoreConfig, StoreError};

/// Name of the cluster, user and context in the written kubeconfig.
pub const CONTEXT_NAME: &str = "pilothouse-sim";

/// How to run a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Write a kubeconfig for the server here.
    pub kubeconfig_out: Option<PathBuf>,
    pub cluster: ClusterConfig,
    /// Simulated seconds per real second.
    pub clock_factor: f64,
    pub store: StoreConfig,
    /// Start the cluster behaviour (`cluster::start`); off for API-only tests.
    pub behaviour: bool,
    /// Allow a listen address other than loopback. Unsafe: the API has no
    /// authentication yet, so whoever reaches it controls the cluster.
    pub unsafe_listen_any: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            kubeconfig_out: None,
            cluster: ClusterConfig::default(),
            clock_factor: 1.0,
            store: StoreConfig::default(),
            behaviour: true,
            unsafe_listen_any: false,
        }
    }
}

/// Why a simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(
        "refusing to listen on {addr}: the simulator's API has no authentication yet, so anyone who reaches it controls the cluster; listen on 127.0.0.1 or [::1], or pass --unsafe-listen-any to accept the risk"
    )]
    UnsafeListen { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot seed the cluster: {0}")]
    Seed(#[from] StoreError),
    #[error("cannot write the kubeconfig {path}: {source}")]
    Kubeconfig {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The simulator; see [`Sim::start`].
pub struct Sim;

/// A running simulator. Dropping it does not stop it; call [`SimHandle::shutdown`].
pub struct SimHandle {
    addr: SocketAddr,
    store: Store,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<()>,
    tasks: Vec<JoinHandle<()>>,
    kubeconfig_path: Option<PathBuf>,
    faults: Faults,
    watches: OpenWatches,
}

impl Sim {
    /// Seeds a store, binds the listener, writes the kubeconfig and starts
    /// serving in the background (inside the current tokio runtime).
    pub async fn start(config: SimConfig) -> Result<SimHandle, SimError> {
        if !config.listen.ip().is_loopback() && !config.unsafe_listen_any {
            return Err(SimError::UnsafeListen {
                addr: config.listen,
            });
        }
        let clock = Clock::new(config.clock_factor);
        let store = Store::new(config.store.clone(), clock.clone());
        cluster::seed(&store, &config.cluster)?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| SimError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: config.listen,
            source,
        })?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let mut tasks: Vec<JoinHandle<()>> = crate::gc::start(&store).into_iter().collect();
        let faults = Faults::new(store.clone());
        if config.behaviour {
            let ctx = ClusterContext {
                store: store.clone(),
                clock,
                config: config.cluster.clone(),
                shutdown: shutdown_rx.clone(),
                faults: faults.clone(),
            };
            tasks.extend(cluster::start(&ctx));
        }
        let state = ApiState {
            store: store.clone(),
            server_address: addr.to_string(),
            authorizer: Arc::new(AllowAll),
            shutdown: shutdown_rx.clone(),
            faults: faults.clone(),
            watches: OpenWatches::default(),
            served_hosts: api::browser_guard::ServedHosts::new(addr),
        };
        let watches = state.watches.clone();
        let app = api::router(state);
        let mut stop = shutdown_rx;
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            });
            if let Err(e) = serve.await {
                tracing::error!("simulator server failed: {e}");
            }
        });
        let handle = SimHandle {
            addr,
            store,
            shutdown,
            server,
            tasks,
            kubeconfig_path: config.kubeconfig_out.clone(),
            faults,
            watches,
        };
        if let Some(path) = &config.kubeconfig_out {
            std::fs::write(path, handle.kubeconfig_yaml()).map_err(|source| {
                SimError::Kubeconfig {
                    path: path.clone(),
                    source,
                }
            })?;
        }
        Ok(handle)
    }
}

impl SimHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The store behind the API (for in-process controllers and tests).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Fault injection for this simulator (the same handle `/sim/v1` uses).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Open watch streams per type (the same counts `/sim/v1/watches` reports).
    pub fn open_watches(&self) -> &OpenWatches {
        &self.watches
    }

    /// Where the kubeconfig was written, if anywhere.
    pub fn kubeconfig_path(&self) -> Option<&PathBuf> {
        self.kubeconfig_path.as_ref()
    }

    /// A kubeconfig (YAML) whose current context is this simulator.
    pub fn kubeconfig_yaml(&self) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: {url}\n  name: {n}\ncontexts:\n- context:\n    cluster: {n}\n    namespace: default\n    user: {n}\n  name: {n}\ncurrent-context: {n}\npreferences: {{}}\nusers:\n- name: {n}\n  user: {{}}\n",
            url = self.url(),
            n = CONTEXT_NAME
        )
    }

    /// Stops serving: ends watch and log streams, the listener and the
    /// cluster tasks, and waits for the server to finish.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.server.await;
        for t in self.tasks {
            t.abort();
        }
    }

    /// Waits until the server stops (it runs until [`SimHandle::shutdown`]).
    pub async fn wait(&mut self) {
        let _ = (&mut self.server).await;
    }
}
