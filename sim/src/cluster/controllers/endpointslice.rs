//! The EndpointSlice controller: `discovery.k8s.io/v1` slices for each
//! Service with a selector, one slice per distinct resolved port list
//! (named `<service>-<5 random>`, owned by the Service), with each pod's
//! `ready`/`serving`/`terminating` conditions. Upstream's 100-endpoint
//! slice limit is not applied: the simulator keeps one slice per port list.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::endpoints::{backends, pod_to_services, target_ref};
use super::runtime::{Controller, Key, Mapper, Queue, Requeue, own_key};
use super::util::{controlled_by, delete, is_pod_ready, is_terminating, list_ns, owner_reference};
use crate::cluster::ClusterContext;
use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, Target, WriteOptions};

const SERVICE_NAME: &str = "kubernetes.io/service-name";
const MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
const CONTROLLER: &str = "endpointslice-controller.k8s.io";

/// Builds the controller.
pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    Controller {
        name: "endpointslice",
        queue: Queue::new(ctx.clock.clone()),
        watches: vec![
            (ids::services(), own_key()),
            (ids::pods(), pod_to_services()),
            (ids::endpointslices(), slice_to_service()),
        ],
        reconcile: Arc::new(move |key: &Key| reconcile(&store, key)),
    }
}

/// A slice we manage maps back to its Service (so edits are undone).
fn slice_to_service() -> Mapper {
    Arc::new(|_, _, slice| {
        let labels = &slice["metadata"]["labels"];
        match (labels[MANAGED_BY].as_str(), labels[SERVICE_NAME].as_str()) {
            (Some(CONTROLLER), Some(svc)) => vec![(
                crate::store::object::namespace(slice).to_string(),
                svc.to_string(),
            )],
            _ => Vec::new(),
        }
    })
}

fn reconcile(store: &Store, (ns, name): &Key) -> Result<Requeue, StoreError> {
    let svc = match store.get(&ids::services(), ns, name) {
        Ok(s) => s.value().clone(),
        // Slices are owned by the Service: the garbage collector removes them.
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    if svc["spec"]["selector"]
        .as_object()
        .is_none_or(|m| m.is_empty())
        || is_terminating(&svc)
    {
        return Ok(None);
    }
    let uid = svc["metadata"]["uid"].as_str().unwrap_or_default();
    let mut groups: BTreeMap<String, (Value, Vec<Value>)> = BTreeMap::new();
    for b in backends(store, &svc) {
        let ports: Vec<Value> = b
            .ports
            .iter()
            .map(|(n, p, proto)| json!({"name": n, "port": p, "protocol": proto}))
            .collect();
        let key = super::util::canonical(&json!(ports));
        let mut endpoint = json!({
            "addresses": [b.ip],
            "conditions": {
                "ready": b.ready,
                "serving": is_pod_ready(&b.pod),
                "terminating": b.terminating,
            },
            "targetRef": target_ref(&b.pod),
        });
        if let Some(node) = b.pod["spec"]["nodeName"].as_str() {
            endpoint["nodeName"] = json!(node);
        }
        if let Some(host) = b.pod["spec"]["hostname"].as_str()
            && b.pod["spec"]["subdomain"] == svc["metadata"]["name"]
        {
            endpoint["hostname"] = json!(host);
        }
        groups
            .entry(key)
            .or_insert_with(|| (json!(ports), Vec::new()))
            .1
            .push(endpoint);
    }
    if groups.is_empty() {
        // An empty slice still says "this Service has no endpoints".
        let ports: Vec<Value> = svc["spec"]["ports"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["targetPort"].is_number())
                    .map(|p| json!({"name": p["name"].as_str().unwrap_or_default(), "port": p["targetPort"], "protocol": p["protocol"]}))
                    .collect()
            })
            .unwrap_or_default();
        groups.insert(String::new(), (json!(ports), Vec::new()));
    }
    let mut labels = svc["metadata"]["labels"].clone();
    if !labels.is_object() {
        labels = json!({});
    }
    labels[SERVICE_NAME] = json!(name);
    labels[MANAGED_BY] = json!(CONTROLLER);
    if svc["spec"]["clusterIP"] == "None" {
        labels["service.kubernetes.io/headless"] = json!("");
    }
    let mut existing: Vec<Value> = list_ns(store, &ids::endpointslices(), ns)
        .iter()
        .map(|s| s.value().clone())
        .filter(|s| controlled_by(s, uid) && s["metadata"]["labels"][MANAGED_BY] == CONTROLLER)
        .collect();
    existing.sort_by(|a, b| {
        a["metadata"]["name"]
            .as_str()
            .cmp(&b["metadata"]["name"].as_str())
    });
    for (ports, endpoints) in groups.into_values() {
        // Reuse the slice with these ports, or any spare one.
        let pos = existing
            .iter()
            .position(|s| s["ports"] == ports)
            .or(if existing.is_empty() { None } else { Some(0) });
        match pos.map(|i| existing.remove(i)) {
            Some(slice) => {
                if slice["ports"] == ports
                    && slice["endpoints"] == json!(endpoints)
                    && slice["metadata"]["labels"] == labels
                {
                    continue;
                }
                let slice_name = slice["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                store.modify(&ids::endpointslices(), ns, &slice_name, Target::Main, |o| {
                    o["metadata"]["labels"] = labels.clone();
                    o["ports"] = ports.clone();
                    o["endpoints"] = json!(endpoints);
                    Ok(())
                })?;
            }
            None => {
                let slice = json!({
                    "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                    "metadata": {
                        "generateName": format!("{name}-"),
                        "labels": labels,
                        "ownerReferences": [owner_reference(&svc)],
                    },
                    "addressType": "IPv4",
                    "endpoints": endpoints,
                    "ports": ports,
                });
                store.create(&ids::endpointslices(), ns, slice, WriteOptions::default())?;
            }
        }
    }
    for stale in existing {
        delete(
            store,
            &ids::endpointslices(),
            ns,
            stale["metadata"]["name"].as_str().unwrap_or_default(),
        )?;
    }
    Ok(None)
}
