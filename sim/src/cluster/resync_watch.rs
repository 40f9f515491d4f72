//! A store watch that survives history compaction: on `Expired` it starts
//! over from the current state and says so, like a client-go informer
//! relisting after a 410. Used by the scheduler, kubelets and node lifecycle.

use std::sync::Arc;

use crate::registry::ResourceId;
use crate::store::{EventType, Store, StoredObject, WatchError, WatchFilter, WatchStart, Watcher};

/// One thing a [`ResyncWatch`] reports.
#[derive(Debug, Clone)]
pub enum Change {
    /// The history was lost: forget cached state; ADDED events for
    /// everything that exists now follow.
    Reset,
    Event(EventType, Arc<StoredObject>),
}

/// A self-healing watch on one resource type, starting with the current state.
pub struct ResyncWatch {
    store: Store,
    id: ResourceId,
    filter: WatchFilter,
    watcher: Watcher,
}

impl ResyncWatch {
    /// Watches `id` from its current state (synthetic ADDED events first).
    pub fn new(store: &Store, id: ResourceId, filter: WatchFilter) -> Self {
        let watcher = store
            .watch(&id, filter.clone(), WatchStart::CurrentState)
            .expect("built-in resource types are always served");
        Self {
            store: store.clone(),
            id,
            filter,
            watcher,
        }
    }

    /// The next batch of changes. Cancel-safe. Pending forever once the
    /// store is closed.
    pub async fn next(&mut self) -> Vec<Change> {
        match self.watcher.next().await {
            Ok(batch) => batch
                .into_iter()
                .map(|d| Change::Event(d.event_type, d.object))
                .collect(),
            Err(WatchError::Expired { .. }) => {
                self.watcher = self
                    .store
                    .watch(&self.id, self.filter.clone(), WatchStart::CurrentState)
                    .expect("built-in resource types are always served");
                vec![Change::Reset]
            }
            Err(WatchError::Closed) => std::future::pending().await,
        }
    }
}
