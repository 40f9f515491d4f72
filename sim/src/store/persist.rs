//! The store's side of keeping a cluster across restarts (`crate::persist`
//! owns the files): a consistent snapshot of every object to save, and
//! loading a saved state back exactly as it was.
//!
//! Loading is not a write: restored objects keep their uid,
//! creationTimestamp, resourceVersion, generation and status, pass no
//! admission and record no watch event. The global revision continues from
//! the saved one, so no client ever sees revisions go backwards; watches
//! and continue tokens from before the restart get 410 Expired (the history
//! is gone), which makes clients relist as after a compaction.

use std::collections::HashSet;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::Value;

use super::object::{StoredObject, finalizers, owner_uids};
use super::{GcWork, ObjectRef, Store, StoreError};
use crate::registry::{ResourceId, resource_types_from_crd};

/// Every object of the store at one revision.
#[derive(Debug)]
pub struct Snapshot {
    /// The global revision when the snapshot was taken.
    pub revision: u64,
    /// Each type's objects in (namespace, name) order, types in id order;
    /// types without objects are left out.
    pub types: Vec<(ResourceId, Vec<Arc<StoredObject>>)>,
}

/// Where Service cluster IPs are allocated from (10.96.0.0/12, see
/// `admission::AdmissionContext::allocate_cluster_ip`).
const SERVICE_NET: u32 = 0x0a60_0000;

impl Store {
    /// Every object at one revision, taken under the lock in O(types)
    /// (each type's map is a persistent map, cloned in O(1)).
    pub fn snapshot(&self) -> Snapshot {
        let state = self.lock();
        let revision = state.rv;
        let maps: Vec<_> = state
            .tables
            .iter()
            .filter(|(_, t)| !t.objects.is_empty())
            .map(|(id, t)| (id.clone(), t.objects.clone()))
            .collect();
        drop(state);
        let mut types: Vec<_> = maps
            .into_iter()
            .map(|(id, objects)| (id, objects.values().cloned().collect()))
            .collect();
        types.sort_by(|a: &(ResourceId, Vec<_>), b| a.0.cmp(&b.0));
        Snapshot { revision, types }
    }

    /// Only for loading a saved state into a new, empty store (before
    /// anything else writes to it): inserts `objects` as they were saved,
    /// bypassing admission, defaulting and uid/timestamp generation, and
    /// recording no watch events. Each object must carry its
    /// `metadata.resourceVersion`. CustomResourceDefinitions are loaded
    /// first, so the types they define are served before their objects
    /// are inserted. The global revision becomes the larger of `revision`
    /// and the highest loaded resourceVersion. Deletions that were under
    /// way (terminating namespaces, graceful pod deletions, foreground and
    /// orphan deletes, dependents of owners that are gone) are handed to
    /// the garbage collector again. Returns how many objects were loaded.
    pub fn restore(
        &self,
        objects: Vec<(ResourceId, Value)>,
        revision: u64,
    ) -> Result<usize, StoreError> {
        if self.current_rv() != 0 {
            return Err(StoreError::Internal(
                "a saved state can only be restored into an empty store".into(),
            ));
        }
        let crd = ResourceId::new("apiextensions.k8s.io", "customresourcedefinitions");
        for (_, value) in objects.iter().filter(|(id, _)| *id == crd) {
            for t in resource_types_from_crd(value) {
                self.registry().insert(t);
            }
        }
        let mut entries = Vec::with_capacity(objects.len());
        for (id, value) in objects {
            let rt = self.resource_type(&id).map_err(|_| {
                StoreError::BadRequest(format!(
                    "the saved state holds {}, a type neither built in nor defined by a saved CRD",
                    id.qualified()
                ))
            })?;
            let name = super::object::name(&value).to_string();
            if name.is_empty() {
                return Err(StoreError::BadRequest(format!(
                    "a saved {} has no metadata.name",
                    id.qualified()
                )));
            }
            let rv = value["metadata"]["resourceVersion"]
                .as_str()
                .and_then(|rv| rv.parse::<u64>().ok())
                .ok_or_else(|| {
                    StoreError::BadRequest(format!(
                        "the saved {} \"{name}\" has no valid metadata.resourceVersion",
                        id.qualified()
                    ))
                })?;
            let namespace = if rt.namespaced {
                super::object::namespace(&value).to_string()
            } else {
                String::new()
            };
            entries.push((id, namespace, name, rv, value));
        }
        let capacity = self.inner.config.history_per_type;
        let mut gc = Vec::new();
        let mut uids = HashSet::new();
        let mut owners = HashSet::new();
        let mut cluster_ips = 0;
        let mut state = self.lock();
        let top = entries.iter().map(|e| e.3).max().unwrap_or(0).max(revision);
        state.rv = top;
        state.restored_rv = top;
        let count = entries.len();
        for (id, namespace, name, rv, value) in entries {
            let reference = ObjectRef {
                resource: id.clone(),
                namespace: namespace.clone(),
                name: name.clone(),
            };
            gc.extend(pending_gc(&reference, &value));
            if id == ResourceId::new("", "services") {
                cluster_ips = cluster_ips.max(cluster_ip_offset(&value) + 1);
            }
            let object = Arc::new(StoredObject::new(value, rv));
            uids.insert(object.uid().to_string());
            for uid in owner_uids(object.value()) {
                owners.insert(uid.clone());
                state
                    .owners
                    .entry(uid)
                    .or_default()
                    .insert(reference.clone());
            }
            let table = state.table_mut(&id, capacity);
            if table.put((namespace, name.clone()), Some(object)).is_some() {
                return Err(StoreError::BadRequest(format!(
                    "the saved state holds {} \"{name}\" twice",
                    id.qualified()
                )));
            }
            if rv > *table.notify.borrow() {
                table.notify.send_replace(rv);
            }
        }
        for table in state.tables.values_mut() {
            table.compacted_rv = top;
        }
        drop(state);
        self.inner
            .next_cluster_ip
            .fetch_max(cluster_ips, Ordering::Relaxed);
        gc.extend(
            owners
                .difference(&uids)
                .map(|uid| GcWork::Removed { uid: uid.clone() }),
        );
        for work in gc {
            self.queue_gc(work);
        }
        Ok(count)
    }
}

/// The garbage collector's work a saved object was waiting for, as
/// `Store::delete` queued it.
fn pending_gc(reference: &ObjectRef, value: &Value) -> Vec<GcWork> {
    let meta = &value["metadata"];
    if meta.get("deletionTimestamp").is_none_or(Value::is_null) {
        return Vec::new();
    }
    let mut work = Vec::new();
    let namespace = reference.resource == ResourceId::new("", "namespaces");
    let propagating = finalizers(value)
        .iter()
        .any(|f| f == "foregroundDeletion" || f == "orphan");
    if namespace || propagating {
        work.push(GcWork::Deleting(reference.clone()));
    }
    if reference.resource == ResourceId::new("", "pods")
        && meta["deletionGracePeriodSeconds"]
            .as_i64()
            .is_some_and(|g| g > 0)
    {
        work.push(GcWork::PodGrace(reference.clone()));
    }
    work
}

/// The allocator offset of a Service's cluster IP (0 for none or one
/// outside the service network), so new Services do not reuse it.
fn cluster_ip_offset(service: &Value) -> u32 {
    service["spec"]["clusterIP"]
        .as_str()
        .and_then(|ip| ip.parse::<Ipv4Addr>().ok())
        .map(u32::from)
        .and_then(|ip| ip.checked_sub(SERVICE_NET))
        .filter(|offset| *offset < 0x000f_fffe)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::clock::Clock;
    use crate::store::{StoreConfig, WatchFilter, WatchStart, WriteOptions};

    fn store() -> Store {
        Store::new(StoreConfig::default(), Clock::real_time())
    }

    #[test]
    fn a_snapshot_restores_as_it_was_and_revisions_continue() {
        let first = store();
        let ns = ResourceId::new("", "namespaces");
        let cm = ResourceId::new("", "configmaps");
        first
            .create(
                &ns,
                "",
                json!({"metadata": {"name": "a"}}),
                WriteOptions::default(),
            )
            .unwrap();
        let made = first
            .create(
                &cm,
                "a",
                json!({"metadata": {"name": "c"}, "data": {"k": "v"}}),
                WriteOptions::default(),
            )
            .unwrap();
        let snapshot = first.snapshot();
        let objects = snapshot
            .types
            .iter()
            .flat_map(|(id, objs)| objs.iter().map(|o| (id.clone(), o.value().clone())))
            .collect();

        let second = store();
        assert_eq!(second.restore(objects, snapshot.revision).unwrap(), 2);
        let back = second.get(&cm, "a", "c").unwrap();
        assert_eq!(back.value(), made.value());
        assert_eq!(back.resource_version(), made.resource_version());
        assert_eq!(second.current_rv(), first.current_rv());
        assert!(second.type_revision(&cm) >= made.resource_version());
        let next = second
            .create(
                &cm,
                "a",
                json!({"metadata": {"name": "d"}}),
                WriteOptions::default(),
            )
            .unwrap();
        assert!(next.resource_version() > first.current_rv());
        assert!(
            second.restore(Vec::new(), 0).is_err(),
            "only into an empty store"
        );
    }

    #[tokio::test]
    async fn watches_from_before_a_restore_expire() {
        let restored = store();
        let ns = ResourceId::new("", "namespaces");
        let saved = json!({"metadata": {"name": "a", "uid": "u", "resourceVersion": "7"}});
        restored.restore(vec![(ns.clone(), saved)], 9).unwrap();
        assert_eq!(restored.current_rv(), 9);
        let mut old = restored
            .watch(&ns, WatchFilter::default(), WatchStart::After(3))
            .unwrap();
        assert!(old.next().await.is_err(), "a watch from before the restart");
        let pods = ResourceId::new("", "pods");
        let mut empty_type = restored
            .watch(&pods, WatchFilter::default(), WatchStart::After(3))
            .unwrap();
        assert!(
            empty_type.next().await.is_err(),
            "also for types without objects"
        );
    }

    #[test]
    fn a_saved_object_without_a_revision_is_refused() {
        let ns = ResourceId::new("", "namespaces");
        let err = store()
            .restore(vec![(ns, json!({"metadata": {"name": "a"}}))], 1)
            .unwrap_err();
        assert!(err.to_string().contains("resourceVersion"), "{err}");
        let widgets = ResourceId::new("example.com", "widgets");
        let saved = json!({"metadata": {"name": "w", "resourceVersion": "2"}});
        let err = store().restore(vec![(widgets, saved)], 2).unwrap_err();
        assert!(err.to_string().contains("widgets.example.com"), "{err}");
    }
}
