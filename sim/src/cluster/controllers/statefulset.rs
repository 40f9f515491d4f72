//! The StatefulSet controller: pods `<name>-0..N-1` with stable identities
//! (hostname, subdomain, per-pod claims `<template>-<pod>`), created in
//! order with OrderedReady (each after the previous is Running and Ready)
//! or all at once with Parallel, removed from the highest ordinal, and
//! updated from the highest ordinal down to the partition. Templates are
//! recorded as ControllerRevisions (`controller-revision-hash` on pods).
//!
//! Claims are bound by the `volume` controller when a StorageClass (or the
//! seeded default one) exists; otherwise they stay Pending.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::revision::{cleanup, revisions, update_revision};
use super::runtime::{Controller, Key, Queue, Requeue, own_key, owner_key};
use super::util::{
    claim, delete, int, is_pod_available, is_running_and_ready, is_terminating, phase,
    pod_from_template, until_available,
};
use crate::cluster::ClusterContext;
use crate::cluster::events::{EventRecorder, EventType};
use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, Target, WriteOptions};

const REVISION_LABEL: &str = "controller-revision-hash";

/// Builds the controller.
pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    let events = EventRecorder::new(store.clone(), "statefulset-controller");
    Controller {
        name: "statefulset",
        queue: Queue::new(ctx.clock.clone()),
        watches: vec![
            (ids::statefulsets(), own_key()),
            (ids::pods(), owner_key("StatefulSet", ids::statefulsets())),
        ],
        reconcile: Arc::new(move |key: &Key| reconcile(&store, &events, key)),
    }
}

struct Set<'a> {
    store: &'a Store,
    events: &'a EventRecorder,
    sts: Value,
    ns: String,
    name: String,
}

impl Set<'_> {
    fn ordinal(&self, pod: &Value) -> Option<i64> {
        pod["metadata"]["name"]
            .as_str()?
            .strip_prefix(&format!("{}-", self.name))?
            .parse()
            .ok()
    }

    /// The pod template of revision `rev` (the current spec if unknown).
    fn template_of(&self, rev: &str) -> Value {
        revisions(self.store, &self.sts)
            .into_iter()
            .find(|r| r["metadata"]["name"] == rev)
            .map(|r| {
                let mut t = r["data"]["spec"]["template"].clone();
                if let Some(m) = t.as_object_mut() {
                    m.remove("$patch");
                }
                t
            })
            .unwrap_or_else(|| self.sts["spec"]["template"].clone())
    }

    fn create_pod(&self, ordinal: i64, rev: &str) -> Result<(), StoreError> {
        let pod_name = format!("{}-{ordinal}", self.name);
        let mut pod = pod_from_template(&self.template_of(rev), &self.sts);
        pod["metadata"]["name"] = json!(pod_name);
        let labels = &mut pod["metadata"]["labels"];
        if !labels.is_object() {
            *labels = json!({});
        }
        labels["statefulset.kubernetes.io/pod-name"] = json!(pod_name);
        labels["apps.kubernetes.io/pod-index"] = json!(ordinal.to_string());
        labels[REVISION_LABEL] = json!(rev);
        pod["spec"]["hostname"] = json!(pod_name);
        if let Some(svc) = self.sts["spec"]["serviceName"]
            .as_str()
            .filter(|s| !s.is_empty())
        {
            pod["spec"]["subdomain"] = json!(svc);
        }
        for tpl in self.sts["spec"]["volumeClaimTemplates"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let vol = tpl["metadata"]["name"].as_str().unwrap_or_default();
            let claim_name = format!("{vol}-{pod_name}");
            self.ensure_claim(&tpl, &claim_name, &pod_name)?;
            let volumes = pod["spec"]["volumes"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut volumes: Vec<Value> =
                volumes.into_iter().filter(|v| v["name"] != vol).collect();
            volumes.push(json!({"name": vol, "persistentVolumeClaim": {"claimName": claim_name}}));
            pod["spec"]["volumes"] = json!(volumes);
        }
        match self
            .store
            .create(&ids::pods(), &self.ns, pod, WriteOptions::default())
        {
            Ok(_) => {
                self.event(
                    "SuccessfulCreate",
                    &format!(
                        "create Pod {pod_name} in StatefulSet {} successful",
                        self.name
                    ),
                );
                Ok(())
            }
            Err(StoreError::AlreadyExists { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn ensure_claim(
        &self,
        tpl: &Value,
        claim_name: &str,
        pod_name: &str,
    ) -> Result<(), StoreError> {
        if self
            .store
            .get(&ids::persistentvolumeclaims(), &self.ns, claim_name)
            .is_ok()
        {
            return Ok(());
        }
        let mut labels = tpl["metadata"]["labels"].clone();
        if !labels.is_object() {
            labels = json!({});
        }
        if let Some(m) = self.sts["spec"]["selector"]["matchLabels"].as_object() {
            for (k, v) in m {
                labels[k] = v.clone();
            }
        }
        let claim = json!({
            "apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": claim_name, "labels": labels, "annotations": tpl["metadata"]["annotations"].clone()},
            "spec": tpl["spec"].clone(),
        });
        match self.store.create(
            &ids::persistentvolumeclaims(),
            &self.ns,
            claim,
            WriteOptions::default(),
        ) {
            Ok(_) | Err(StoreError::AlreadyExists { .. }) => {
                self.event(
                    "SuccessfulCreate",
                    &format!(
                        "create Claim {claim_name} Pod {pod_name} in StatefulSet {} success",
                        self.name
                    ),
                );
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    fn delete_pod(&self, pod: &Value) -> Result<(), StoreError> {
        let pod_name = pod["metadata"]["name"].as_str().unwrap_or_default();
        delete(self.store, &ids::pods(), &self.ns, pod_name)?;
        self.event(
            "SuccessfulDelete",
            &format!(
                "delete Pod {pod_name} in StatefulSet {} successful",
                self.name
            ),
        );
        Ok(())
    }

    fn event(&self, reason: &str, message: &str) {
        self.events
            .record(&self.sts, EventType::Normal, reason, message, None);
    }
}

fn reconcile(
    store: &Store,
    events: &EventRecorder,
    (ns, name): &Key,
) -> Result<Requeue, StoreError> {
    let sts = store.get(&ids::statefulsets(), ns, name)?.value().clone();
    if is_terminating(&sts) {
        return Ok(None);
    }
    let (update_rev, _) = update_revision(store, &sts)?;
    let current_rev = sts["status"]["currentRevision"]
        .as_str()
        .filter(|s| !s.is_empty())
        .unwrap_or(&update_rev)
        .to_string();
    let set = Set {
        store,
        events,
        sts,
        ns: ns.clone(),
        name: name.clone(),
    };
    let sts = &set.sts;
    let pods = claim(store, &ids::pods(), sts, &sts["spec"]["selector"])?;
    let replicas = int(&sts["spec"]["replicas"], 1);
    let monotonic = sts["spec"]["podManagementPolicy"] != "Parallel";
    let rolling = sts["spec"]["updateStrategy"]["type"] != "OnDelete";
    let partition = if rolling {
        int(
            &sts["spec"]["updateStrategy"]["rollingUpdate"]["partition"],
            0,
        )
    } else {
        replicas
    };
    let by_ordinal = |i: i64| pods.iter().find(|p| set.ordinal(p) == Some(i));
    let mut blocked = false;
    for i in 0..replicas {
        match by_ordinal(i) {
            None => {
                let rev = if i < partition {
                    &current_rev
                } else {
                    &update_rev
                };
                set.create_pod(i, rev)?;
                blocked |= monotonic;
            }
            Some(p) if matches!(phase(p), "Failed" | "Succeeded") && !is_terminating(p) => {
                set.delete_pod(p)?;
                blocked |= monotonic;
            }
            Some(p) if is_terminating(p) || !is_running_and_ready(p) => blocked |= monotonic,
            Some(_) => {}
        }
        if blocked {
            break;
        }
    }
    if !blocked {
        let mut condemned: Vec<&Value> = pods
            .iter()
            .filter(|p| set.ordinal(p).is_none_or(|i| i >= replicas))
            .collect();
        condemned.sort_by_key(|p| std::cmp::Reverse(set.ordinal(p)));
        for p in condemned {
            if is_terminating(p) {
                if monotonic {
                    blocked = true;
                    break;
                }
                continue;
            }
            set.delete_pod(p)?;
            if monotonic {
                blocked = true;
                break;
            }
        }
    }
    if !blocked && rolling {
        // One pod at a time from the top: replace an outdated pod, then
        // wait for its successor to be Running and Ready.
        for i in (partition.max(0)..replicas).rev() {
            let Some(p) = by_ordinal(i) else { break };
            if p["metadata"]["labels"][REVISION_LABEL] != update_rev.as_str() {
                if !is_terminating(p) {
                    set.delete_pod(p)?;
                }
                break;
            }
            if !is_running_and_ready(p) {
                break;
            }
        }
    }
    write_status(&set, &update_rev, &current_rev, replicas)
}

fn write_status(
    set: &Set<'_>,
    update_rev: &str,
    current_rev: &str,
    replicas: i64,
) -> Result<Requeue, StoreError> {
    let sts = &set.sts;
    let uid = sts["metadata"]["uid"].as_str().unwrap_or_default();
    let pods: Vec<Value> = super::util::list_ns(set.store, &ids::pods(), &set.ns)
        .iter()
        .map(|p| p.value().clone())
        .filter(|p| super::util::controlled_by(p, uid) && !is_terminating(p))
        .collect();
    let min_ready = int(&sts["spec"]["minReadySeconds"], 0);
    let now = set.store.clock().now();
    let rev_count = |rev: &str| {
        pods.iter()
            .filter(|p| p["metadata"]["labels"][REVISION_LABEL] == rev)
            .count() as i64
    };
    let count = pods.len() as i64;
    let ready = pods.iter().filter(|p| is_running_and_ready(p)).count() as i64;
    let available = pods
        .iter()
        .filter(|p| phase(p) == "Running" && is_pod_available(p, min_ready, now))
        .count() as i64;
    let updated = rev_count(update_rev);
    let (mut current_rev, mut current) = (current_rev.to_string(), rev_count(current_rev));
    if updated == count && ready == count && count == replicas {
        current_rev = update_rev.to_string();
        current = updated;
    }
    let status = json!({
        "observedGeneration": sts["metadata"]["generation"],
        "replicas": count,
        "readyReplicas": ready,
        "currentReplicas": current,
        "updatedReplicas": updated,
        "currentRevision": current_rev,
        "updateRevision": update_rev,
        "collisionCount": int(&sts["status"]["collisionCount"], 0),
        "availableReplicas": available,
    });
    if sts.get("status") != Some(&status) {
        set.store.modify(
            &ids::statefulsets(),
            &set.ns,
            &set.name,
            Target::Status,
            |o| {
                o["status"] = status.clone();
                Ok(())
            },
        )?;
    }
    let mut in_use: Vec<String> = pods
        .iter()
        .filter_map(|p| {
            p["metadata"]["labels"][REVISION_LABEL]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    in_use.extend([current_rev, update_rev.to_string()]);
    cleanup(set.store, sts, &in_use)?;
    let wait = pods
        .iter()
        .filter_map(|p| until_available(p, min_ready, now))
        .min();
    Ok(wait.map(|s| Duration::from_secs(s.max(1) as u64)))
}
