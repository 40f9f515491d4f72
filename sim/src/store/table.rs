//! The objects of one resource type: a persistent ordered map (so a list
//! snapshot is an O(1) clone), a `spec.nodeName` index for pods, and the
//! bounded history of watch events.

use std::collections::VecDeque;
use std::sync::Arc;

use imbl::{OrdMap, OrdSet};

use super::object::{ObjectKey, StoredObject};
use super::watch::WatchEvent;

/// Objects keyed by (namespace, name).
pub type ObjectMap = OrdMap<ObjectKey, Arc<StoredObject>>;

/// One resource type's state.
pub(super) struct ResourceTable {
    pub objects: ObjectMap,
    /// (nodeName, namespace, name) of pods bound to a node.
    pub by_node: OrdSet<(String, String, String)>,
    /// Events, oldest first, at most `capacity`.
    pub history: VecDeque<Arc<WatchEvent>>,
    /// Watches from a revision below this one have lost events: 410.
    pub compacted_rv: u64,
    pub capacity: usize,
    pub notify: tokio::sync::watch::Sender<u64>,
    index_node_name: bool,
}

impl ResourceTable {
    /// An empty table whose history starts after `compacted_rv` (0, or
    /// the revision of a restored state: nothing before it can be replayed).
    pub fn new(capacity: usize, index_node_name: bool, compacted_rv: u64) -> Self {
        Self {
            objects: OrdMap::new(),
            by_node: OrdSet::new(),
            history: VecDeque::new(),
            compacted_rv,
            capacity: capacity.max(1),
            notify: tokio::sync::watch::channel(0).0,
            index_node_name,
        }
    }

    /// Replaces (or inserts, or with `None` removes) the object at `key`,
    /// keeping the node index in step.
    pub fn put(
        &mut self,
        key: ObjectKey,
        object: Option<Arc<StoredObject>>,
    ) -> Option<Arc<StoredObject>> {
        let old = match object {
            Some(obj) => {
                if self.index_node_name {
                    self.index(&key, Some(&obj));
                }
                self.objects.insert(key.clone(), obj)
            }
            None => self.objects.remove(&key),
        };
        if self.index_node_name
            && let Some(old) = &old
        {
            let old_node = node_name(old);
            let new_node = self.objects.get(&key).map(|o| node_name(o).to_string());
            if !old_node.is_empty() && new_node.as_deref() != Some(old_node) {
                self.by_node
                    .remove(&(old_node.to_string(), key.0.clone(), key.1.clone()));
            }
        }
        old
    }

    fn index(&mut self, key: &ObjectKey, obj: Option<&Arc<StoredObject>>) {
        if let Some(obj) = obj {
            let node = node_name(obj);
            if !node.is_empty() {
                self.by_node
                    .insert((node.to_string(), key.0.clone(), key.1.clone()));
            }
        }
    }

    /// Appends an event, trims the window and wakes the watchers.
    pub fn record(&mut self, event: WatchEvent) {
        let rv = event.rv;
        self.history.push_back(Arc::new(event));
        while self.history.len() > self.capacity {
            if let Some(old) = self.history.pop_front() {
                self.compacted_rv = old.rv;
            }
        }
        self.notify.send_replace(rv);
    }

    /// Drops the whole history: watchers behind `rv` get 410.
    pub fn compact(&mut self, rv: u64) {
        self.history.clear();
        self.compacted_rv = rv;
        self.notify.send_replace(rv);
    }
}

fn node_name(obj: &StoredObject) -> &str {
    obj.value()["spec"]["nodeName"].as_str().unwrap_or_default()
}
