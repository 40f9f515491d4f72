//! Starting and stopping a simulator: store, seed, garbage collector,
//! cluster behaviour, its certificate authority and the HTTPS listener,
//! plus the kubeconfig that points kubectl and kube-rs at it; with a data
//! directory, the saved state and CA instead of a fresh seed and CA.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::{self, ApiState, OpenWatches};
use crate::auth::service_account_token::TokenSigner;
use crate::auth::{
    Authenticator, ClientCertificate, MASTERS, Pki, PkiError, Rbac, TokenUser, UserInfo,
};
use crate::clock::Clock;
use crate::cluster::{self, ClusterConfig, ClusterContext};
use crate::faults::Faults;
use crate::kubeconfig::{Credentials, kubeconfig_yaml};
use crate::persist::{DataDir, PersistError, Saver};
use crate::store::{Store, StoreConfig, StoreError};

pub use crate::kubeconfig::CONTEXT_NAME;

/// The cluster admin the written kubeconfig names (as kubeadm's
/// `admin.conf`), in `system:masters`.
pub const ADMIN_USER: &str = "kubernetes-admin";

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
    /// Allow a listen address other than loopback. Unsafe: the cluster is
    /// a test bed, not hardened for a network.
    pub unsafe_listen_any: bool,
    /// Serve plain HTTP where every request without credentials is the
    /// admin (the mode before HTTPS; `--insecure-http`).
    pub insecure_http: bool,
    /// Bearer tokens the cluster accepts, besides the client certificates
    /// its CA signs (upstream's `--token-auth-file`).
    pub tokens: Vec<TokenUser>,
    /// The certificate authority and serving certificate to use, as a
    /// restarted cluster keeps its own (see [`SimHandle::pki`]); `None`
    /// makes new ones.
    pub pki: Option<Arc<Pki>>,
    /// Keep the cluster's state and CA in this directory across restarts
    /// (`--data-dir`; see [`crate::persist`]): a saved state is loaded
    /// instead of seeding (the `cluster` topology is then ignored), and
    /// the state is saved while running and on shutdown. `None` writes
    /// nothing anywhere.
    pub data_dir: Option<PathBuf>,
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
            insecure_http: false,
            tokens: Vec::new(),
            pki: None,
            data_dir: None,
        }
    }
}

/// Why a simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(
        "refusing to listen on {addr}: the simulated cluster is a test bed, not hardened for a network (with --insecure-http, whoever reaches it controls it); listen on 127.0.0.1 or [::1], or pass --unsafe-listen-any to accept the risk"
    )]
    UnsafeListen { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot make the cluster's certificates: {0}")]
    Pki(#[from] PkiError),
    #[error("cannot seed the cluster: {0}")]
    Seed(#[from] StoreError),
    /// The data directory's files could not be read or written (a corrupt
    /// saved state among them: it is never seeded over).
    #[error("{0}")]
    DataDir(#[from] PersistError),
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
    /// The CA clients trust and the serving certificate (HTTPS only).
    pki: Option<Arc<Pki>>,
    /// The admin's client certificate (HTTPS only).
    admin: Option<ClientCertificate>,
    /// Saves the state into the data directory, if there is one.
    saver: Option<Arc<Saver>>,
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
        let data_dir = config.data_dir.as_deref().map(DataDir::open).transpose()?;
        let saved = match &data_dir {
            Some(dir) => dir.load_state()?,
            None => None,
        };
        let clock = match &saved {
            Some(saved) => Clock::starting_at(config.clock_factor, saved.time),
            None => Clock::new(config.clock_factor),
        };
        let store = Store::new(config.store.clone(), clock.clone());
        let saver = match (data_dir, saved) {
            (Some(dir), Some(saved)) => {
                let revision = saved.revision;
                store
                    .restore(saved.objects, revision)
                    .map_err(|e| PersistError {
                        action: "load the saved cluster state from",
                        path: dir.state_path(),
                        message: e.to_string(),
                    })?;
                Some(Saver::new(dir, store.clone(), store.current_rv()))
            }
            (Some(dir), None) => {
                cluster::seed(&store, &config.cluster)?;
                let saver = Saver::new(dir, store.clone(), 0);
                saver.save_async(true).await?;
                Some(saver)
            }
            (None, _) => {
                cluster::seed(&store, &config.cluster)?;
                None
            }
        };
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
        let (tls, pki, admin) = if config.insecure_http {
            (None, None, None)
        } else {
            let ip = Some(addr.ip());
            let saved_ca = match (&config.pki, &saver) {
                (None, Some(saver)) => saver.dir().load_ca(ip)?.map(Arc::new),
                _ => None,
            };
            let loaded = saved_ca.is_some();
            let pki = match (saved_ca, &config.pki) {
                (Some(pki), _) => pki,
                (None, Some(pki)) => pki.clone(),
                (None, None) => Arc::new(Pki::generate(ip)?),
            };
            if let Some(saver) = &saver
                && !loaded
            {
                saver.dir().save_ca(&pki)?;
            }
            let admin = pki.client_certificate(ADMIN_USER, &[MASTERS])?;
            (Some(pki.server_config()?), Some(pki), Some(admin))
        };
        // Service account tokens are signed under a key derived from the CA
        // key, so a cluster restarted with its CA accepts the tokens it issued.
        let token_signer = pki.as_ref().map_or_else(TokenSigner::random, |pki| {
            TokenSigner::from_secret(pki.ca_key_pem().as_bytes())
        });
        let mut authenticator = Authenticator::new(&config.tokens)
            .with_service_accounts(token_signer.clone(), store.clone());
        if config.insecure_http {
            authenticator = authenticator.with_default_user(UserInfo::authenticated(
                ADMIN_USER,
                "",
                &[MASTERS.to_owned()],
            ));
        }
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
        if let Some(saver) = &saver {
            tasks.push(saver.spawn_periodic());
        }
        let state = ApiState {
            store: store.clone(),
            server_address: addr.to_string(),
            authenticator,
            authorizer: Arc::new(Rbac::new(store.clone())),
            token_signer,
            shutdown: shutdown_rx.clone(),
            faults: faults.clone(),
            watches: OpenWatches::default(),
            served_hosts: api::browser_guard::ServedHosts::new(addr),
            pod_files: crate::shell::PodFileSystems::default(),
        };
        let watches = state.watches.clone();
        let app = api::router(state);
        let server = tokio::spawn(async move {
            if let Err(e) = crate::listener::serve(listener, app, tls, shutdown_rx).await {
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
            pki,
            admin,
            saver,
        };
        if let Some(path) = &config.kubeconfig_out {
            crate::kubeconfig::write_private(path, &handle.kubeconfig_yaml()).map_err(
                |source| SimError::Kubeconfig {
                    path: path.clone(),
                    source,
                },
            )?;
        }
        Ok(handle)
    }
}

impl SimHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `https://127.0.0.1:PORT` (`http://` with `--insecure-http`).
    pub fn url(&self) -> String {
        let scheme = if self.pki.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The CA certificate (PEM) that signed the serving certificate; `None`
    /// with `--insecure-http`.
    pub fn ca_pem(&self) -> Option<&str> {
        self.pki.as_deref().map(Pki::ca_pem)
    }

    /// The certificate authority and serving certificate, to start this
    /// cluster again with the same ones (`SimConfig::pki`), so clients'
    /// kubeconfigs stay valid; `None` with `--insecure-http`.
    pub fn pki(&self) -> Option<Arc<Pki>> {
        self.pki.clone()
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

    /// A kubeconfig (YAML) whose current context is this simulator, as
    /// its admin (`kubernetes-admin` in `system:masters`).
    pub fn kubeconfig_yaml(&self) -> String {
        let credentials = self
            .admin
            .clone()
            .map_or(Credentials::None, Credentials::ClientCertificate);
        kubeconfig_yaml(&self.url(), self.ca_pem(), &credentials)
    }

    /// A kubeconfig for this simulator that authenticates with `token`.
    pub fn kubeconfig_yaml_with_token(&self, token: &str) -> String {
        kubeconfig_yaml(
            &self.url(),
            self.ca_pem(),
            &Credentials::Token(token.to_owned()),
        )
    }

    /// Stops serving: ends watch and log streams, the listener and the
    /// cluster tasks, and waits for the server to finish; with a data
    /// directory, then saves the final state (a failure is logged).
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.server.await;
        for t in &self.tasks {
            t.abort();
        }
        for t in self.tasks {
            // Stopped at its next await; writes are synchronous, so once
            // every task is stopped the saved state is the final one.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), t).await;
        }
        if let Some(saver) = self.saver
            && let Err(e) = saver.save_async(true).await
        {
            tracing::error!("{e}");
        }
    }

    /// Waits until the server stops (it runs until [`SimHandle::shutdown`]).
    pub async fn wait(&mut self) {
        let _ = (&mut self.server).await;
    }
}
