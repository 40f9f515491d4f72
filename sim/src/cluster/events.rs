//! Events: what the scheduler, kubelets and controllers did, in the form
//! `kubectl describe` lists under "Events:".
//!
//! Like client-go's recorder, a repeat of the same event (same object,
//! type, reason and message) raises `count` and `lastTimestamp` of the first
//! one instead of writing a new object.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::registry::builtin::ids;
use crate::store::{Store, Target, WriteOptions};

/// `type` of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "Normal",
            Self::Warning => "Warning",
        }
    }
}

/// (uid, type, reason, field path and message) of an event already written.
type SeenKey = (String, &'static str, String, String);

/// Writes events for one component (`default-scheduler`, `kubelet`,
/// `deployment-controller`, …). Cheap to clone.
#[derive(Clone)]
pub struct EventRecorder {
    store: Store,
    component: String,
    /// (uid, type, reason, message) → (namespace, event name) of the first one.
    seen: Arc<Mutex<HashMap<SeenKey, (String, String)>>>,
}

impl EventRecorder {
    pub fn new(store: Store, component: impl Into<String>) -> Self {
        Self {
            store,
            component: component.into(),
            seen: Arc::default(),
        }
    }

    /// Records an event about `object` (any stored object: its kind,
    /// apiVersion, namespace, name and uid are read from it). `host` is the
    /// node for kubelet events. Failures are logged and dropped: an event is
    /// never worth failing the action it describes.
    pub fn record(
        &self,
        object: &Value,
        event_type: EventType,
        reason: &str,
        message: &str,
        host: Option<&str>,
    ) {
        self.record_at(object, None, event_type, reason, message, host);
    }

    /// Like [`record`](Self::record) for a part of the object, such as
    /// `spec.containers{nginx}`.
    pub fn record_at(
        &self,
        object: &Value,
        field_path: Option<&str>,
        event_type: EventType,
        reason: &str,
        message: &str,
        host: Option<&str>,
    ) {
        let meta = &object["metadata"];
        let uid = meta["uid"].as_str().unwrap_or_default().to_owned();
        let name = meta["name"].as_str().unwrap_or_default();
        // Cluster-scoped objects (nodes) get their events in `default`.
        let namespace = meta["namespace"].as_str().unwrap_or("default").to_owned();
        let now = self.store.clock().now_rfc3339();
        let key = (
            uid.clone(),
            event_type.as_str(),
            reason.to_owned(),
            format!("{}|{message}", field_path.unwrap_or_default()),
        );

        let previous = self.seen.lock().expect("poisoned").get(&key).cloned();
        if let Some((ns, event_name)) = previous {
            let bumped =
                self.store
                    .modify(&ids::events(), &ns, &event_name, Target::Main, |event| {
                        let count = event["count"].as_i64().unwrap_or(1);
                        event["count"] = json!(count + 1);
                        event["lastTimestamp"] = json!(now);
                        Ok(())
                    });
            if bumped.is_ok() {
                return;
            }
            // The event expired or was deleted: write a fresh one.
        }

        let mut involved = json!({
            "kind": object["kind"],
            "apiVersion": object["apiVersion"],
            "name": name,
            "uid": uid,
            "resourceVersion": meta["resourceVersion"],
        });
        if meta["namespace"].is_string() {
            involved["namespace"] = json!(namespace);
        }
        if let Some(path) = field_path {
            involved["fieldPath"] = json!(path);
        }
        let event_name = format!(
            "{name}.{:x}",
            self.store.clock().now().timestamp_nanos_opt().unwrap_or(0)
        );
        let event = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": { "name": event_name, "namespace": namespace },
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "type": event_type.as_str(),
            "count": 1,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "source": match host {
                Some(host) => json!({ "component": self.component, "host": host }),
                None => json!({ "component": self.component }),
            },
            "reportingComponent": self.component,
            "reportingInstance": host.unwrap_or(""),
        });
        match self
            .store
            .create(&ids::events(), &namespace, event, WriteOptions::default())
        {
            Ok(created) => {
                let mut seen = self.seen.lock().expect("poisoned");
                // Bounded memory: forgetting only costs a duplicate event.
                if seen.len() >= 10_000 {
                    seen.clear();
                }
                seen.insert(key, (namespace, created.name().to_owned()));
            }
            Err(err) => tracing::debug!(%err, reason, "event not recorded"),
        }
    }
}
