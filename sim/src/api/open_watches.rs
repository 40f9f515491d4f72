//! Open watch streams per resource type, reported by `GET /sim/v1/watches`.
//!
//! Pilothouse's live views promise one upstream watch per (cluster, kind)
//! however many browsers look; the gateway's acceptance test proves that by
//! reading these counts. Only client streams over HTTP are counted, not the
//! simulator's own controllers (they read the store directly). A stream
//! holds a [`WatchGuard`] for as long as its task runs, so the count falls
//! as soon as the stream ends for any reason: the client went away, the
//! timeout, a dropped-watches fault, a 410, or shutdown.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// A served resource type as clients address it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WatchedType {
    pub group: String,
    pub version: String,
    pub resource: String,
}

/// Counts of open watch streams. Cheap to clone; clones share the counts.
#[derive(Debug, Clone, Default)]
pub struct OpenWatches {
    counts: Arc<Mutex<BTreeMap<WatchedType, usize>>>,
}

/// One open stream; dropping it closes it in the counts.
#[derive(Debug)]
pub struct WatchGuard {
    owner: OpenWatches,
    key: WatchedType,
}

impl OpenWatches {
    /// Records a stream of `key` opening.
    pub fn open(&self, key: WatchedType) -> WatchGuard {
        *self.lock().entry(key.clone()).or_default() += 1;
        WatchGuard {
            owner: self.clone(),
            key,
        }
    }

    /// The open streams of `key`.
    pub fn count(&self, key: &WatchedType) -> usize {
        self.lock().get(key).copied().unwrap_or(0)
    }

    /// `{"watches":[{"group","version","resource","count"}]}`, types with
    /// open streams only, ordered by group, version and resource.
    pub fn to_json(&self) -> Value {
        let watches: Vec<Value> = self
            .lock()
            .iter()
            .map(|(t, n)| {
                json!({"group": t.group, "version": t.version, "resource": t.resource, "count": n})
            })
            .collect();
        json!({ "watches": watches })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<WatchedType, usize>> {
        self.counts.lock().expect("poisoned")
    }
}

impl Drop for WatchGuard {
    fn drop(&mut self) {
        let mut counts = self.owner.lock();
        if let Some(n) = counts.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pods() -> WatchedType {
        WatchedType {
            group: String::new(),
            version: "v1".into(),
            resource: "pods".into(),
        }
    }

    #[test]
    fn counts_follow_the_guards() {
        let open = OpenWatches::default();
        let a = open.open(pods());
        let b = open.open(pods());
        assert_eq!(
            open.to_json(),
            json!({"watches": [{"group": "", "version": "v1", "resource": "pods", "count": 2}]})
        );
        drop(a);
        assert_eq!(open.count(&pods()), 1);
        drop(b);
        assert_eq!(open.to_json(), json!({"watches": []}));
    }
}
