//! The machinery every controller shares: a de-duplicating work queue keyed
//! by object, watch loops that turn events into keys, and a worker that
//! reconciles one key at a time from the store's current state.
//!
//! Controllers are level-triggered like upstream's: an event only says
//! "look at this object again"; what to do is decided from what is stored
//! now, so missed or merged events cost nothing but a later look.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::registry::ResourceId;
use crate::store::{EventType, Store, StoreError, WatchError, WatchFilter, WatchStart};

/// An object's key: (namespace, name).
pub type Key = (String, String);

/// What a reconcile asks for: nothing more, or another look after a
/// simulated delay (minReadySeconds, deadlines, schedules).
pub type Requeue = Option<Duration>;

/// Maps a watch event (type, object) to the keys of the objects to reconcile.
pub type Mapper = Arc<dyn Fn(&Store, EventType, &Value) -> Vec<Key> + Send + Sync>;

/// Reconciles one key.
pub type Reconcile = Arc<dyn Fn(&Key) -> Result<Requeue, StoreError> + Send + Sync>;

/// A work queue: a key queued twice before it is taken is reconciled once.
#[derive(Clone)]
pub struct Queue {
    inner: Arc<Mutex<QueueInner>>,
    notify: Arc<Notify>,
    clock: Clock,
}

#[derive(Default)]
struct QueueInner {
    order: VecDeque<Key>,
    queued: HashSet<Key>,
    /// Earliest pending delayed add per key (avoids piling up timers).
    delayed: HashMap<Key, DateTime<Utc>>,
}

impl Queue {
    pub fn new(clock: Clock) -> Self {
        Self {
            inner: Arc::default(),
            notify: Arc::new(Notify::new()),
            clock,
        }
    }

    /// Queues `key` unless it already waits.
    pub fn add(&self, key: Key) {
        let mut q = self.inner.lock().expect("queue lock");
        if q.queued.insert(key.clone()) {
            q.order.push_back(key);
            drop(q);
            self.notify.notify_one();
        }
    }

    /// Queues `key` after `delay` of simulated time.
    pub fn add_after(&self, key: Key, delay: Duration) {
        let at = self.clock.now() + chrono::Duration::from_std(delay).unwrap_or_default();
        {
            let mut q = self.inner.lock().expect("queue lock");
            if q.delayed.get(&key).is_some_and(|t| *t <= at) {
                return;
            }
            q.delayed.insert(key.clone(), at);
        }
        let queue = self.clone();
        tokio::spawn(async move {
            queue.clock.sleep_until(at).await;
            {
                let mut q = queue.inner.lock().expect("queue lock");
                if q.delayed.get(&key) == Some(&at) {
                    q.delayed.remove(&key);
                }
            }
            queue.add(key);
        });
    }

    async fn next(&self) -> Key {
        loop {
            let notified = self.notify.notified();
            {
                let mut q = self.inner.lock().expect("queue lock");
                if let Some(key) = q.order.pop_front() {
                    q.queued.remove(&key);
                    return key;
                }
            }
            notified.await;
        }
    }
}

/// A controller: the types it watches and its reconcile function.
pub struct Controller {
    pub name: &'static str,
    pub queue: Queue,
    pub watches: Vec<(ResourceId, Mapper)>,
    pub reconcile: Reconcile,
}

impl Controller {
    /// Spawns the watch loops and the worker; they end on shutdown.
    pub fn spawn(
        self,
        store: &Store,
        shutdown: &tokio::sync::watch::Receiver<bool>,
    ) -> Vec<JoinHandle<()>> {
        let mut tasks = Vec::new();
        for (id, mapper) in self.watches {
            let store = store.clone();
            let queue = self.queue.clone();
            let mut stop = shutdown.clone();
            let name = self.name;
            tasks.push(tokio::spawn(async move {
                tokio::select! {
                    _ = watch_loop(&store, &id, &mapper, &queue, name) => {}
                    _ = stop.wait_for(|s| *s) => {}
                }
            }));
        }
        let queue = self.queue.clone();
        let reconcile = self.reconcile;
        let mut stop = shutdown.clone();
        let name = self.name;
        tasks.push(tokio::spawn(async move {
            let work = async {
                loop {
                    let key = queue.next().await;
                    match reconcile(&key) {
                        Ok(None) => {}
                        Ok(Some(delay)) => queue.add_after(key, delay),
                        Err(StoreError::NotFound { .. }) => {}
                        Err(err) => {
                            tracing::debug!(controller = name, ?key, %err, "reconcile failed; retrying");
                            queue.add_after(key, Duration::from_secs(2));
                        }
                    }
                    // Let the watch loops and the API run between keys.
                    tokio::task::yield_now().await;
                }
            };
            tokio::select! {
                _ = work => {}
                _ = stop.wait_for(|s| *s) => {}
            }
        }));
        tasks
    }
}

/// Watches `id` from its current state; on 410 Expired starts over (which
/// re-queues everything, as a relist does).
async fn watch_loop(store: &Store, id: &ResourceId, mapper: &Mapper, queue: &Queue, name: &str) {
    loop {
        let Ok(mut watcher) = store.watch(id, WatchFilter::default(), WatchStart::CurrentState)
        else {
            return;
        };
        loop {
            match watcher.next().await {
                Ok(batch) => {
                    for event in batch {
                        for key in mapper(store, event.event_type, event.object.value()) {
                            queue.add(key);
                        }
                    }
                }
                Err(WatchError::Expired { .. }) => {
                    tracing::debug!(controller = name, resource = %id.qualified(), "watch expired; relisting");
                    break;
                }
                Err(WatchError::Closed) => return,
            }
        }
    }
}

/// A mapper that queues the object itself.
pub fn own_key() -> Mapper {
    Arc::new(|_, _, obj| vec![key_of(obj)])
}

/// A mapper that queues the controlling owner of kind `kind` (pods → their
/// ReplicaSet, …), or for objects without a controller every object of type
/// `owner_type` in the namespace (they may adopt it).
pub fn owner_key(kind: &'static str, owner_type: ResourceId) -> Mapper {
    Arc::new(
        move |store, _, obj| match super::util::controller_ref(obj) {
            Some(r) if r["kind"] == kind => {
                vec![(
                    crate::store::object::namespace(obj).to_string(),
                    r["name"].as_str().unwrap_or_default().to_string(),
                )]
            }
            Some(_) => Vec::new(),
            None => super::util::matching_owners(store, &owner_type, obj),
        },
    )
}

/// (namespace, name) of an object.
pub fn key_of(obj: &Value) -> Key {
    (
        crate::store::object::namespace(obj).to_string(),
        crate::store::object::name(obj).to_string(),
    )
}
