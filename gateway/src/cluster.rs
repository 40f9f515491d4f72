//! One cluster: its client, its connection state, what it serves, and its
//! shared watches. A supervisor task per cluster probes the API server
//! every [`PROBE_EVERY`], rediscovers kinds now and then (so a new CRD
//! shows up), restarts the watches after the cluster comes back, and
//! stops watches nobody has looked at for a while.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use tokio::sync::watch as signal;

use crate::discovery::{self, Discovered};
use crate::kind::{KindInfo, KindKey};
use crate::status::{ClusterSummary, ConnectionState, WatchSummary};
use crate::watch::{KindWatch, one_line};

/// How often the API server is probed.
pub const PROBE_EVERY: Duration = Duration::from_secs(1);
/// How long a probe may take before the cluster counts as lost.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// Kinds are rediscovered this often while connected.
const REDISCOVER_EVERY: Duration = Duration::from_secs(15);

/// The kinds the Overview needs: watched for as long as the cluster is
/// connected, whether anyone looks or not.
pub const PINNED: [&str; 7] = [
    "nodes",
    "pods",
    "namespaces",
    "events",
    "deployments.apps",
    "statefulsets.apps",
    "daemonsets.apps",
];

/// How to reach a cluster.
#[derive(Clone)]
pub struct ClusterSpec {
    /// The URL-safe name.
    pub name: String,
    /// `embedded`, or `FILE (context CONTEXT)`.
    pub origin: String,
    pub kubeconfig: Kubeconfig,
    pub context: String,
}

impl std::fmt::Debug for ClusterSpec {
    // The kubeconfig holds credentials: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterSpec")
            .field("name", &self.name)
            .field("origin", &self.origin)
            .finish()
    }
}

/// A cluster and its shared watches.
pub struct Cluster {
    pub spec: ClusterSpec,
    client: RwLock<Option<Client>>,
    state: RwLock<ConnectionState>,
    discovered: RwLock<Discovered>,
    last_discovery: Mutex<Option<Instant>>,
    watches: Mutex<HashMap<KindKey, Arc<KindWatch>>>,
    /// Cluster clock minus local clock, in milliseconds.
    clock_offset_ms: AtomicI64,
    changed: signal::Sender<u64>,
    idle_timeout: Duration,
}

impl Cluster {
    /// A cluster not yet connected; [`Cluster::supervise`] connects it.
    pub fn new(spec: ClusterSpec, idle_timeout: Duration) -> Arc<Self> {
        Arc::new(Self {
            spec,
            client: RwLock::new(None),
            state: RwLock::new(ConnectionState::Connecting),
            discovered: RwLock::new(Discovered::default()),
            last_discovery: Mutex::new(None),
            watches: Mutex::new(HashMap::new()),
            clock_offset_ms: AtomicI64::new(0),
            changed: signal::channel(0).0,
            idle_timeout,
        })
    }

    /// The URL-safe name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The connection state now.
    pub fn state(&self) -> ConnectionState {
        self.state.read().expect("state lock").clone()
    }

    /// What discovery found last.
    pub fn discovered(&self) -> Discovered {
        self.discovered.read().expect("discovery lock").clone()
    }

    /// The cluster's clock now, Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.clock_offset_ms.load(Ordering::Relaxed)
    }

    /// Signals every change of state.
    pub fn subscribe(&self) -> signal::Receiver<u64> {
        self.changed.subscribe()
    }

    /// The picker's view of this cluster.
    pub fn summary(&self) -> ClusterSummary {
        ClusterSummary {
            name: self.spec.name.clone(),
            origin: self.spec.origin.clone(),
            state: self.state(),
            version: self
                .discovered
                .read()
                .expect("discovery lock")
                .version
                .clone(),
            now_ms: self.now_ms(),
        }
    }

    /// The client, once one could be built.
    pub fn client(&self) -> Option<Client> {
        self.client.read().expect("client lock").clone()
    }

    /// The shared watch of `info`, started if needed. `None` while the
    /// cluster has no client.
    pub fn watch(&self, info: &KindInfo) -> Option<Arc<KindWatch>> {
        let client = self.client()?;
        let mut watches = self.watches.lock().expect("watches lock");
        let watch = watches
            .entry(info.key.clone())
            .or_insert_with(|| KindWatch::start(client, info.clone()));
        Some(watch.clone())
    }

    /// The watch of `key` if one is running (never starts one).
    pub fn running_watch(&self, key: &KindKey) -> Option<Arc<KindWatch>> {
        self.watches.lock().expect("watches lock").get(key).cloned()
    }

    /// Every running watch, for the Overview and `/metrics`.
    pub fn watch_summaries(&self) -> Vec<WatchSummary> {
        let watches: Vec<Arc<KindWatch>> = self
            .watches
            .lock()
            .expect("watches lock")
            .values()
            .cloned()
            .collect();
        let mut summaries: Vec<WatchSummary> = watches
            .iter()
            .map(|w| WatchSummary {
                kind: w.info.key.slug(),
                objects: w.read(|c| c.len()),
                sync: w.sync_state(),
                viewers: w.viewers(),
                relists: w.relists(),
            })
            .collect();
        summaries.sort_by(|a, b| a.kind.cmp(&b.kind));
        summaries
    }

    /// Rediscovers at the next probe (a kind was asked for that discovery
    /// did not know, e.g. a CRD just created). The probe loop bounds this
    /// to one discovery per [`PROBE_EVERY`].
    pub fn request_discovery(&self) {
        *self.last_discovery.lock().expect("discovery lock") = None;
    }

    /// Connects, probes and tidies until the process ends.
    pub async fn supervise(self: Arc<Self>) {
        loop {
            self.step().await;
            self.stop_idle_watches();
            tokio::time::sleep(PROBE_EVERY).await;
        }
    }

    async fn step(&self) {
        let client = match self.client() {
            Some(client) => client,
            None => match self.build_client().await {
                Ok(client) => {
                    *self.client.write().expect("client lock") = Some(client.clone());
                    client
                }
                Err(error) => return self.lost(error),
            },
        };
        match tokio::time::timeout(PROBE_TIMEOUT, probe(&client)).await {
            Ok(Ok(offset)) => self.clock_offset_ms.store(offset, Ordering::Relaxed),
            Ok(Err(error)) => return self.lost(error),
            Err(_) => return self.lost("the API server did not answer within 3 s".into()),
        }
        let was_connected = self.state() == ConnectionState::Connected;
        let due = self
            .last_discovery
            .lock()
            .expect("discovery lock")
            .is_none_or(|t| t.elapsed() >= REDISCOVER_EVERY);
        if !was_connected || due {
            match discovery::discover(&client).await {
                Ok(found) => {
                    *self.discovered.write().expect("discovery lock") = found;
                    *self.last_discovery.lock().expect("discovery lock") = Some(Instant::now());
                    // Requests waiting for a kind look again.
                    self.changed.send_modify(|g| *g += 1);
                }
                Err(error) => return self.lost(one_line(&error)),
            }
        }
        if !was_connected {
            self.reconnected(&client);
        }
    }

    /// Back after a loss (or connected for the first time): restart every
    /// watch on the new connection, so each relists and converges, and
    /// start the pinned ones.
    fn reconnected(&self, client: &Client) {
        let discovered = self.discovered();
        let running: Vec<Arc<KindWatch>> = self
            .watches
            .lock()
            .expect("watches lock")
            .values()
            .cloned()
            .collect();
        for watch in running {
            watch.restart(client.clone());
        }
        for slug in PINNED {
            if let Some(info) = discovered.by_slug(slug) {
                self.watch(info);
            }
        }
        self.set_state(ConnectionState::Connected);
    }

    fn lost(&self, error: String) {
        let state = match self.state() {
            ConnectionState::Connected | ConnectionState::Reconnecting { .. } => {
                ConnectionState::Reconnecting { error }
            }
            _ => ConnectionState::Unreachable { error },
        };
        self.set_state(state);
    }

    fn set_state(&self, state: ConnectionState) {
        let mut current = self.state.write().expect("state lock");
        if *current != state {
            tracing::info!(cluster = %self.spec.name, state = state.word(), error = state.error().unwrap_or(""), "cluster connection");
            *current = state;
            drop(current);
            self.changed.send_modify(|g| *g += 1);
        }
    }

    fn stop_idle_watches(&self) {
        let pinned: Vec<String> = PINNED.iter().map(|s| s.to_string()).collect();
        self.watches.lock().expect("watches lock").retain(|key, watch| {
            let keep = pinned.contains(&key.slug()) || !watch.idle_for(self.idle_timeout);
            if !keep {
                tracing::debug!(cluster = %self.spec.name, kind = %key.slug(), "stopping an idle watch");
                watch.stop();
            }
            keep
        });
    }

    async fn build_client(&self) -> Result<Client, String> {
        let options = KubeConfigOptions {
            context: Some(self.spec.context.clone()),
            ..KubeConfigOptions::default()
        };
        let mut config = Config::from_custom_kubeconfig(self.spec.kubeconfig.clone(), &options)
            .await
            .map_err(|e| one_line(&e))?;
        config.connect_timeout = Some(Duration::from_secs(3));
        Client::try_from(config).map_err(|e| one_line(&e))
    }
}

/// Asks `/version`; returns the cluster clock's offset from ours (from the
/// `Date` header; 0 when there is none).
async fn probe(client: &Client) -> Result<i64, String> {
    let request = http::Request::get("/version")
        .body(kube::client::Body::empty())
        .map_err(|e| e.to_string())?;
    let response = client.send(request).await.map_err(|e| one_line(&e))?;
    if !response.status().is_success() {
        return Err(format!("GET /version answered {}", response.status()));
    }
    let offset = response
        .headers()
        .get(http::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
        .map(|t| t.timestamp_millis() - chrono::Utc::now().timestamp_millis())
        .filter(|offset| offset.abs() > 2_000)
        .unwrap_or(0);
    Ok(offset)
}
