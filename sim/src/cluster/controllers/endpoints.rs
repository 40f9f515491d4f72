//! The Endpoints controller: for each Service with a selector, the
//! addresses of the pods it selects — ready ones under `addresses`, the
//! rest under `notReadyAddresses` — with named targetPorts resolved per pod.
//! Also the pod-to-service resolution the EndpointSlice controller shares.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::runtime::{Controller, Key, Mapper, Queue, Requeue, key_of};
use super::util::{is_pod_ready, is_terminating, list_ns, phase, selector_matches};
use crate::cluster::ClusterContext;
use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, Target, WriteOptions};

/// Builds the controller.
pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    Controller {
        name: "endpoints",
        queue: Queue::new(ctx.clock.clone()),
        watches: vec![
            (ids::services(), super::runtime::own_key()),
            (ids::pods(), pod_to_services()),
        ],
        reconcile: Arc::new(move |key: &Key| reconcile(&store, key)),
    }
}

/// A pod event concerns every selecting Service of its namespace (its
/// labels may just have left a selector, so all of them are looked at).
pub fn pod_to_services() -> Mapper {
    Arc::new(|store, _, pod| {
        let ns = crate::store::object::namespace(pod);
        list_ns(store, &ids::services(), ns)
            .iter()
            .filter(|s| {
                s.value()["spec"]["selector"]
                    .as_object()
                    .is_some_and(|m| !m.is_empty())
            })
            .map(|s| key_of(s.value()))
            .collect()
    })
}

/// One pod behind a Service.
pub struct Backend {
    pub pod: Value,
    pub ip: String,
    pub ready: bool,
    pub terminating: bool,
    /// (service port name, resolved port, protocol); ports a pod cannot
    /// resolve (a named targetPort it lacks) are left out.
    pub ports: Vec<(String, i64, String)>,
}

/// The pods a Service selects that have an IP and are not finished.
pub fn backends(store: &Store, svc: &Value) -> Vec<Backend> {
    let selector = json!({"matchLabels": svc["spec"]["selector"].clone()});
    let ns = crate::store::object::namespace(svc);
    let mut out: Vec<Backend> = list_ns(store, &ids::pods(), ns)
        .iter()
        .map(|p| p.value())
        .filter(|p| selector_matches(&selector, p))
        .filter(|p| !matches!(phase(p), "Succeeded" | "Failed"))
        .filter_map(|p| {
            let ip = p["status"]["podIP"].as_str().filter(|s| !s.is_empty())?;
            Some(Backend {
                pod: p.clone(),
                ip: ip.to_string(),
                ready: is_pod_ready(p) && !is_terminating(p),
                terminating: is_terminating(p),
                ports: resolve_ports(svc, p),
            })
        })
        .collect();
    out.sort_by(|a, b| a.ip.cmp(&b.ip));
    out
}

fn resolve_ports(svc: &Value, pod: &Value) -> Vec<(String, i64, String)> {
    let ports = svc["spec"]["ports"].as_array().cloned().unwrap_or_default();
    ports
        .iter()
        .filter_map(|p| {
            let protocol = p["protocol"].as_str().unwrap_or("TCP").to_string();
            let name = p["name"].as_str().unwrap_or_default().to_string();
            let port = match &p["targetPort"] {
                Value::Number(n) => n.as_i64()?,
                Value::String(s) => match s.parse::<i64>() {
                    Ok(n) => n,
                    Err(_) => named_port(pod, s, &protocol)?,
                },
                _ => p["port"].as_i64()?,
            };
            Some((name, port, protocol))
        })
        .collect()
}

fn named_port(pod: &Value, name: &str, protocol: &str) -> Option<i64> {
    pod["spec"]["containers"].as_array()?.iter().find_map(|c| {
        c["ports"].as_array()?.iter().find_map(|p| {
            (p["name"] == name && p["protocol"].as_str().unwrap_or("TCP") == protocol)
                .then(|| p["containerPort"].as_i64())
                .flatten()
        })
    })
}

/// The `targetRef` of an address.
pub fn target_ref(pod: &Value) -> Value {
    json!({"kind": "Pod", "namespace": pod["metadata"]["namespace"], "name": pod["metadata"]["name"], "uid": pod["metadata"]["uid"]})
}

fn reconcile(store: &Store, (ns, name): &Key) -> Result<Requeue, StoreError> {
    let svc = match store.get(&ids::services(), ns, name) {
        Ok(s) => s.value().clone(),
        Err(StoreError::NotFound { .. }) => {
            // The Service is gone, so are its Endpoints (no owner reference
            // ties them; upstream deletes them here too).
            super::util::delete(store, &ids::endpoints(), ns, name)?;
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    if svc["spec"]["selector"]
        .as_object()
        .is_none_or(|m| m.is_empty())
        || is_terminating(&svc)
    {
        return Ok(None);
    }
    // Subsets group addresses by their resolved port list.
    let mut subsets: BTreeMap<String, (Value, Vec<Value>, Vec<Value>)> = BTreeMap::new();
    for b in backends(store, &svc) {
        if b.ports.is_empty()
            && svc["spec"]["ports"]
                .as_array()
                .is_some_and(|p| !p.is_empty())
        {
            continue;
        }
        if b.terminating && svc["spec"]["publishNotReadyAddresses"] != true {
            continue;
        }
        let ports: Vec<Value> = b
            .ports
            .iter()
            .map(|(n, p, proto)| {
                let mut v = json!({"port": p, "protocol": proto});
                if !n.is_empty() {
                    v["name"] = json!(n);
                }
                v
            })
            .collect();
        let key = super::util::canonical(&json!(ports));
        let mut address = json!({"ip": b.ip, "targetRef": target_ref(&b.pod)});
        if let Some(node) = b.pod["spec"]["nodeName"].as_str() {
            address["nodeName"] = json!(node);
        }
        if let Some(host) = b.pod["spec"]["hostname"].as_str()
            && b.pod["spec"]["subdomain"] == svc["metadata"]["name"]
        {
            address["hostname"] = json!(host);
        }
        let entry = subsets
            .entry(key)
            .or_insert_with(|| (json!(ports), Vec::new(), Vec::new()));
        if b.ready || svc["spec"]["publishNotReadyAddresses"] == true {
            entry.1.push(address);
        } else {
            entry.2.push(address);
        }
    }
    let subsets: Vec<Value> = subsets
        .into_values()
        .map(|(ports, ready, not_ready)| {
            let mut s = json!({});
            if !ready.is_empty() {
                s["addresses"] = json!(ready);
            }
            if !not_ready.is_empty() {
                s["notReadyAddresses"] = json!(not_ready);
            }
            if ports.as_array().is_some_and(|p| !p.is_empty()) {
                s["ports"] = ports;
            }
            s
        })
        .collect();
    let mut labels = svc["metadata"]["labels"].clone();
    if !labels.is_object() {
        labels = json!({});
    }
    if svc["spec"]["clusterIP"] == "None" {
        labels["service.kubernetes.io/headless"] = json!("");
    }
    let mut desired = json!({
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
    });
    if !subsets.is_empty() {
        desired["subsets"] = json!(subsets);
    }
    match store.get(&ids::endpoints(), ns, name) {
        Ok(current) => {
            let cur = current.value();
            if cur["subsets"] == desired["subsets"]
                && cur["metadata"]["labels"] == desired["metadata"]["labels"]
            {
                return Ok(None);
            }
            store.modify(&ids::endpoints(), ns, name, Target::Main, |o| {
                o["metadata"]["labels"] = desired["metadata"]["labels"].clone();
                match desired.get("subsets") {
                    Some(s) => o["subsets"] = s.clone(),
                    None => {
                        if let Some(m) = o.as_object_mut() {
                            m.remove("subsets");
                        }
                    }
                }
                Ok(())
            })?;
        }
        Err(StoreError::NotFound { .. }) => {
            store.create(&ids::endpoints(), ns, desired, WriteOptions::default())?;
        }
        Err(e) => return Err(e),
    }
    Ok(None)
}
