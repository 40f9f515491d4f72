//! The ReplicaSet controller: keeps `spec.replicas` active pods matching the
//! selector, adopting orphans and releasing pods whose labels moved away,
//! and reports replicas, ready, available and fully-labeled counts.

use std::cmp::Ordering;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::runtime::{Controller, Key, Queue, Requeue, own_key, owner_key};
use super::util::{
    claim, delete, int, is_pod_active, is_pod_available, is_pod_ready, is_terminating,
    pod_from_template, ready_since, time_at, until_available,
};
use crate::cluster::ClusterContext;
use crate::cluster::events::{EventRecorder, EventType};
use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, Target, WriteOptions};

/// Builds the controller.
pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    let events = EventRecorder::new(store.clone(), "replicaset-controller");
    Controller {
        name: "replicaset",
        queue: Queue::new(ctx.clock.clone()),
        watches: vec![
            (ids::replicasets(), own_key()),
            (ids::pods(), owner_key("ReplicaSet", ids::replicasets())),
        ],
        reconcile: Arc::new(move |key: &Key| reconcile(&store, &events, key)),
    }
}

fn reconcile(
    store: &Store,
    events: &EventRecorder,
    (ns, name): &Key,
) -> Result<Requeue, StoreError> {
    let rs = store.get(&ids::replicasets(), ns, name)?;
    let rs = rs.value();
    let pods = claim(store, &ids::pods(), rs, &rs["spec"]["selector"])?;
    let mut active: Vec<&Value> = pods.iter().filter(|p| is_pod_active(p)).collect();
    let want = int(&rs["spec"]["replicas"], 1).max(0) as usize;
    if !is_terminating(rs) {
        if active.len() < want {
            for _ in active.len()..want {
                let mut pod = pod_from_template(&rs["spec"]["template"], rs);
                pod["metadata"]["generateName"] = json!(format!("{name}-"));
                let created = match store.create(&ids::pods(), ns, pod, WriteOptions::default()) {
                    Ok(created) => created,
                    Err(e) => {
                        // A quota (or a terminating namespace) refused the
                        // pod: say so where `kubectl describe rs` shows it,
                        // and retry later, as upstream does.
                        events.record(
                            rs,
                            EventType::Warning,
                            "FailedCreate",
                            &format!("Error creating: {}", without_generated_name(&e, name)),
                            None,
                        );
                        return Err(e);
                    }
                };
                events.record(
                    rs,
                    EventType::Normal,
                    "SuccessfulCreate",
                    &format!("Created pod: {}", created.name()),
                    None,
                );
            }
        } else if active.len() > want {
            let now = store.clock().now();
            active.sort_by(|a, b| deletion_order(a, b, now));
            for pod in &active[..active.len() - want] {
                let pod_name = pod["metadata"]["name"].as_str().unwrap_or_default();
                delete(store, &ids::pods(), ns, pod_name)?;
                events.record(
                    rs,
                    EventType::Normal,
                    "SuccessfulDelete",
                    &format!("Deleted pod: {pod_name}"),
                    None,
                );
            }
        }
    }
    // Status from what is stored now, after the changes above.
    let rs_now = store.get(&ids::replicasets(), ns, name)?;
    let rs = rs_now.value();
    let uid = rs["metadata"]["uid"].as_str().unwrap_or_default();
    let pods: Vec<Value> = super::util::list_ns(store, &ids::pods(), ns)
        .into_iter()
        .filter(|p| super::util::controlled_by(p.value(), uid) && is_pod_active(p.value()))
        .map(|p| p.value().clone())
        .collect();
    let min_ready = int(&rs["spec"]["minReadySeconds"], 0);
    let now = store.clock().now();
    let template_labels = rs["spec"]["template"]["metadata"]["labels"].as_object();
    let fully_labeled = pods
        .iter()
        .filter(|p| {
            template_labels.is_none_or(|want| {
                want.iter()
                    .all(|(k, v)| p["metadata"]["labels"].get(k) == Some(v))
            })
        })
        .count();
    let ready = pods.iter().filter(|p| is_pod_ready(p)).count();
    let available = pods
        .iter()
        .filter(|p| is_pod_available(p, min_ready, now))
        .count();
    let mut status = json!({
        "replicas": pods.len(),
        "fullyLabeledReplicas": fully_labeled,
        "readyReplicas": ready,
        "availableReplicas": available,
        "observedGeneration": rs["metadata"]["generation"],
    });
    // Upstream omits zero counts (omitempty), except replicas.
    for k in ["fullyLabeledReplicas", "readyReplicas", "availableReplicas"] {
        if status[k] == 0 {
            status.as_object_mut().expect("object").remove(k);
        }
    }
    if rs.get("status") != Some(&status) {
        store.modify(&ids::replicasets(), ns, name, Target::Status, |o| {
            o["status"] = status.clone();
            Ok(())
        })?;
    }
    let wait = pods
        .iter()
        .filter_map(|p| until_available(p, min_ready, now))
        .min();
    Ok(wait.map(|s| Duration::from_secs(s.max(1) as u64)))
}

/// The refusal of a pod create with the pod named by its prefix
/// (`pods "web-" is forbidden: …`): each retry generates a new name, and a
/// stable message lets the recorder count repeats in one event.
fn without_generated_name(e: &StoreError, rs_name: &str) -> String {
    let message = e.to_string();
    match message
        .strip_prefix("pods \"")
        .and_then(|rest| rest.split_once('"'))
    {
        Some((_, rest)) => format!("pods \"{rs_name}-\"{rest}"),
        None => message,
    }
}

/// Upstream's `ActivePods` order: the pods to delete first come first —
/// unscheduled, then pending, then not ready, then ready for less time,
/// then more restarts, then newer.
fn deletion_order(a: &Value, b: &Value, now: chrono::DateTime<chrono::Utc>) -> Ordering {
    let unscheduled = |p: &Value| p["spec"]["nodeName"].as_str().is_none_or(str::is_empty);
    let phase_rank = |p: &Value| match super::util::phase(p) {
        "Pending" => 0,
        "Unknown" => 1,
        _ => 2,
    };
    let restarts = |p: &Value| {
        p["status"]["containerStatuses"]
            .as_array()
            .map(|cs| cs.iter().map(|c| int(&c["restartCount"], 0)).sum::<i64>())
            .unwrap_or(0)
    };
    let created = |p: &Value| time_at(p, "metadata.creationTimestamp");
    unscheduled(b)
        .cmp(&unscheduled(a))
        .then(phase_rank(a).cmp(&phase_rank(b)))
        .then(is_pod_ready(a).cmp(&is_pod_ready(b)))
        .then_with(|| {
            // Ready for less time first.
            let since = |p: &Value| ready_since(p).unwrap_or(now);
            since(b).cmp(&since(a))
        })
        .then(restarts(b).cmp(&restarts(a)))
        .then(created(b).cmp(&created(a)))
}
