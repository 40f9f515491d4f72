//! Writes: create, update (main and status), patch, read-modify-write for
//! controllers, and delete with finalizers, graceful pod termination and
//! propagation policies. Every write commits through [`Store::commit`],
//! which bumps the global revision, keeps the owner index and records the
//! watch event.

use std::sync::Arc;

use rand::Rng;
use serde_json::{Value, json};

use super::object::{ObjectKey, StoredObject, finalizers, metadata_mut, owner_uids};
use super::watch::{EventType, WatchEvent};
use super::{GcWork, ObjectRef, State, Store, StoreError};
use crate::admission::{AdmissionContext, admit};
use crate::patch::{self, PatchType};
use crate::registry::{ResourceId, ResourceType, resource_types_from_crd};

/// Options shared by writes.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// `dryRun=All`: run everything, store nothing.
    pub dry_run: bool,
    /// The manager `metadata.managedFields` credits with the write: set for
    /// writes made through the API, `None` for the cluster's own.
    pub field_manager: Option<Arc<str>>,
}

impl WriteOptions {
    /// The same options, crediting no manager (the write's managed fields
    /// are already worked out).
    pub(super) fn unmanaged(&self) -> Self {
        Self {
            dry_run: self.dry_run,
            field_manager: None,
        }
    }
}

/// `propagationPolicy` of a delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

/// A `DeleteOptions` body.
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    pub propagation: Option<Propagation>,
    /// Overrides the pod's `terminationGracePeriodSeconds` (0 = immediate).
    pub grace_period_seconds: Option<i64>,
    pub precondition_uid: Option<String>,
    pub precondition_resource_version: Option<String>,
    pub dry_run: bool,
}

/// A patch document and its type (from the request's `Content-Type`).
#[derive(Debug, Clone, Copy)]
pub struct Patch<'a> {
    pub patch_type: PatchType,
    pub body: &'a Value,
}

/// What a delete did.
#[derive(Debug, Clone)]
pub enum DeleteOutcome {
    /// The object is gone (its last state is returned).
    Deleted(Arc<StoredObject>),
    /// The object is marked for deletion and waits for finalizers or its
    /// grace period.
    Pending(Arc<StoredObject>),
}

/// Which part of an object an update may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The main resource: everything but `status` (for kinds with a status
    /// subresource).
    Main,
    /// The `status` subresource: only `status`.
    Status,
}

const GENERATE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

impl Store {
    fn admission(&self) -> AdmissionContext<'_> {
        AdmissionContext {
            next_cluster_ip: &self.inner.next_cluster_ip,
        }
    }

    /// Creates an object in `namespace` (ignored for cluster-scoped types).
    pub fn create(
        &self,
        id: &ResourceId,
        namespace: &str,
        mut obj: Value,
        opts: WriteOptions,
    ) -> Result<Arc<StoredObject>, StoreError> {
        let rt = self.resource_type(id)?;
        if !obj.is_object() {
            return Err(StoreError::BadRequest(
                "the object must be a JSON object".into(),
            ));
        }
        if obj.get("apiVersion").is_none_or(Value::is_null) {
            obj["apiVersion"] = json!(rt.api_version());
        }
        if obj.get("kind").is_none_or(Value::is_null) {
            obj["kind"] = json!(rt.kind);
        }
        let now = self.clock().now_rfc3339();
        let meta = metadata_mut(&mut obj);
        if rt.namespaced {
            meta.insert("namespace".into(), json!(namespace));
        } else {
            meta.remove("namespace");
        }
        let generated = meta
            .get("name")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
            && meta
                .get("generateName")
                .and_then(Value::as_str)
                .is_some_and(|g| !g.is_empty());
        if generated {
            let prefix = meta["generateName"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            meta.insert("name".into(), json!(generate_name(&prefix)));
        }
        meta.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
        meta.insert("creationTimestamp".into(), json!(now));
        meta.insert("generation".into(), json!(1));
        for k in [
            "resourceVersion",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "selfLink",
        ] {
            meta.remove(k);
        }
        admit(&rt, &mut obj, None, &self.admission())?;
        self.record_manager(&rt, None, &mut obj, &opts, Target::Main);
        let name = super::object::name(&obj).to_string();
        let ns = if rt.namespaced {
            namespace.to_string()
        } else {
            String::new()
        };
        let mut state = self.lock();
        if rt.namespaced {
            check_namespace(&state, &ns, &rt, &name)?;
        }
        let exists = state
            .tables
            .get(id)
            .is_some_and(|t| t.objects.contains_key(&(ns.clone(), name.clone())));
        if exists {
            return Err(StoreError::AlreadyExists {
                resource: id.qualified(),
                name,
            });
        }
        self.check_quota(&state, &rt, &ns, &name, &obj)?;
        if opts.dry_run {
            return Ok(Arc::new(StoredObject::new(obj, state.rv)));
        }
        let stored = self.commit(&mut state, id, (ns, name), Some(obj), EventType::Added);
        drop(state);
        self.after_write(&rt, &stored, false);
        Ok(stored)
    }

    /// Replaces an object (PUT). A `metadata.resourceVersion` in `obj` must
    /// match the stored one (409 Conflict otherwise).
    pub fn update(
        &self,
        id: &ResourceId,
        namespace: &str,
        obj: Value,
        target: Target,
        opts: WriteOptions,
    ) -> Result<Arc<StoredObject>, StoreError> {
        let rt = self.resource_type(id)?;
        let ns = if rt.namespaced {
            namespace.to_string()
        } else {
            String::new()
        };
        let name = super::object::name(&obj).to_string();
        let mut state = self.lock();
        let current = state
            .tables
            .get(id)
            .and_then(|t| t.objects.get(&(ns.clone(), name.clone())).cloned())
            .ok_or_else(|| StoreError::not_found(id.qualified(), &name))?;
        let wanted_rv = obj["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default();
        if !wanted_rv.is_empty() && wanted_rv != current.value()["metadata"]["resourceVersion"] {
            return Err(conflict(id, &name));
        }
        let old = current.value();
        let mut merged = match target {
            Target::Main => {
                let mut m = obj;
                if rt.has_subresource("status") {
                    match old.get("status") {
                        Some(s) => m["status"] = s.clone(),
                        None => {
                            if let Some(map) = m.as_object_mut() {
                                map.remove("status");
                            }
                        }
                    }
                }
                m
            }
            Target::Status => {
                let mut m = old.clone();
                m["status"] = obj.get("status").cloned().unwrap_or(Value::Null);
                m
            }
        };
        if merged.get("apiVersion").is_none_or(Value::is_null) {
            merged["apiVersion"] = old["apiVersion"].clone();
        }
        if merged.get("kind").is_none_or(Value::is_null) {
            merged["kind"] = old["kind"].clone();
        }
        let meta = metadata_mut(&mut merged);
        for k in [
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
            "namespace",
            "name",
        ] {
            match old["metadata"].get(k) {
                Some(v) => meta.insert(k.into(), v.clone()),
                None => meta.remove(k),
            };
        }
        meta.remove("resourceVersion");
        if !meta.get("managedFields").is_some_and(Value::is_array) {
            match old["metadata"].get("managedFields") {
                Some(kept) => meta.insert("managedFields".into(), kept.clone()),
                None => meta.remove("managedFields"),
            };
        }
        admit(&rt, &mut merged, Some(old), &self.admission())?;
        self.record_manager(&rt, Some(old), &mut merged, &opts, target);
        if spec_changed(old, &merged) {
            let generation = old["metadata"]["generation"].as_i64().unwrap_or(1) + 1;
            merged["metadata"]["generation"] = json!(generation);
        }
        let mut unchanged = merged.clone();
        unchanged["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"].clone();
        if &unchanged == old {
            return Ok(current);
        }
        if opts.dry_run {
            return Ok(Arc::new(StoredObject::new(unchanged, state.rv)));
        }
        let key = (ns, name);
        let finished = merged["metadata"]
            .get("deletionTimestamp")
            .is_some_and(|d| !d.is_null())
            && finalizers(&merged).is_empty()
            && merged["metadata"]["deletionGracePeriodSeconds"]
                .as_i64()
                .unwrap_or(0)
                == 0;
        let stored = if finished {
            self.commit(&mut state, id, key, Some(merged), EventType::Modified);
            let key = (
                stored_ns(&rt, namespace),
                super::object::name(&unchanged).to_string(),
            );
            self.commit(&mut state, id, key, None, EventType::Deleted)
        } else {
            self.commit(&mut state, id, key, Some(merged), EventType::Modified)
        };
        drop(state);
        self.after_write(&rt, &stored, finished);
        Ok(stored)
    }

    /// Applies a patch to the main resource or its status, retrying on
    /// concurrent writes unless the patch itself sets a resourceVersion.
    pub fn patch(
        &self,
        id: &ResourceId,
        namespace: &str,
        name: &str,
        patch: &Patch<'_>,
        target: Target,
        opts: WriteOptions,
    ) -> Result<Arc<StoredObject>, StoreError> {
        let Patch {
            patch_type,
            body: patch,
        } = *patch;
        let rt = self.resource_type(id)?;
        let pinned = patch["metadata"]["resourceVersion"]
            .as_str()
            .is_some_and(|s| !s.is_empty());
        for _ in 0..8 {
            let current = self.get(id, &stored_ns(&rt, namespace), name)?;
            let mut patched = patch::apply(patch_type, current.value(), patch, &rt.group, &rt.kind)
                .map_err(|e| StoreError::Other {
                    code: e.status_code(),
                    reason: e.reason().to_string(),
                    message: e.to_string(),
                })?;
            if !patched.is_object() {
                return Err(StoreError::BadRequest(
                    "the patch must produce a JSON object".into(),
                ));
            }
            if super::object::name(&patched) != name {
                return Err(StoreError::BadRequest(format!(
                    "the name of the object ({}) does not match the name on the URL ({name})",
                    super::object::name(&patched)
                )));
            }
            if !pinned {
                patched["metadata"]["resourceVersion"] =
                    current.value()["metadata"]["resourceVersion"].clone();
            }
            match self.update(id, namespace, patched, target, opts.clone()) {
                Err(StoreError::Conflict { .. }) if !pinned => continue,
                other => return other,
            }
        }
        Err(retries_exhausted(id, name))
    }

    /// Read-modify-write for controllers: calls `f` on the current object and
    /// stores the result, retrying on conflicts. Returns the stored object.
    pub fn modify(
        &self,
        id: &ResourceId,
        namespace: &str,
        name: &str,
        target: Target,
        mut f: impl FnMut(&mut Value) -> Result<(), StoreError>,
    ) -> Result<Arc<StoredObject>, StoreError> {
        for _ in 0..16 {
            let current = self.get(id, namespace, name)?;
            let mut obj = current.value().clone();
            f(&mut obj)?;
            obj["metadata"]["resourceVersion"] =
                current.value()["metadata"]["resourceVersion"].clone();
            match self.update(id, namespace, obj, target, WriteOptions::default()) {
                Err(StoreError::Conflict { .. }) => continue,
                other => return other,
            }
        }
        Err(conflict(id, name))
    }

    /// Deletes an object: at once, or by marking it (finalizers, graceful
    /// pod termination, foreground/orphan propagation, namespaces).
    pub fn delete(
        &self,
        id: &ResourceId,
        namespace: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<DeleteOutcome, StoreError> {
        let rt = self.resource_type(id)?;
        let ns = stored_ns(&rt, namespace);
        let key: ObjectKey = (ns.clone(), name.to_string());
        let mut state = self.lock();
        let current = state
            .tables
            .get(id)
            .and_then(|t| t.objects.get(&key).cloned())
            .ok_or_else(|| StoreError::not_found(id.qualified(), name))?;
        if let Some(uid) = &opts.precondition_uid
            && uid != current.uid()
        {
            return Err(StoreError::Conflict {
                resource: id.qualified(),
                name: name.into(),
                reason: format!(
                    "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                    current.uid()
                ),
            });
        }
        if let Some(rv) = &opts.precondition_resource_version
            && rv != &current.resource_version().to_string()
        {
            return Err(conflict(id, name));
        }
        let reference = ObjectRef {
            resource: id.clone(),
            namespace: ns.clone(),
            name: name.into(),
        };
        let obj = current.value();
        let deleting = obj["metadata"]
            .get("deletionTimestamp")
            .is_some_and(|d| !d.is_null());
        let now = self.clock().now();
        if rt.group.is_empty() && rt.kind == "Namespace" {
            if deleting || opts.dry_run {
                return Ok(DeleteOutcome::Pending(current));
            }
            let mut marked = obj.clone();
            marked["metadata"]["deletionTimestamp"] = json!(crate::clock::format_time(now));
            marked["metadata"]["deletionGracePeriodSeconds"] = json!(0);
            marked["status"]["phase"] = json!("Terminating");
            let stored = self.commit(&mut state, id, key, Some(marked), EventType::Modified);
            let _ = self.inner.gc_tx.send(GcWork::Deleting(reference));
            return Ok(DeleteOutcome::Pending(stored));
        }
        let mut fins = finalizers(obj);
        let has_dependents = state
            .owners
            .get(current.uid())
            .is_some_and(|s| !s.is_empty());
        let extra = match opts.propagation.unwrap_or_default() {
            Propagation::Foreground if has_dependents => Some("foregroundDeletion"),
            Propagation::Orphan if has_dependents => Some("orphan"),
            _ => None,
        };
        if let Some(f) = extra
            && !fins.iter().any(|x| x == f)
        {
            fins.push(f.to_string());
        }
        let bound_pod = rt.group.is_empty()
            && rt.kind == "Pod"
            && obj["spec"]["nodeName"]
                .as_str()
                .is_some_and(|n| !n.is_empty());
        let grace = if bound_pod {
            opts.grace_period_seconds
                .unwrap_or_else(|| {
                    obj["spec"]["terminationGracePeriodSeconds"]
                        .as_i64()
                        .unwrap_or(30)
                })
                .max(0)
        } else {
            0
        };
        if opts.dry_run {
            return Ok(if fins.is_empty() && grace == 0 {
                DeleteOutcome::Deleted(current)
            } else {
                DeleteOutcome::Pending(current)
            });
        }
        if fins.is_empty() && grace == 0 {
            let stored = self.commit(&mut state, id, key, None, EventType::Deleted);
            drop(state);
            self.after_write(&rt, &stored, true);
            return Ok(DeleteOutcome::Deleted(stored));
        }
        let old_grace = obj["metadata"]["deletionGracePeriodSeconds"].as_i64();
        if deleting && fins == finalizers(obj) && old_grace.is_some_and(|g| g <= grace) {
            return Ok(DeleteOutcome::Pending(current));
        }
        let mut marked = obj.clone();
        let deadline = now + chrono::Duration::seconds(grace);
        if !deleting || old_grace.is_some_and(|g| g > grace) {
            marked["metadata"]["deletionTimestamp"] = json!(crate::clock::format_time(deadline));
            marked["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
        }
        marked["metadata"]["finalizers"] = json!(fins);
        let stored = self.commit(&mut state, id, key, Some(marked), EventType::Modified);
        if extra.is_some() {
            let _ = self.inner.gc_tx.send(GcWork::Deleting(reference.clone()));
        }
        if grace > 0 {
            let _ = self.inner.gc_tx.send(GcWork::PodGrace(reference));
        }
        Ok(DeleteOutcome::Pending(stored))
    }

    /// Removes an object unconditionally (garbage collector and namespace
    /// finalization only; clients go through [`Store::delete`]).
    pub fn remove(
        &self,
        id: &ResourceId,
        namespace: &str,
        name: &str,
    ) -> Result<Arc<StoredObject>, StoreError> {
        let rt = self.resource_type(id)?;
        let mut state = self.lock();
        let key = (stored_ns(&rt, namespace), name.to_string());
        if !state
            .tables
            .get(id)
            .is_some_and(|t| t.objects.contains_key(&key))
        {
            return Err(StoreError::not_found(id.qualified(), name));
        }
        let stored = self.commit(&mut state, id, key, None, EventType::Deleted);
        drop(state);
        self.after_write(&rt, &stored, true);
        Ok(stored)
    }

    /// Stores `value` at `key` (or removes it when None) under a new revision
    /// and records the watch event. The caller holds the lock.
    fn commit(
        &self,
        state: &mut State,
        id: &ResourceId,
        key: ObjectKey,
        value: Option<Value>,
        event_type: EventType,
    ) -> Arc<StoredObject> {
        state.rv += 1;
        let rv = state.rv;
        let capacity = self.inner.config.history_per_type;
        let table = state.table_mut(id, capacity);
        let previous = table.objects.get(&key).cloned();
        let object = match value {
            Some(mut v) => {
                v["metadata"]["resourceVersion"] = json!(rv.to_string());
                let stored = Arc::new(StoredObject::new(v, rv));
                table.put(key.clone(), Some(stored.clone()));
                stored
            }
            None => {
                let mut last = previous
                    .as_ref()
                    .map(|p| p.value().clone())
                    .unwrap_or_default();
                last["metadata"]["resourceVersion"] = json!(rv.to_string());
                table.put(key.clone(), None);
                Arc::new(StoredObject::new(last, rv))
            }
        };
        table.record(WatchEvent::new(
            event_type,
            object.clone(),
            previous.clone(),
        ));
        let reference = ObjectRef {
            resource: id.clone(),
            namespace: key.0,
            name: key.1,
        };
        let old_owners = previous
            .as_ref()
            .map(|p| owner_uids(p.value()))
            .unwrap_or_default();
        let new_owners = if event_type == EventType::Deleted {
            Vec::new()
        } else {
            owner_uids(object.value())
        };
        for uid in old_owners.iter().filter(|u| !new_owners.contains(u)) {
            if let Some(set) = state.owners.get_mut(uid) {
                set.remove(&reference);
                if set.is_empty() {
                    state.owners.remove(uid);
                }
            }
        }
        for uid in new_owners.iter().filter(|u| !old_owners.contains(u)) {
            state
                .owners
                .entry(uid.clone())
                .or_default()
                .insert(reference.clone());
        }
        if event_type == EventType::Deleted {
            let _ = self.inner.gc_tx.send(GcWork::Removed {
                uid: object.uid().to_string(),
            });
        }
        object
    }

    /// Side effects of writes to special kinds (CRDs serve their resources).
    fn after_write(&self, rt: &ResourceType, stored: &StoredObject, removed: bool) {
        if rt.group != "apiextensions.k8s.io" || rt.kind != "CustomResourceDefinition" {
            return;
        }
        let spec = &stored.value()["spec"];
        let (group, plural) = (
            spec["group"].as_str().unwrap_or_default(),
            spec["names"]["plural"].as_str().unwrap_or_default(),
        );
        if removed {
            let id = ResourceId::new(group, plural);
            if let Ok(all) = self.list(&id, &Default::default()) {
                for o in all.items {
                    let _ = self.remove(&id, o.namespace(), o.name());
                }
            }
            self.registry().remove_custom(group, plural);
        } else {
            self.registry().remove_custom(group, plural);
            for t in resource_types_from_crd(stored.value()) {
                self.registry().insert(t);
            }
        }
    }
}

pub(super) fn stored_ns(rt: &ResourceType, namespace: &str) -> String {
    if rt.namespaced {
        namespace.to_string()
    } else {
        String::new()
    }
}

/// A write that kept losing the race with other writers.
pub(super) fn retries_exhausted(id: &ResourceId, name: &str) -> StoreError {
    StoreError::Conflict {
        resource: id.qualified(),
        name: name.into(),
        reason: "the object is being modified too often; retries exhausted".into(),
    }
}

fn conflict(id: &ResourceId, name: &str) -> StoreError {
    StoreError::Conflict {
        resource: id.qualified(),
        name: name.into(),
        reason: "the object has been modified; please apply your changes to the latest version and try again".into(),
    }
}

fn check_namespace(
    state: &State,
    ns: &str,
    rt: &ResourceType,
    name: &str,
) -> Result<(), StoreError> {
    let namespace = state
        .tables
        .get(&ResourceId::new("", "namespaces"))
        .and_then(|t| t.objects.get(&(String::new(), ns.to_string())).cloned())
        .ok_or_else(|| StoreError::not_found("namespaces", ns))?;
    if namespace.value()["metadata"]
        .get("deletionTimestamp")
        .is_some_and(|d| !d.is_null())
    {
        return Err(StoreError::Forbidden {
            resource: ResourceId::new(&rt.group, &rt.plural).qualified(),
            name: name.into(),
            message: format!(
                "{} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                ResourceId::new(&rt.group, &rt.plural).qualified()
            ),
        });
    }
    Ok(())
}

/// True if anything but metadata and status differs (bumps `generation`).
fn spec_changed(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| {
        let mut m = v.as_object().cloned().unwrap_or_default();
        m.remove("metadata");
        m.remove("status");
        m
    };
    strip(old) != strip(new)
}

fn generate_name(prefix: &str) -> String {
    let mut rng = rand::rng();
    let suffix: String = (0..5)
        .map(|_| GENERATE_ALPHABET[rng.random_range(0..GENERATE_ALPHABET.len())] as char)
        .collect();
    format!("{prefix}{suffix}")
}
