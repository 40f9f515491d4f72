//! A stand-in for the PersistentVolume controller and a dynamic
//! provisioner: a Pending claim whose StorageClass exists (named, or the
//! default class for a claim without one) gets a made-up PersistentVolume
//! `pvc-<claim uid>` and both become Bound at once. A claim with no usable
//! class stays Pending, as on a cluster without a provisioner.

use std::sync::Arc;

use serde_json::{Value, json};

use super::runtime::{Controller, Key, Queue, Requeue, own_key};
use super::util::is_terminating;
use crate::cluster::ClusterContext;
use crate::cluster::events::{EventRecorder, EventType};
use crate::registry::ResourceId;
use crate::registry::builtin::ids;
use crate::store::{ListOptions, Store, StoreError, Target, WriteOptions};

const DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";

fn storage_classes() -> ResourceId {
    ResourceId::new("storage.k8s.io", "storageclasses")
}

/// Builds the controller.
pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    let events = EventRecorder::new(store.clone(), "persistentvolume-controller");
    Controller {
        name: "volume",
        queue: Queue::new(ctx.clock.clone()),
        watches: vec![(ids::persistentvolumeclaims(), own_key())],
        reconcile: Arc::new(move |key: &Key| reconcile(&store, &events, key)),
    }
}

/// The class a claim gets: its own, or the default one.
fn class_for(store: &Store, claim: &Value) -> Option<Value> {
    let classes = store
        .list(&storage_classes(), &ListOptions::default())
        .ok()?
        .items;
    match claim["spec"]["storageClassName"].as_str() {
        Some(name) => classes
            .iter()
            .find(|c| c.name() == name)
            .map(|c| c.value().clone()),
        None => classes
            .iter()
            .find(|c| c.value()["metadata"]["annotations"][DEFAULT_CLASS] == "true")
            .map(|c| c.value().clone()),
    }
}

fn reconcile(
    store: &Store,
    events: &EventRecorder,
    (ns, name): &Key,
) -> Result<Requeue, StoreError> {
    let claim = store
        .get(&ids::persistentvolumeclaims(), ns, name)?
        .value()
        .clone();
    if is_terminating(&claim)
        || claim["status"]["phase"] == "Bound"
        || claim["spec"]["volumeName"].is_string()
    {
        return Ok(None);
    }
    let Some(class) = class_for(store, &claim) else {
        events.record(
            &claim,
            EventType::Normal,
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set",
            None,
        );
        return Ok(None);
    };
    let class_name = class["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let pv_name = format!(
        "pvc-{}",
        claim["metadata"]["uid"].as_str().unwrap_or_default()
    );
    let capacity = claim["spec"]["resources"]["requests"]["storage"].clone();
    let modes = claim["spec"]["accessModes"].clone();
    let provisioner = class["provisioner"]
        .as_str()
        .unwrap_or("simulated")
        .to_string();
    let pv = json!({
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": pv_name, "annotations": {"pv.kubernetes.io/provisioned-by": provisioner}},
        "spec": {
            "capacity": {"storage": capacity},
            "accessModes": modes,
            "persistentVolumeReclaimPolicy": class["reclaimPolicy"].as_str().unwrap_or("Delete"),
            "storageClassName": class_name,
            "volumeMode": claim["spec"]["volumeMode"].as_str().unwrap_or("Filesystem"),
            "hostPath": {"path": format!("/var/local-path-provisioner/{pv_name}_{ns}_{name}"), "type": "DirectoryOrCreate"},
            "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "namespace": ns, "name": name,
                         "uid": claim["metadata"]["uid"], "resourceVersion": claim["metadata"]["resourceVersion"]},
        },
    });
    match store.create(&ids::persistentvolumes(), "", pv, WriteOptions::default()) {
        Ok(_) | Err(StoreError::AlreadyExists { .. }) => {}
        Err(e) => return Err(e),
    }
    store.modify(
        &ids::persistentvolumes(),
        "",
        &pv_name,
        Target::Status,
        |o| {
            o["status"] = json!({"phase": "Bound"});
            Ok(())
        },
    )?;
    store.modify(
        &ids::persistentvolumeclaims(),
        ns,
        name,
        Target::Main,
        |o| {
            o["spec"]["volumeName"] = json!(pv_name);
            o["spec"]["storageClassName"] = json!(class_name);
            let annotations = &mut o["metadata"]["annotations"];
            if !annotations.is_object() {
                *annotations = json!({});
            }
            annotations["pv.kubernetes.io/bind-completed"] = json!("yes");
            annotations["pv.kubernetes.io/bound-by-controller"] = json!("yes");
            annotations["volume.kubernetes.io/storage-provisioner"] = json!(provisioner);
            Ok(())
        },
    )?;
    store.modify(
        &ids::persistentvolumeclaims(),
        ns,
        name,
        Target::Status,
        |o| {
            o["status"] =
                json!({"phase": "Bound", "accessModes": modes, "capacity": {"storage": capacity}});
            Ok(())
        },
    )?;
    events.record(
        &claim,
        EventType::Normal,
        "ProvisioningSucceeded",
        &format!("Successfully provisioned volume {pv_name}"),
        None,
    );
    Ok(None)
}
