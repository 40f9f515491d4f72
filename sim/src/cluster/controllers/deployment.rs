//! The Deployment controller: one ReplicaSet per pod template (named
//! `<deployment>-<pod-template-hash>`), revisions in the
//! `deployment.kubernetes.io/revision` annotation, RollingUpdate within
//! maxSurge/maxUnavailable and Recreate, following upstream's
//! `pkg/controller/deployment` (rolling.go, recreate.go, sync.go) closely
//! enough that `kubectl rollout status|history|undo|restart` behave as on a
//! real cluster. The rolling and recreate strategies are in
//! `deployment_strategy`, status and history cleanup in `deployment_status`.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::deployment_status::{cleanup_history, sync_status};
use super::runtime::{Controller, Key, Mapper, Queue, Requeue, own_key};
use super::util::{
    claim, controller_ref, hash_value, int, int_or_percent, is_terminating, owner_reference,
    time_at,
};
use crate::cluster::ClusterContext;
use crate::cluster::events::{EventRecorder, EventType};
use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, Target, WriteOptions};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
pub const HASH_LABEL: &str = "pod-template-hash";

/// Deployment annotations not copied to its ReplicaSets (upstream's
/// `skipCopyAnnotation`).
const NOT_COPIED: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
];

/// Builds the controller.
pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    let events = EventRecorder::new(store.clone(), "deployment-controller");
    Controller {
        name: "deployment",
        queue: Queue::new(ctx.clock.clone()),
        watches: vec![
            (ids::deployments(), own_key()),
            (
                ids::replicasets(),
                super::runtime::owner_key("Deployment", ids::deployments()),
            ),
            (ids::pods(), pod_to_deployment()),
        ],
        reconcile: Arc::new(move |key: &Key| reconcile(&store, &events, key)),
    }
}

/// Pods matter to Recreate (it waits for old pods to be gone): a pod maps
/// to its ReplicaSet's Deployment.
fn pod_to_deployment() -> Mapper {
    Arc::new(|store, _, pod| {
        let Some(r) = controller_ref(pod).filter(|r| r["kind"] == "ReplicaSet") else {
            return Vec::new();
        };
        let ns = crate::store::object::namespace(pod);
        let Ok(rs) = store.get(
            &ids::replicasets(),
            ns,
            r["name"].as_str().unwrap_or_default(),
        ) else {
            return Vec::new();
        };
        match controller_ref(rs.value()).filter(|r| r["kind"] == "Deployment") {
            Some(d) => vec![(
                ns.to_string(),
                d["name"].as_str().unwrap_or_default().to_string(),
            )],
            None => Vec::new(),
        }
    })
}

/// A deployment being reconciled, with its ReplicaSets (kept current as
/// they are scaled).
pub struct Rollout<'a> {
    pub store: &'a Store,
    pub events: &'a EventRecorder,
    pub d: Value,
    pub new_rs: Option<Value>,
    pub olds: Vec<Value>,
    /// Progressing condition set while creating/finding the new RS.
    pub progress_note: Option<(&'static str, String)>,
}

impl Rollout<'_> {
    pub fn replicas(&self) -> i64 {
        int(&self.d["spec"]["replicas"], 1)
    }

    pub(super) fn ns(&self) -> String {
        self.d["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn all(&self) -> Vec<&Value> {
        self.olds.iter().chain(self.new_rs.iter()).collect()
    }

    /// (maxSurge, maxUnavailable) resolved against replicas; never both 0.
    pub fn fenceposts(&self) -> (i64, i64) {
        let ru = &self.d["spec"]["strategy"]["rollingUpdate"];
        let replicas = self.replicas();
        let surge = int_or_percent(&ru["maxSurge"], replicas, true);
        let unavailable = int_or_percent(&ru["maxUnavailable"], replicas, false);
        if surge == 0 && unavailable == 0 {
            (0, 1)
        } else {
            (surge, unavailable)
        }
    }

    fn is_rolling(&self) -> bool {
        self.d["spec"]["strategy"]["type"] != "Recreate"
    }

    /// The new RS's revision: one more than every old RS's.
    fn next_revision(&self) -> i64 {
        self.olds.iter().map(revision).max().unwrap_or(0) + 1
    }

    /// Finds the RS for the current template (updating its revision and
    /// annotations), or creates it when `create`.
    pub(super) fn sync_new_rs(&mut self, create: bool) -> Result<(), StoreError> {
        let next = self.next_revision();
        let ns = self.ns();
        if let Some(rs) = self.new_rs.clone() {
            let rs = &rs;
            let mut updated = rs.clone();
            let old_rev = revision(rs);
            let annotations = self.rs_annotations(rs, next.max(old_rev));
            if old_rev < next && old_rev > 0 {
                let mut history: Vec<String> = rs["metadata"]["annotations"][REVISION_HISTORY]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .map(|s| s.split(',').map(str::to_string).collect())
                    .unwrap_or_default();
                history.push(old_rev.to_string());
                updated["metadata"]["annotations"] = annotations;
                updated["metadata"]["annotations"][REVISION_HISTORY] = json!(history.join(","));
            } else {
                updated["metadata"]["annotations"] = annotations;
            }
            if &updated != rs {
                let name = rs["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let stored =
                    self.store
                        .modify(&ids::replicasets(), &ns, &name, Target::Main, |o| {
                            o["metadata"]["annotations"] =
                                updated["metadata"]["annotations"].clone();
                            Ok(())
                        })?;
                self.new_rs = Some(stored.value().clone());
            }
            let name = rs["metadata"]["name"].as_str().unwrap_or_default();
            if super::util::condition(&self.d, "Progressing").is_none() {
                self.progress_note = Some((
                    "FoundNewReplicaSet",
                    format!("Found new replica set \"{name}\""),
                ));
            }
            return self.set_deployment_revision();
        }
        if !create {
            return Ok(());
        }
        let collisions = self.d["status"]["collisionCount"].as_i64();
        let template = &self.d["spec"]["template"];
        let hash = hash_value(template, collisions);
        let name = format!(
            "{}-{hash}",
            self.d["metadata"]["name"].as_str().unwrap_or_default()
        );
        let mut rs_template = template.clone();
        rs_template["metadata"]["labels"][HASH_LABEL] = json!(hash);
        let mut selector = self.d["spec"]["selector"].clone();
        selector["matchLabels"][HASH_LABEL] = json!(hash);
        let replicas = if self.is_rolling() {
            self.new_rs_replicas(0)
        } else {
            self.replicas()
        };
        let placeholder = json!({"metadata": {}});
        let mut rs = json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "labels": rs_template["metadata"]["labels"],
                "annotations": self.rs_annotations(&placeholder, next),
                "ownerReferences": [owner_reference(&self.d)],
            },
            "spec": {
                "replicas": replicas,
                "minReadySeconds": int(&self.d["spec"]["minReadySeconds"], 0),
                "selector": selector,
                "template": rs_template,
            }
        });
        if rs["spec"]["minReadySeconds"] == 0 {
            rs["spec"]
                .as_object_mut()
                .expect("object")
                .remove("minReadySeconds");
        }
        match self
            .store
            .create(&ids::replicasets(), &ns, rs, WriteOptions::default())
        {
            Ok(created) => {
                if replicas > 0 {
                    self.events.record(
                        &self.d,
                        EventType::Normal,
                        "ScalingReplicaSet",
                        &format!("Scaled up replica set {name} from 0 to {replicas}"),
                        None,
                    );
                }
                self.progress_note = Some((
                    "NewReplicaSetCreated",
                    format!("Created new replica set \"{name}\""),
                ));
                self.new_rs = Some(created.value().clone());
                self.set_deployment_revision()
            }
            Err(StoreError::AlreadyExists { .. }) => {
                // Same name, other template (a hash collision): bump the
                // collision count so the next hash differs.
                let d_name = self.d["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                self.store
                    .modify(&ids::deployments(), &ns, &d_name, Target::Status, |o| {
                        o["status"]["collisionCount"] =
                            json!(int(&o["status"]["collisionCount"], 0) + 1);
                        Ok(())
                    })?;
                Err(StoreError::Conflict {
                    resource: "replicasets.apps".into(),
                    name,
                    reason: "hash collision".into(),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// The annotations an RS of this deployment carries.
    fn rs_annotations(&self, rs: &Value, rev: i64) -> Value {
        let mut annotations = rs["metadata"]["annotations"].clone();
        if !annotations.is_object() {
            annotations = json!({});
        }
        if let Some(from) = self.d["metadata"]["annotations"].as_object() {
            for (k, v) in from {
                if !NOT_COPIED.contains(&k.as_str()) {
                    annotations[k] = v.clone();
                }
            }
        }
        annotations[REVISION] = json!(rev.to_string());
        annotations[DESIRED_REPLICAS] = json!(self.replicas().to_string());
        annotations[MAX_REPLICAS] = json!((self.replicas() + self.max_surge()).to_string());
        annotations
    }

    fn max_surge(&self) -> i64 {
        if self.is_rolling() {
            self.fenceposts().0
        } else {
            0
        }
    }

    fn set_deployment_revision(&mut self) -> Result<(), StoreError> {
        let Some(rs) = &self.new_rs else {
            return Ok(());
        };
        let rev = revision(rs).to_string();
        if self.d["metadata"]["annotations"][REVISION] == rev.as_str() {
            return Ok(());
        }
        let ns = self.ns();
        let name = self.d["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let stored = self
            .store
            .modify(&ids::deployments(), &ns, &name, Target::Main, |o| {
                if !o["metadata"]["annotations"].is_object() {
                    o["metadata"]["annotations"] = json!({});
                }
                o["metadata"]["annotations"][REVISION] = json!(rev);
                Ok(())
            })?;
        self.d = stored.value().clone();
        Ok(())
    }

    /// Upstream's `NewRSNewReplicas` for RollingUpdate: grow the new RS as
    /// far as maxSurge allows.
    pub(super) fn new_rs_replicas(&self, current_new: i64) -> i64 {
        // Old RSs count with the pods they still have: one just scaled down
        // keeps them until its controller deletes them, and the surge is
        // about pods, not specs.
        let old: i64 = self
            .olds
            .iter()
            .map(|rs| spec_replicas(rs).max(int(&rs["status"]["replicas"], 0)))
            .sum();
        let total = old + current_new;
        let max_total = self.replicas() + self.fenceposts().0;
        if total >= max_total {
            return current_new;
        }
        let up = (max_total - total).min(self.replicas() - current_new);
        current_new + up.max(0)
    }

    /// Sets an RS's replicas (and its desired/max annotations), with the
    /// ScalingReplicaSet event.
    pub fn scale(&mut self, rs_name: &str, to: i64) -> Result<(), StoreError> {
        let ns = self.ns();
        let desired = self.replicas().to_string();
        let max = (self.replicas() + self.max_surge()).to_string();
        let mut from = 0;
        let stored = self
            .store
            .modify(&ids::replicasets(), &ns, rs_name, Target::Main, |o| {
                from = spec_replicas(o);
                o["spec"]["replicas"] = json!(to);
                o["metadata"]["annotations"][DESIRED_REPLICAS] = json!(desired);
                o["metadata"]["annotations"][MAX_REPLICAS] = json!(max);
                Ok(())
            })?;
        if from != to {
            let dir = if to > from { "up" } else { "down" };
            self.events.record(
                &self.d,
                EventType::Normal,
                "ScalingReplicaSet",
                &format!("Scaled {dir} replica set {rs_name} from {from} to {to}"),
                None,
            );
        }
        let value = stored.value().clone();
        if self
            .new_rs
            .as_ref()
            .is_some_and(|n| n["metadata"]["name"] == rs_name)
        {
            self.new_rs = Some(value);
        } else if let Some(old) = self
            .olds
            .iter_mut()
            .find(|o| o["metadata"]["name"] == rs_name)
        {
            *old = value;
        }
        Ok(())
    }
}

/// The `deployment.kubernetes.io/revision` of an RS (0 if missing).
pub fn revision(rs: &Value) -> i64 {
    rs["metadata"]["annotations"][REVISION]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

pub fn spec_replicas(rs: &Value) -> i64 {
    int(&rs["spec"]["replicas"], 0)
}

/// Pod templates equal apart from the `pod-template-hash` label.
fn same_template(rs_template: &Value, template: &Value) -> bool {
    let strip = |t: &Value| {
        let mut t = t.clone();
        if let Some(labels) = t["metadata"]["labels"].as_object_mut() {
            labels.remove(HASH_LABEL);
        }
        t
    };
    super::util::normalized(&strip(rs_template)) == super::util::normalized(&strip(template))
}

fn reconcile(
    store: &Store,
    events: &EventRecorder,
    (ns, name): &Key,
) -> Result<Requeue, StoreError> {
    let d = store.get(&ids::deployments(), ns, name)?.value().clone();
    if is_terminating(&d) {
        return Ok(None);
    }
    let selector = d["spec"]["selector"].clone();
    let mut rss = claim(store, &ids::replicasets(), &d, &selector)?;
    rss.sort_by_key(|rs| time_at(rs, "metadata.creationTimestamp"));
    let new_idx = rss
        .iter()
        .position(|rs| same_template(&rs["spec"]["template"], &d["spec"]["template"]));
    let new_rs = new_idx.map(|i| rss.remove(i));
    let mut rollout = Rollout {
        store,
        events,
        d,
        new_rs,
        olds: rss,
        progress_note: None,
    };
    let paused = rollout.d["spec"]["paused"] == true;
    if paused {
        rollout.sync_new_rs(false)?;
        if let Some(new) = rollout.new_rs.clone()
            && rollout.olds.iter().all(|rs| spec_replicas(rs) == 0)
            && spec_replicas(&new) != rollout.replicas()
        {
            // A paused deployment still scales.
            let name = new["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            rollout.scale(&name, rollout.replicas())?;
        }
    } else if rollout.is_rolling() {
        rollout.rollout_rolling()?;
    } else {
        rollout.rollout_recreate()?;
    }
    let wait = sync_status(&mut rollout, paused)?;
    if !paused {
        cleanup_history(&rollout)?;
    }
    Ok(wait.map(|s| Duration::from_secs(s.max(1) as u64)))
}
