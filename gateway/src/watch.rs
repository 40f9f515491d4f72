//! The one upstream list+watch of a (cluster, kind), shared by every
//! session: kube-rs's `watcher` with back-off feeds a [`RowCache`]; each
//! change bumps a generation that live views wait on, so a burst of a
//! thousand events wakes a view once.
//!
//! After a 410 Gone, a dropped connection or any relist the watcher starts
//! over with `Init`; the rows of the new list are gathered aside and
//! swapped in whole at `InitDone`, so rows deleted meanwhile go (no ghost
//! rows) and none is there twice.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use futures::StreamExt;
use kube::Client;
use kube::api::{Api, DynamicObject};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use tokio::sync::watch as signal;
use tokio::task::JoinHandle;

use crate::cache::RowCache;
use crate::discovery::api_resource;
use crate::kind::KindInfo;
use crate::query::SyncState;
use crate::row::Row;
use crate::rows;
use crate::shared_pages::SharedPages;

/// A shared watch and its cache.
pub struct KindWatch {
    pub info: KindInfo,
    cache: RwLock<RowCache>,
    sync: Mutex<SyncState>,
    changed: signal::Sender<u64>,
    viewers: AtomicUsize,
    last_used: Mutex<Instant>,
    relists: AtomicU64,
    task: Mutex<Option<JoinHandle<()>>>,
    /// Pages of the current generation, shared by everyone who asks the same.
    pages: SharedPages,
}

impl std::fmt::Debug for KindWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KindWatch")
            .field("kind", &self.info.key)
            .finish()
    }
}

impl KindWatch {
    /// Starts watching `info` through `client`.
    pub fn start(client: Client, info: KindInfo) -> Arc<Self> {
        let (changed, _) = signal::channel(0);
        let watch = Arc::new(Self {
            info,
            cache: RwLock::new(RowCache::default()),
            sync: Mutex::new(SyncState::Syncing),
            changed,
            viewers: AtomicUsize::new(0),
            last_used: Mutex::new(Instant::now()),
            relists: AtomicU64::new(0),
            task: Mutex::new(None),
            pages: SharedPages::default(),
        });
        let task = tokio::spawn(run(client, Arc::downgrade(&watch)));
        *watch.task.lock().expect("task lock") = Some(task);
        watch
    }

    /// Starts the upstream watch over on a new connection (after the
    /// cluster came back), keeping the rows until the relist replaces them.
    /// Views keep their handle on this same watch.
    pub fn restart(self: &Arc<Self>, client: Client) {
        let mut task = self.task.lock().expect("task lock");
        if let Some(old) = task.take() {
            old.abort();
        }
        *task = Some(tokio::spawn(run(client, Arc::downgrade(self))));
    }

    /// Reads the cache.
    pub fn read<T>(&self, f: impl FnOnce(&RowCache) -> T) -> T {
        self.touch();
        f(&self.cache.read().expect("cache lock"))
    }

    /// The pages of the cache's current generation (see [`SharedPages`]).
    pub fn pages(&self) -> &SharedPages {
        &self.pages
    }

    /// Whether the first list has arrived, and the last error if retrying.
    pub fn sync_state(&self) -> SyncState {
        self.sync.lock().expect("sync lock").clone()
    }

    /// Resolves when the cache changes after `seen` (a generation).
    pub fn subscribe(&self) -> signal::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Waits while the first list is still arriving, at most `limit`. A
    /// watch that is retrying is not waited for: its rows are as last seen
    /// and the page says so, where waiting would hold every page of a busy
    /// cluster for `limit` each time its watch drops.
    pub async fn synced(&self, limit: Duration) -> bool {
        let mut changes = self.subscribe();
        let wait = async {
            loop {
                if self.sync_state() != SyncState::Syncing {
                    return;
                }
                if changes.changed().await.is_err() {
                    return;
                }
            }
        };
        let _ = tokio::time::timeout(limit, wait).await;
        self.sync_state() == SyncState::Synced
    }

    /// Counts a live viewer until the guard drops.
    pub fn viewer(self: &Arc<Self>) -> ViewerGuard {
        self.viewers.fetch_add(1, Ordering::AcqRel);
        ViewerGuard {
            watch: self.clone(),
        }
    }

    /// Live viewers now.
    pub fn viewers(&self) -> usize {
        self.viewers.load(Ordering::Acquire)
    }

    /// How many times the list was (re)fetched.
    pub fn relists(&self) -> u64 {
        self.relists.load(Ordering::Relaxed)
    }

    /// Whether nobody has looked for `idle`.
    pub fn idle_for(&self, idle: Duration) -> bool {
        self.viewers() == 0 && self.last_used.lock().expect("use lock").elapsed() >= idle
    }

    /// Stops the upstream watch.
    pub fn stop(&self) {
        if let Some(task) = self.task.lock().expect("task lock").take() {
            task.abort();
        }
    }

    fn touch(&self) {
        *self.last_used.lock().expect("use lock") = Instant::now();
    }

    fn write(&self, f: impl FnOnce(&mut RowCache) -> bool) {
        let (changed, generation) = {
            let mut cache = self.cache.write().expect("cache lock");
            let changed = f(&mut cache);
            (changed, cache.generation())
        };
        if changed {
            self.changed.send_replace(generation);
        }
    }

    fn set_sync(&self, state: SyncState) {
        let mut sync = self.sync.lock().expect("sync lock");
        if *sync != state {
            *sync = state;
            drop(sync);
            // Views show the sync state, so it counts as a change.
            self.changed.send_modify(|_| {});
        }
    }
}

impl Drop for KindWatch {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Keeps a watch counted as viewed.
pub struct ViewerGuard {
    watch: Arc<KindWatch>,
}

impl ViewerGuard {
    /// The watch being viewed.
    pub fn watch(&self) -> &Arc<KindWatch> {
        &self.watch
    }
}

impl Drop for ViewerGuard {
    fn drop(&mut self) {
        self.watch.viewers.fetch_sub(1, Ordering::AcqRel);
        self.watch.touch();
    }
}

/// The watch loop; ends when the [`KindWatch`] is dropped or stopped.
async fn run(client: Client, watch: std::sync::Weak<KindWatch>) {
    let Some(info) = watch.upgrade().map(|w| w.info.clone()) else {
        return;
    };
    let api: Api<DynamicObject> = Api::all_with(client, &api_resource(&info));
    let config = watcher::Config::default().page_size(500);
    let mut events = watcher::watcher(api, config).default_backoff().boxed();
    let mut relist: Option<Vec<Row>> = None;
    while let Some(event) = events.next().await {
        let Some(watch) = watch.upgrade() else { return };
        match event {
            Ok(Event::Init) => {
                watch.relists.fetch_add(1, Ordering::Relaxed);
                relist = Some(Vec::new());
            }
            Ok(Event::InitApply(object)) => {
                if let Some(rows) = relist.as_mut() {
                    rows.push(project(&info, &object));
                }
            }
            Ok(Event::InitDone) => {
                let rows = relist.take().unwrap_or_default();
                watch.write(|cache| {
                    cache.replace_all(rows);
                    true
                });
                watch.set_sync(SyncState::Synced);
            }
            Ok(Event::Apply(object)) => {
                let row = project(&info, &object);
                watch.write(|cache| cache.upsert(row));
                watch.set_sync(SyncState::Synced);
            }
            Ok(Event::Delete(object)) => {
                let namespace = object.metadata.namespace.clone();
                let name = object.metadata.name.clone().unwrap_or_default();
                watch.write(|cache| cache.remove(namespace.as_deref(), &name));
            }
            Err(err) => {
                // Operators should hear of it: while a watch retries (and
                // after a 410, relists), its views show rows as last seen.
                tracing::warn!(kind = %info.key.slug(), error = %err, "watch failed; retrying");
                // Rows stay as last seen; the page says the list is stale.
                watch.set_sync(SyncState::Retrying {
                    error: one_line(&err),
                });
            }
        }
    }
}

/// The row of a watched object; the whole object is dropped right after.
fn project(info: &KindInfo, object: &DynamicObject) -> Row {
    match serde_json::to_value(object) {
        Ok(value) => rows::project(info, &value),
        Err(_) => Row {
            name: object.metadata.name.clone().unwrap_or_default(),
            namespace: object.metadata.namespace.clone(),
            ..Row::default()
        },
    }
}

/// An error and its causes on one line, for the UI.
pub fn one_line(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause = cause.to_string();
        if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
        source = cause_of(source);
    }
    text.replace('\n', " ")
}

fn cause_of<'a>(
    err: Option<&'a (dyn std::error::Error + 'static)>,
) -> Option<&'a (dyn std::error::Error + 'static)> {
    err.and_then(|e| e.source())
}
