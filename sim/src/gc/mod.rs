//! Garbage collection and deletion follow-up, driven by the work queue the
//! store fills on deletes:
//!
//! * dependents whose owners are all gone are deleted (Background
//!   propagation); dangling references next to live owners are dropped;
//! * `foregroundDeletion`: dependents are deleted first, then the finalizer is
//!   removed; `orphan`: the owner's references are stripped from dependents,
//!   then the finalizer is removed;
//! * a terminating namespace is emptied, then removed;
//! * a gracefully deleted pod is removed when its grace period is over, if its
//!   node is Ready (a NotReady node's pods stay `Terminating`, as upstream).
//!
//! It only uses the store's public API, like any controller.

use std::time::Duration;

use serde_json::Value;

use crate::registry::ResourceId;
use crate::store::{DeleteOptions, GcWork, ObjectRef, Propagation, Store, StoreError, Target};

/// Spawns the garbage collector on the current tokio runtime. Does nothing
/// if the store's queue was already taken.
pub fn start(store: &Store) -> Option<tokio::task::JoinHandle<()>> {
    let mut rx = store.take_gc_queue()?;
    let store = store.clone();
    Some(tokio::spawn(async move {
        while let Some(work) = rx.recv().await {
            handle(&store, work);
        }
    }))
}

fn handle(store: &Store, work: GcWork) {
    match work {
        GcWork::Removed { uid } => orphaned_dependents(store, &uid),
        GcWork::Deleting(r) => {
            if r.resource == ResourceId::new("", "namespaces") {
                finalize_namespace(store, &r);
            } else {
                propagate(store, &r);
            }
        }
        GcWork::PodGrace(r) => {
            let store = store.clone();
            tokio::spawn(async move { finish_graceful_pod(&store, r).await });
        }
    }
}

/// Deletes the dependents of a removed owner that have no owner left.
fn orphaned_dependents(store: &Store, owner_uid: &str) {
    for dep in store.dependents(owner_uid) {
        let Ok(obj) = store.get(&dep.resource, &dep.namespace, &dep.name) else {
            continue;
        };
        let refs = obj.value()["metadata"]["ownerReferences"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let live: Vec<Value> = refs
            .iter()
            .filter(|r| owner_exists(store, r, &dep.namespace))
            .cloned()
            .collect();
        if live.is_empty() {
            let _ = store.delete(
                &dep.resource,
                &dep.namespace,
                &dep.name,
                &DeleteOptions {
                    propagation: Some(Propagation::Background),
                    ..Default::default()
                },
            );
        } else if live.len() != refs.len() {
            let _ = store.modify(
                &dep.resource,
                &dep.namespace,
                &dep.name,
                Target::Main,
                |o| {
                    o["metadata"]["ownerReferences"] = Value::Array(live.clone());
                    Ok(())
                },
            );
        }
    }
}

/// True if the object an ownerReference names exists with that uid.
fn owner_exists(store: &Store, owner: &Value, namespace: &str) -> bool {
    let (Some(api_version), Some(kind), Some(name), Some(uid)) = (
        owner["apiVersion"].as_str(),
        owner["kind"].as_str(),
        owner["name"].as_str(),
        owner["uid"].as_str(),
    ) else {
        return false;
    };
    let Some(rt) = store.registry().by_kind(api_version, kind) else {
        return false;
    };
    let ns = if rt.namespaced { namespace } else { "" };
    store.get(&rt.id(), ns, name).is_ok_and(|o| o.uid() == uid)
}

/// Foreground and orphan propagation for an owner being deleted.
fn propagate(store: &Store, r: &ObjectRef) {
    let Ok(owner) = store.get(&r.resource, &r.namespace, &r.name) else {
        return;
    };
    let uid = owner.uid().to_string();
    let fins = crate::store::object::finalizers(owner.value());
    let dependents = store.dependents(&uid);
    if fins.iter().any(|f| f == "orphan") {
        for dep in &dependents {
            let _ = store.modify(
                &dep.resource,
                &dep.namespace,
                &dep.name,
                Target::Main,
                |o| {
                    if let Some(refs) = o["metadata"]["ownerReferences"].as_array_mut() {
                        refs.retain(|x| x["uid"] != uid.as_str());
                    }
                    Ok(())
                },
            );
        }
        remove_finalizer(store, r, "orphan");
    } else if fins.iter().any(|f| f == "foregroundDeletion") {
        if dependents.is_empty() {
            remove_finalizer(store, r, "foregroundDeletion");
            return;
        }
        for dep in &dependents {
            let _ = store.delete(
                &dep.resource,
                &dep.namespace,
                &dep.name,
                &DeleteOptions {
                    propagation: Some(Propagation::Foreground),
                    ..Default::default()
                },
            );
        }
        retry_later(store, GcWork::Deleting(r.clone()));
    }
}

fn remove_finalizer(store: &Store, r: &ObjectRef, finalizer: &str) {
    let _ = store.modify(&r.resource, &r.namespace, &r.name, Target::Main, |o| {
        if let Some(f) = o["metadata"]["finalizers"].as_array_mut() {
            f.retain(|x| x != finalizer);
        }
        Ok(())
    });
}

/// Deletes everything in a terminating namespace, then the namespace.
fn finalize_namespace(store: &Store, r: &ObjectRef) {
    let ns = &r.name;
    let mut remaining = 0;
    let mut seen = std::collections::HashSet::new();
    for rt in store.registry().all().into_iter().filter(|t| t.namespaced) {
        let id = rt.id();
        if !seen.insert(id.clone()) {
            continue;
        }
        let Ok(list) = store.list(
            &id,
            &crate::store::ListOptions {
                namespace: Some(ns.clone()),
                ..Default::default()
            },
        ) else {
            continue;
        };
        for o in list.items {
            remaining += 1;
            let deleting = o.value()["metadata"]
                .get("deletionTimestamp")
                .is_some_and(|d| !d.is_null());
            if !deleting {
                let _ = store.delete(&id, ns, o.name(), &DeleteOptions::default());
            }
        }
    }
    if remaining == 0 {
        match store.remove(&r.resource, "", ns) {
            Ok(_) | Err(StoreError::NotFound { .. }) => {}
            Err(_) => retry_later(store, GcWork::Deleting(r.clone())),
        }
    } else {
        retry_later(store, GcWork::Deleting(r.clone()));
    }
}

/// Removes a gracefully deleted pod once its grace period has passed.
async fn finish_graceful_pod(store: &Store, r: ObjectRef) {
    let Ok(pod) = store.get(&r.resource, &r.namespace, &r.name) else {
        return;
    };
    let uid = pod.uid().to_string();
    let deadline = pod.value()["metadata"]["deletionTimestamp"]
        .as_str()
        .and_then(crate::clock::parse_time);
    if let Some(deadline) = deadline {
        store.clock().sleep_until(deadline).await;
    }
    let Ok(pod) = store.get(&r.resource, &r.namespace, &r.name) else {
        return;
    };
    if pod.uid() != uid {
        return;
    }
    let node = pod.value()["spec"]["nodeName"].as_str().unwrap_or_default();
    if !node.is_empty() && !node_ready(store, node) {
        return;
    }
    let _ = store.delete(
        &r.resource,
        &r.namespace,
        &r.name,
        &DeleteOptions {
            grace_period_seconds: Some(0),
            precondition_uid: Some(uid),
            ..Default::default()
        },
    );
}

/// True if the node is missing (nothing to wait for) or reports Ready=True.
fn node_ready(store: &Store, node: &str) -> bool {
    let Ok(n) = store.get(&ResourceId::new("", "nodes"), "", node) else {
        return true;
    };
    n.value()["status"]["conditions"]
        .as_array()
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

fn retry_later(store: &Store, work: GcWork) {
    let store = store.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        store.queue_gc(work);
    });
}
