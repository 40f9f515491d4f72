//! The in-memory object store: the simulator's etcd and watch cache in one.
//!
//! Every write — from an HTTP client or from a simulated controller — goes
//! through the same methods here: admission (defaulting and validation),
//! optimistic concurrency on `resourceVersion`, one global revision counter,
//! and one watch event per change. Controllers never mutate objects any other
//! way, so everything they do is visible to watchers like any client's write.

mod apply;
mod error;
mod list;
pub mod object;
mod persist;
pub mod quota;
mod table;
pub mod watch;
mod write;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc;

pub use crate::selector::{FieldSelector, LabelSelector, SelectorError};
pub use apply::Apply;
pub use error::{Cause, StoreError};
pub use list::{ListOptions, ListResult};
pub use object::{ObjectKey, StoredObject};
pub use persist::Snapshot;
pub use watch::{Delivered, EventType, WatchError, WatchEvent, WatchFilter, WatchStart, Watcher};
pub use write::{DeleteOptions, DeleteOutcome, Patch, Propagation, Target, WriteOptions};

use crate::clock::Clock;
use crate::registry::{Registry, ResourceId, ResourceType};
use table::ResourceTable;

/// Tunables of the store.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Watch events kept per resource type; older revisions get 410.
    pub history_per_type: usize,
    /// How many list snapshots are kept for `continue` tokens.
    pub max_snapshots: usize,
    /// How long a `continue` token stays valid (real time).
    pub snapshot_ttl: std::time::Duration,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            history_per_type: 20_000,
            max_snapshots: 64,
            snapshot_ttl: std::time::Duration::from_secs(300),
        }
    }
}

/// Identifies one stored object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub resource: ResourceId,
    pub namespace: String,
    pub name: String,
}

/// Work for the garbage collector, queued by writes (see `crate::gc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GcWork {
    /// An object is gone: its dependents may be orphaned now.
    Removed { uid: String },
    /// An object is being deleted with `foregroundDeletion` or `orphan`
    /// finalizers, or is a namespace being emptied.
    Deleting(ObjectRef),
    /// A pod was deleted gracefully; finish it after its grace period.
    PodGrace(ObjectRef),
}

/// A handle on the store. Cheap to clone; all clones share one state.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    registry: Registry,
    clock: Clock,
    config: StoreConfig,
    gc_tx: mpsc::UnboundedSender<GcWork>,
    gc_rx: Mutex<Option<mpsc::UnboundedReceiver<GcWork>>>,
    next_cluster_ip: AtomicU32,
}

struct State {
    rv: u64,
    tables: HashMap<ResourceId, ResourceTable>,
    /// owner uid → dependents.
    owners: HashMap<String, BTreeSet<ObjectRef>>,
    snapshots: VecDeque<list::Snapshot>,
    /// The revision a saved state was restored at (0 if none): watches
    /// from before it cannot be replayed, in tables made later too.
    restored_rv: u64,
}

impl State {
    /// The table of `id`, made empty if it has none yet.
    fn table_mut(&mut self, id: &ResourceId, capacity: usize) -> &mut ResourceTable {
        let floor = self.restored_rv;
        self.tables.entry(id.clone()).or_insert_with(|| {
            ResourceTable::new(
                capacity,
                id.resource == "pods" && id.group.is_empty(),
                floor,
            )
        })
    }
}

impl Store {
    /// An empty store serving the built-in kinds.
    pub fn new(config: StoreConfig, clock: Clock) -> Self {
        let (gc_tx, gc_rx) = mpsc::unbounded_channel();
        Self {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    rv: 0,
                    tables: HashMap::new(),
                    owners: HashMap::new(),
                    snapshots: VecDeque::new(),
                    restored_rv: 0,
                }),
                registry: Registry::with_builtins(),
                clock,
                config,
                gc_tx,
                gc_rx: Mutex::new(Some(gc_rx)),
                next_cluster_ip: AtomicU32::new(1),
            }),
        }
    }

    /// The served resource types (grows and shrinks with CRDs).
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The simulated clock.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// The newest revision.
    pub fn current_rv(&self) -> u64 {
        self.lock().rv
    }

    /// The revision of the newest change to objects of `id` (0 before the
    /// first): tells a cache of one kind, such as RBAC's policy, whether
    /// it is stale without listing.
    pub fn type_revision(&self, id: &ResourceId) -> u64 {
        self.lock().tables.get(id).map_or(0, |t| *t.notify.borrow())
    }

    /// The resource type stored under `id`, or a 404 naming it.
    pub fn resource_type(&self, id: &ResourceId) -> Result<Arc<ResourceType>, StoreError> {
        self.inner
            .registry
            .by_id(id)
            .ok_or_else(|| StoreError::NotFound {
                resource: id.qualified(),
                name: String::new(),
            })
    }

    /// Reads one object.
    pub fn get(
        &self,
        id: &ResourceId,
        namespace: &str,
        name: &str,
    ) -> Result<Arc<StoredObject>, StoreError> {
        let state = self.lock();
        state
            .tables
            .get(id)
            .and_then(|t| {
                t.objects
                    .get(&(namespace.to_string(), name.to_string()))
                    .cloned()
            })
            .ok_or_else(|| StoreError::not_found(id.qualified(), name))
    }

    /// The objects whose `ownerReferences` name `owner_uid`.
    pub fn dependents(&self, owner_uid: &str) -> Vec<ObjectRef> {
        self.lock()
            .owners
            .get(owner_uid)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Starts a watch on `id`. Errors only for selectors of unknown types;
    /// a too-old `start` surfaces as [`WatchError::Expired`] from `next`.
    pub fn watch(
        &self,
        id: &ResourceId,
        filter: WatchFilter,
        start: WatchStart,
    ) -> Result<Watcher, StoreError> {
        self.resource_type(id)?;
        let mut state = self.lock();
        let capacity = self.inner.config.history_per_type;
        let rv = state.rv;
        let table = state.table_mut(id, capacity);
        let notify = table.notify.subscribe();
        let (cursor, initial) = match start {
            WatchStart::After(rv) => (rv, VecDeque::new()),
            WatchStart::CurrentState => {
                let objects = table.objects.clone();
                drop(state);
                let initial = objects
                    .values()
                    .filter(|o| filter.matches(o))
                    .cloned()
                    .collect();
                (rv, initial)
            }
        };
        Ok(Watcher {
            store: self.clone(),
            id: id.clone(),
            filter,
            cursor,
            initial,
            notify,
        })
    }

    /// Drops every type's watch history and bumps the revision, so every
    /// open watch and every resume from an older revision gets 410 Expired
    /// (fault injection: what a real etcd compaction does to lagging clients).
    pub fn force_compaction(&self) {
        let mut state = self.lock();
        state.rv += 1;
        let rv = state.rv;
        for table in state.tables.values_mut() {
            table.compact(rv);
        }
        state.snapshots.clear();
    }

    /// Takes the garbage-collection work queue (once; `crate::gc` does).
    pub fn take_gc_queue(&self) -> Option<mpsc::UnboundedReceiver<GcWork>> {
        self.inner.gc_rx.lock().expect("gc queue lock").take()
    }

    /// Queues garbage-collection work (used by `crate::gc` to retry).
    pub fn queue_gc(&self, work: GcWork) {
        let _ = self.inner.gc_tx.send(work);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}
