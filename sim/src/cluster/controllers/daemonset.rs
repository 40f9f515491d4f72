//! The DaemonSet controller: one pod per eligible node (nodeSelector,
//! required node affinity, taints against the pod's tolerations plus the
//! upstream DaemonSet defaults), pinned to its node by a
//! `metadata.name In [node]` required affinity for the scheduler to bind, as
//! upstream does. Nodes that appear get a pod, pods of nodes that go away
//! or stop being eligible are deleted, and RollingUpdate replaces outdated
//! pods within maxUnavailable.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::revision::{cleanup, update_revision};
use super::runtime::{Controller, Key, Mapper, Queue, Requeue, key_of, own_key, owner_key};
use super::util::{
    claim, delete, int, int_or_percent, is_pod_available, is_pod_ready, is_terminating, list_ns,
    phase, pod_from_template, time_at, until_available,
};
use crate::cluster::ClusterContext;
use crate::cluster::events::{EventRecorder, EventType};
use crate::registry::builtin::ids;
use crate::store::{ListOptions, Store, StoreError, StoredObject, Target, WriteOptions};

/// Tolerations every daemon pod gets (upstream `AddOrUpdateDaemonPodTolerations`).
const DEFAULT_TOLERATIONS: &[(&str, &str)] = &[
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];

/// Builds the controller.
pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    let events = EventRecorder::new(store.clone(), "daemonset-controller");
    Controller {
        name: "daemonset",
        queue: Queue::new(ctx.clock.clone()),
        watches: vec![
            (ids::daemonsets(), own_key()),
            (ids::pods(), owner_key("DaemonSet", ids::daemonsets())),
            (ids::nodes(), node_to_daemonsets()),
        ],
        reconcile: Arc::new(move |key: &Key| reconcile(&store, &events, key)),
    }
}

/// Any node change may change where every DaemonSet should run.
fn node_to_daemonsets() -> Mapper {
    Arc::new(|store, _, _| {
        store
            .list(&ids::daemonsets(), &ListOptions::default())
            .map(|l| l.items.iter().map(|d| key_of(d.value())).collect())
            .unwrap_or_default()
    })
}

/// The template's tolerations plus the DaemonSet defaults.
fn tolerations(spec: &Value) -> Vec<Value> {
    let mut all = spec["tolerations"].as_array().cloned().unwrap_or_default();
    for (key, effect) in DEFAULT_TOLERATIONS {
        if !all
            .iter()
            .any(|t| t["key"] == *key && t["effect"] == *effect)
        {
            all.push(json!({"key": key, "operator": "Exists", "effect": effect}));
        }
    }
    all
}

fn tolerates(tolerations: &[Value], taint: &Value) -> bool {
    tolerations.iter().any(|t| {
        let effect_ok = t["effect"]
            .as_str()
            .is_none_or(|e| e.is_empty() || taint["effect"] == e);
        let key = t["key"].as_str().unwrap_or_default();
        let key_ok = key.is_empty() || taint["key"] == key;
        let value_ok = match t["operator"].as_str().unwrap_or("Equal") {
            "Exists" => true,
            _ => {
                t["value"].as_str().unwrap_or_default()
                    == taint["value"].as_str().unwrap_or_default()
            }
        };
        effect_ok && key_ok && value_ok && (!key.is_empty() || t["operator"] == "Exists")
    })
}

fn requirement_holds(req: &Value, value: Option<&str>) -> bool {
    let values: Vec<&str> = req["values"]
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let num = |s: &str| s.parse::<i64>().ok();
    match req["operator"].as_str().unwrap_or_default() {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => value.is_none_or(|v| !values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => {
            matches!((value.and_then(num), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a > b)
        }
        "Lt" => {
            matches!((value.and_then(num), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a < b)
        }
        _ => false,
    }
}

/// True if a pod with this spec may run on `node`.
pub fn eligible(spec: &Value, node: &Value) -> bool {
    let labels = &node["metadata"]["labels"];
    if let Some(sel) = spec["nodeSelector"].as_object()
        && sel.iter().any(|(k, v)| labels.get(k) != Some(v))
    {
        return false;
    }
    let terms = &spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"];
    if let Some(terms) = terms.as_array().filter(|t| !t.is_empty()) {
        let term_ok = |term: &Value| {
            let exprs = term["matchExpressions"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let fields = term["matchFields"].as_array().cloned().unwrap_or_default();
            (!exprs.is_empty() || !fields.is_empty())
                && exprs.iter().all(|e| {
                    requirement_holds(e, labels[e["key"].as_str().unwrap_or_default()].as_str())
                })
                && fields.iter().all(|f| {
                    f["key"] == "metadata.name"
                        && requirement_holds(f, node["metadata"]["name"].as_str())
                })
        };
        if !terms.iter().any(term_ok) {
            return false;
        }
    }
    let tolerations = tolerations(spec);
    node["spec"]["taints"].as_array().is_none_or(|taints| {
        taints
            .iter()
            .filter(|t| t["effect"] == "NoSchedule" || t["effect"] == "NoExecute")
            .all(|t| tolerates(&tolerations, t))
    })
}

/// The node a daemon pod is bound or pinned to.
fn target_node(pod: &Value) -> Option<&str> {
    pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()).or_else(|| {
        pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
            .as_array()?
            .iter()
            .find_map(|t| {
                t["matchFields"].as_array()?.iter().find_map(|f| {
                    (f["key"] == "metadata.name" && f["operator"] == "In").then(|| f["values"][0].as_str()).flatten()
                })
            })
    })
}

fn reconcile(
    store: &Store,
    events: &EventRecorder,
    (ns, name): &Key,
) -> Result<Requeue, StoreError> {
    let ds = store.get(&ids::daemonsets(), ns, name)?.value().clone();
    if is_terminating(&ds) {
        return Ok(None);
    }
    let (_, hash) = update_revision(store, &ds)?;
    // Shared snapshots, not copies: with thousands of nodes a deep clone
    // per reconcile dominated the DaemonSet controller.
    let nodes = store.list(&ids::nodes(), &ListOptions::default())?.items;
    let pods = claim(store, &ids::pods(), &ds, &ds["spec"]["selector"])?;
    let mut by_node: HashMap<String, Vec<&Value>> = HashMap::new();
    for p in pods.iter().filter(|p| !is_terminating(p)) {
        by_node
            .entry(target_node(p).unwrap_or_default().to_string())
            .or_default()
            .push(p);
    }
    let record = |reason: &str, message: String| {
        events.record(&ds, EventType::Normal, reason, &message, None)
    };
    let delete_pod = |p: &Value| -> Result<(), StoreError> {
        let pod_name = p["metadata"]["name"].as_str().unwrap_or_default();
        delete(store, &ids::pods(), ns, pod_name)?;
        record("SuccessfulDelete", format!("Deleted pod: {pod_name}"));
        Ok(())
    };
    let spec = &ds["spec"]["template"]["spec"];
    let min_ready = int(&ds["spec"]["minReadySeconds"], 0);
    let now = store.clock().now();
    let mut eligible_nodes = Vec::new();
    for node in nodes.iter().map(|n| n.value()) {
        let node_name = node["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let here = by_node.remove(&node_name).unwrap_or_default();
        if !eligible(spec, node) || is_terminating(node) {
            for p in here {
                delete_pod(p)?;
            }
            continue;
        }
        let mut running: Vec<&Value> = Vec::new();
        for p in here {
            if phase(p) == "Failed" {
                delete_pod(p)?;
            } else {
                running.push(p);
            }
        }
        running.sort_by_key(|p| time_at(p, "metadata.creationTimestamp"));
        for extra in running.iter().skip(1) {
            delete_pod(extra)?;
        }
        match running.first() {
            Some(p) => eligible_nodes.push((node_name, Some((*p).clone()))),
            None => {
                create_pod(store, &ds, &node_name, &hash, &record)?;
                eligible_nodes.push((node_name, None));
            }
        }
    }
    // Pods of nodes that no longer exist.
    for p in by_node.into_values().flatten() {
        delete_pod(p)?;
    }
    if ds["spec"]["updateStrategy"]["type"] != "OnDelete" {
        let desired = eligible_nodes.len() as i64;
        let max_unavailable = int_or_percent(
            &ds["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"],
            desired,
            true,
        )
        .max(1);
        let available = |p: &Option<Value>| {
            p.as_ref()
                .is_some_and(|p| is_pod_available(p, min_ready, now))
        };
        let mut unavailable = eligible_nodes.iter().filter(|(_, p)| !available(p)).count() as i64;
        let outdated = |p: &Option<Value>| {
            p.as_ref().is_some_and(|p| {
                p["metadata"]["labels"]["controller-revision-hash"] != hash.as_str()
            })
        };
        for (_, p) in eligible_nodes
            .iter()
            .filter(|(_, p)| outdated(p) && !available(p))
        {
            delete_pod(p.as_ref().expect("outdated pod"))?;
        }
        for (_, p) in eligible_nodes
            .iter()
            .filter(|(_, p)| outdated(p) && available(p))
        {
            if unavailable >= max_unavailable {
                break;
            }
            delete_pod(p.as_ref().expect("outdated pod"))?;
            unavailable += 1;
        }
    }
    write_status(store, &ds, &nodes, &hash, min_ready)
}

fn create_pod(
    store: &Store,
    ds: &Value,
    node: &str,
    hash: &str,
    record: &dyn Fn(&str, String),
) -> Result<(), StoreError> {
    let ns = ds["metadata"]["namespace"].as_str().unwrap_or_default();
    let mut pod = pod_from_template(&ds["spec"]["template"], ds);
    pod["metadata"]["generateName"] = json!(format!(
        "{}-",
        ds["metadata"]["name"].as_str().unwrap_or_default()
    ));
    if !pod["metadata"]["labels"].is_object() {
        pod["metadata"]["labels"] = json!({});
    }
    pod["metadata"]["labels"]["controller-revision-hash"] = json!(hash);
    pod["metadata"]["labels"]["pod-template-generation"] = json!(
        ds["metadata"]["generation"]
            .as_i64()
            .unwrap_or(1)
            .to_string()
    );
    pod["spec"]["tolerations"] = json!(tolerations(&pod["spec"]));
    pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = json!({
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]
    });
    let created = store.create(&ids::pods(), ns, pod, WriteOptions::default())?;
    record(
        "SuccessfulCreate",
        format!("Created pod: {}", created.name()),
    );
    Ok(())
}

fn write_status(
    store: &Store,
    ds: &Value,
    nodes: &[Arc<StoredObject>],
    hash: &str,
    min_ready: i64,
) -> Result<Requeue, StoreError> {
    let ns = ds["metadata"]["namespace"].as_str().unwrap_or_default();
    let name = ds["metadata"]["name"].as_str().unwrap_or_default();
    let uid = ds["metadata"]["uid"].as_str().unwrap_or_default();
    let now = store.clock().now();
    let listed = list_ns(store, &ids::pods(), ns);
    let pods: Vec<&Value> = listed
        .iter()
        .map(|p| p.value())
        .filter(|p| super::util::controlled_by(p, uid) && !is_terminating(p))
        .collect();
    // Grouped once: a scan of every pod per node is quadratic in the
    // cluster size.
    let mut by_node: HashMap<&str, Vec<&Value>> = HashMap::new();
    for p in &pods {
        by_node
            .entry(target_node(p).unwrap_or_default())
            .or_default()
            .push(p);
    }
    let spec = &ds["spec"]["template"]["spec"];
    let (mut desired, mut current, mut misscheduled, mut ready, mut available, mut updated) =
        (0, 0, 0, 0, 0, 0);
    for node in nodes.iter().map(|n| n.value()) {
        let node_name = node["metadata"]["name"].as_str().unwrap_or_default();
        let here = by_node.get(node_name).map_or(&[][..], Vec::as_slice);
        if eligible(spec, node) {
            desired += 1;
            if let Some(p) = here.first() {
                current += 1;
                ready += i64::from(is_pod_ready(p));
                available += i64::from(is_pod_available(p, min_ready, now));
                updated += i64::from(p["metadata"]["labels"]["controller-revision-hash"] == hash);
            }
        } else if !here.is_empty() {
            misscheduled += 1;
        }
    }
    let mut status = json!({
        "currentNumberScheduled": current,
        "desiredNumberScheduled": desired,
        "numberMisscheduled": misscheduled,
        "numberReady": ready,
        "numberAvailable": available,
        "numberUnavailable": desired - available,
        "updatedNumberScheduled": updated,
        "observedGeneration": ds["metadata"]["generation"],
    });
    for k in [
        "numberAvailable",
        "numberUnavailable",
        "updatedNumberScheduled",
    ] {
        if status[k] == 0 {
            status.as_object_mut().expect("object").remove(k);
        }
    }
    if ds.get("status") != Some(&status) {
        store.modify(&ids::daemonsets(), ns, name, Target::Status, |o| {
            o["status"] = status.clone();
            Ok(())
        })?;
    }
    let mut in_use: Vec<String> = pods
        .iter()
        .filter_map(|p| {
            p["metadata"]["labels"]["controller-revision-hash"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    in_use.push(hash.to_string());
    cleanup(store, ds, &in_use)?;
    let wait = pods
        .iter()
        .filter_map(|p| until_available(p, min_ready, now))
        .min();
    Ok(wait.map(|s| Duration::from_secs(s.max(1) as u64)))
}
