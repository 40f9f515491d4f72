//! Watch events and watchers.
//!
//! Every write appends one [`WatchEvent`] to the history ring of its resource
//! type; the event's wire line (`{"type":…,"object":…}\n`) is encoded once,
//! there, and every watcher whose filter matches copies those bytes. A
//! watcher is a cursor (the last revision it has seen) into that ring plus a
//! filter; it wakes on a per-type notification, so an idle watch costs
//! nothing and a slow one cannot hold writers back.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};

use super::object::StoredObject;
use super::{Store, StoreError};
use crate::registry::ResourceId;
use crate::selector::{FieldSelector, LabelSelector};

/// The type of a watch event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    /// `ADDED`, `MODIFIED`, `DELETED`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change to one object, as stored in the history window.
#[derive(Debug)]
pub struct WatchEvent {
    /// The revision of this change (for DELETED, a new revision).
    pub rv: u64,
    pub event_type: EventType,
    /// The object after the change (for DELETED, the last state with the
    /// deletion's revision).
    pub object: Arc<StoredObject>,
    /// The object before the change (absent for ADDED).
    pub previous: Option<Arc<StoredObject>>,
    line: Bytes,
}

impl WatchEvent {
    pub(crate) fn new(
        event_type: EventType,
        object: Arc<StoredObject>,
        previous: Option<Arc<StoredObject>>,
    ) -> Self {
        let line = encode_line(event_type.as_str(), object.json());
        Self {
            rv: object.resource_version(),
            event_type,
            object,
            previous,
            line,
        }
    }

    /// The event as one line of a JSON watch stream.
    pub fn line(&self) -> &Bytes {
        &self.line
    }
}

/// Encodes `{"type":"T","object":OBJ}\n`.
pub fn encode_line(event_type: &str, object_json: &[u8]) -> Bytes {
    let mut b = BytesMut::with_capacity(object_json.len() + 32);
    b.put_slice(b"{\"type\":\"");
    b.put_slice(event_type.as_bytes());
    b.put_slice(b"\",\"object\":");
    b.put_slice(object_json);
    b.put_slice(b"}\n");
    b.freeze()
}

/// What a watch selects: a namespace and label/field selectors.
#[derive(Debug, Clone, Default)]
pub struct WatchFilter {
    /// Only objects in this namespace (None = all).
    pub namespace: Option<String>,
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl WatchFilter {
    /// True if the object is selected.
    pub fn matches(&self, obj: &StoredObject) -> bool {
        if let Some(ns) = &self.namespace
            && obj.namespace() != ns
        {
            return false;
        }
        self.labels.matches(obj.value()) && self.fields.matches(obj.value())
    }

    /// How this watcher sees `event`: an object entering the selection is
    /// ADDED, one leaving it is DELETED, one outside it is not seen.
    pub fn classify(&self, event: &WatchEvent) -> Option<EventType> {
        let now = self.matches(&event.object);
        let before = event.previous.as_ref().is_some_and(|p| self.matches(p));
        match event.event_type {
            EventType::Added => now.then_some(EventType::Added),
            EventType::Deleted => (now || before).then_some(EventType::Deleted),
            EventType::Modified => match (before, now) {
                (true, true) => Some(EventType::Modified),
                (false, true) => Some(EventType::Added),
                (true, false) => Some(EventType::Deleted),
                (false, false) => None,
            },
        }
    }
}

/// Where a watch starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchStart {
    /// Synthetic ADDED events for the current state, then changes
    /// (resourceVersion `0` or unset).
    CurrentState,
    /// Changes after this revision; a revision older than the history window
    /// yields [`WatchError::Expired`] from the first `next`.
    After(u64),
}

/// One event delivered to a watcher.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub event_type: EventType,
    pub object: Arc<StoredObject>,
    line: Option<Bytes>,
}

impl Delivered {
    /// The wire line, reused from the stored event when the type is unchanged.
    pub fn line(&self) -> Bytes {
        match &self.line {
            Some(l) => l.clone(),
            None => encode_line(self.event_type.as_str(), self.object.json()),
        }
    }
}

/// Why a watch cannot continue.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WatchError {
    /// The requested revision is older than the history window (HTTP layer:
    /// an in-stream ERROR event with a 410 Expired Status).
    #[error("too old resource version: {requested} ({oldest})")]
    Expired { requested: u64, oldest: u64 },
    /// The store was shut down.
    #[error("the store is shutting down")]
    Closed,
}

/// A live watch on one resource type. Created by [`Store::watch`].
pub struct Watcher {
    pub(super) store: Store,
    pub(super) id: ResourceId,
    pub(super) filter: WatchFilter,
    pub(super) cursor: u64,
    pub(super) initial: VecDeque<Arc<StoredObject>>,
    pub(super) notify: tokio::sync::watch::Receiver<u64>,
}

impl Watcher {
    /// The revision up to which this watcher has seen every change (the RV
    /// a BOOKMARK reports).
    pub fn resource_version(&self) -> u64 {
        self.cursor
    }

    /// True while synthetic ADDED events of the initial state remain.
    pub fn has_initial_events(&self) -> bool {
        !self.initial.is_empty()
    }

    /// Waits for the next batch of events (never empty). Cancel-safe.
    pub async fn next(&mut self) -> Result<Vec<Delivered>, WatchError> {
        if !self.initial.is_empty() {
            let n = self.initial.len().min(256);
            return Ok(self
                .initial
                .drain(..n)
                .map(|object| Delivered {
                    event_type: EventType::Added,
                    object,
                    line: None,
                })
                .collect());
        }
        loop {
            let batch = self.store.events_after(
                &self.id,
                &mut self.cursor,
                &self.filter,
                &mut self.notify,
            )?;
            if !batch.is_empty() {
                return Ok(batch);
            }
            if self.notify.changed().await.is_err() {
                return Err(WatchError::Closed);
            }
        }
    }
}

impl Store {
    /// Collects the events after `*cursor` that `filter` selects and moves the
    /// cursor to the newest revision seen.
    fn events_after(
        &self,
        id: &ResourceId,
        cursor: &mut u64,
        filter: &WatchFilter,
        notify: &mut tokio::sync::watch::Receiver<u64>,
    ) -> Result<Vec<Delivered>, WatchError> {
        let state = self.lock();
        notify.borrow_and_update();
        let Some(table) = state.tables.get(id) else {
            *cursor = (*cursor).max(state.rv);
            return Ok(Vec::new());
        };
        if *cursor < table.compacted_rv {
            return Err(WatchError::Expired {
                requested: *cursor,
                oldest: table.compacted_rv,
            });
        }
        let start = table.history.partition_point(|e| e.rv <= *cursor);
        let mut out = Vec::new();
        for e in table.history.range(start..) {
            if let Some(t) = filter.classify(e) {
                let line = (t == e.event_type).then(|| e.line().clone());
                out.push(Delivered {
                    event_type: t,
                    object: e.object.clone(),
                    line,
                });
            }
        }
        *cursor = (*cursor).max(state.rv);
        Ok(out)
    }
}

impl From<WatchError> for StoreError {
    fn from(e: WatchError) -> Self {
        match e {
            WatchError::Expired { .. } => StoreError::Expired(e.to_string()),
            WatchError::Closed => StoreError::Internal(e.to_string()),
        }
    }
}
