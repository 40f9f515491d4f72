//! `default-scheduler`: binds pods that have no node to the best node that
//! fits, or marks them `Unschedulable` with upstream's message and retries
//! when nodes change or a pod frees room. "Best" weighs the default
//! profile's two scores that matter here like upstream does: least
//! allocated (NodeResourcesFit, weight 1) and the default topology spread
//! (PodTopologySpread, weight 2, see `spread.rs`).
//!
//! Like upstream it keeps a cache (nodes, and per node the requests of the
//! pods bound to it) fed by watches, so a decision costs O(nodes), not a
//! scan of every pod.

mod filters;
mod spread;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::task::JoinHandle;

use super::ClusterContext;
use super::conditions;
use super::events::{EventRecorder, EventType as Ev};
use super::quantity::{Resources, pod_requests};
use super::resync_watch::{Change, ResyncWatch};
use crate::registry::builtin::ids;
use crate::store::{EventType, Store, StoreError, StoredObject, Target, WatchFilter};

use filters::Usage;
pub use filters::{tolerated, tolerates};

/// The scheduler name this scheduler serves.
pub const SCHEDULER_NAME: &str = "default-scheduler";

/// Upstream's default-profile weight of PodTopologySpread (NodeResourcesFit's is 1).
const SPREAD_WEIGHT: i64 = 2;

/// How often pods that did not fit are tried again even if nothing changed
/// (upstream flushes its unschedulable queue after at most 5 minutes).
const RETRY_EVERY: Duration = Duration::from_secs(60);

/// Spawns the scheduler.
pub fn start(ctx: &ClusterContext) -> JoinHandle<()> {
    let mut scheduler = Scheduler {
        store: ctx.store.clone(),
        recorder: EventRecorder::new(ctx.store.clone(), SCHEDULER_NAME),
        nodes: BTreeMap::new(),
        bound: HashMap::new(),
        usage: HashMap::new(),
        placed: spread::Placements::default(),
        pending: BTreeMap::new(),
        epoch: 0,
    };
    let store = ctx.store.clone();
    let clock = ctx.clock.clone();
    let mut shutdown = ctx.shutdown.clone();
    tokio::spawn(async move {
        let mut pods = ResyncWatch::new(&store, ids::pods(), WatchFilter::default());
        let mut nodes = ResyncWatch::new(&store, ids::nodes(), WatchFilter::default());
        let mut retry = tokio::time::interval(clock.to_real(RETRY_EVERY));
        retry.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.wait_for(|s| *s) => return,
                changes = nodes.next() => changes.into_iter().for_each(|c| scheduler.node_change(c)),
                changes = pods.next() => changes.into_iter().for_each(|c| scheduler.pod_change(c)),
                _ = retry.tick() => scheduler.epoch += 1,
            }
            scheduler.schedule_pending();
        }
    })
}

/// A pod waiting for a node.
struct Pending {
    uid: String,
    /// The cluster epoch of the last failed attempt (None = not tried).
    tried: Option<u64>,
    spec: Value,
}

struct Scheduler {
    store: Store,
    recorder: EventRecorder,
    nodes: BTreeMap<String, Arc<StoredObject>>,
    /// pod uid → (node, requests, namespace) for pods holding room on a node.
    bound: HashMap<String, (String, Resources, String)>,
    usage: HashMap<String, Usage>,
    /// Bound pods that are not terminating, for topology spreading.
    placed: spread::Placements,
    pending: BTreeMap<(String, String), Pending>,
    /// Bumped whenever room may have appeared; failed pods retry then.
    epoch: u64,
}

impl Scheduler {
    fn node_change(&mut self, change: Change) {
        match change {
            Change::Reset => self.nodes.clear(),
            Change::Event(EventType::Deleted, node) => {
                self.nodes.remove(node.name());
            }
            Change::Event(_, node) => {
                let relevant = self
                    .nodes
                    .get(node.name())
                    .is_none_or(|old| fingerprint(old.value()) != fingerprint(node.value()));
                self.nodes.insert(node.name().to_owned(), node);
                if !relevant {
                    return;
                }
            }
        }
        self.epoch += 1;
    }

    fn pod_change(&mut self, change: Change) {
        let (event, pod) = match change {
            Change::Reset => {
                self.bound.clear();
                self.usage.clear();
                self.placed.clear();
                self.pending.clear();
                self.epoch += 1;
                return;
            }
            Change::Event(e, pod) => (e, pod),
        };
        let freed = self.forget(pod.uid());
        let v = pod.value();
        let key = (pod.namespace().to_owned(), pod.name().to_owned());
        let node = v["spec"]["nodeName"].as_str().unwrap_or_default();
        let terminal = matches!(v["status"]["phase"].as_str(), Some("Succeeded" | "Failed"));
        if event == EventType::Deleted || terminal {
            self.pending.remove(&key);
            if freed {
                self.epoch += 1;
            }
            return;
        }
        if !node.is_empty() {
            self.pending.remove(&key);
            self.hold(v, node, pod_requests(&v["spec"]));
            return;
        }
        let ours = v["spec"]["schedulerName"]
            .as_str()
            .is_none_or(|s| s == SCHEDULER_NAME);
        let deleting = !v["metadata"]["deletionTimestamp"].is_null();
        let gated = v["spec"]["schedulingGates"]
            .as_array()
            .is_some_and(|g| !g.is_empty());
        if !ours || deleting || gated {
            self.pending.remove(&key);
            return;
        }
        let entry = self.pending.entry(key).or_insert_with(|| Pending {
            uid: pod.uid().to_owned(),
            tried: None,
            spec: Value::Null,
        });
        if entry.uid != pod.uid() || entry.spec != v["spec"] {
            entry.uid = pod.uid().to_owned();
            entry.spec = v["spec"].clone();
            entry.tried = None;
        }
    }

    /// Releases what pod `uid` held; true if it held room.
    fn forget(&mut self, uid: &str) -> bool {
        let Some((node, req, ns)) = self.bound.remove(uid) else {
            return false;
        };
        self.placed.remove(uid, &ns);
        if let Some(u) = self.usage.get_mut(&node) {
            u.requested = u.requested - req;
            u.pods -= 1;
        }
        true
    }

    /// Counts `pod` (stored JSON) against `node`.
    fn hold(&mut self, pod: &Value, node: &str, req: Resources) {
        let uid = pod["metadata"]["uid"].as_str().unwrap_or_default();
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or_default();
        self.forget(uid);
        let u = self.usage.entry(node.to_owned()).or_default();
        u.requested = u.requested + req;
        u.pods += 1;
        self.bound
            .insert(uid.to_owned(), (node.to_owned(), req, ns.to_owned()));
        if pod["metadata"]["deletionTimestamp"].is_null() {
            self.placed.place(uid, ns, node, &pod["metadata"]["labels"]);
        }
    }

    /// Tries every pending pod not yet tried in this epoch, oldest key first.
    fn schedule_pending(&mut self) {
        let due: Vec<(String, String)> = self
            .pending
            .iter()
            .filter(|(_, p)| p.tried != Some(self.epoch))
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            let Ok(pod) = self.store.get(&ids::pods(), &key.0, &key.1) else {
                self.pending.remove(&key);
                continue;
            };
            match self.schedule_one(&pod) {
                Ok(()) => {
                    self.pending.remove(&key);
                }
                Err(()) => {
                    if let Some(p) = self.pending.get_mut(&key) {
                        p.tried = Some(self.epoch);
                    }
                }
            }
        }
    }

    /// Binds `pod` or records why it cannot be bound.
    fn schedule_one(&mut self, pod: &StoredObject) -> Result<(), ()> {
        let v = pod.value();
        if v["spec"]["nodeName"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
        {
            return Ok(());
        }
        let request = pod_requests(&v["spec"]);
        // Pinned pods (DaemonSets) are checked against their nodes only;
        // all nodes are filtered when that fails, for the full FitError.
        let pinned = filters::pinned_nodes(&v["spec"]);
        let (mut best, mut misfits) = self.filter(v, request, pinned.as_deref());
        if best.is_empty() && pinned.is_some() {
            (best, misfits) = self.filter(v, request, None);
        }
        self.add_spread_scores(v, &mut best);
        let top = best.iter().map(|(_, s)| *s).max();
        let candidates: Vec<&str> = best
            .iter()
            .filter(|(_, s)| Some(*s) == top)
            .map(|(n, _)| *n)
            .collect();
        if candidates.is_empty() {
            let message = filters::fit_error(self.nodes.len(), &misfits);
            self.unschedulable(pod, &message);
            return Err(());
        }
        let node = candidates[rand::random_range(0..candidates.len())].to_owned();
        match self.bind(pod, &node) {
            Ok(bound) => {
                self.hold(bound.value(), &node, request);
                Ok(())
            }
            // Gone, or bound by someone else meanwhile: the watch tells.
            Err(_) => Ok(()),
        }
    }

    /// Filters `only` (or every node) for `pod`: the feasible nodes with
    /// their scores, and why each other node does not fit.
    fn filter(
        &self,
        pod: &Value,
        request: Resources,
        only: Option<&[&str]>,
    ) -> (Vec<(&str, i64)>, Vec<Vec<filters::Misfit>>) {
        let nodes: Vec<(&String, &Arc<StoredObject>)> = match only {
            Some(names) => names
                .iter()
                .filter_map(|n| self.nodes.get_key_value(*n))
                .collect(),
            None => self.nodes.iter().collect(),
        };
        let hard_spread = spread::HardConstraints::of(&self.placed, pod, || {
            self.nodes
                .values()
                .map(|n| n.value())
                .filter(|n| filters::affinity_matches(&pod["spec"], n))
                .collect()
        });
        let mut best = Vec::new();
        let mut misfits = Vec::new();
        for (name, node) in nodes {
            let usage = self.usage.get(name).copied().unwrap_or_default();
            let mut why = filters::check(pod, request, node.value(), usage);
            if why.is_empty() {
                why.extend(hard_spread.check(node.value()));
            }
            if why.is_empty() {
                best.push((name.as_str(), filters::score(request, node.value(), usage)));
            } else {
                misfits.push(why);
            }
        }
        (best, misfits)
    }

    /// Adds the weighted topology spread score to each feasible node's.
    fn add_spread_scores(&self, pod: &Value, best: &mut [(&str, i64)]) {
        if best.len() < 2 {
            return;
        }
        let nodes: Vec<&Value> = best
            .iter()
            .filter_map(|(n, _)| self.nodes.get(*n).map(|o| o.value()))
            .collect();
        let spread = spread::scores(&self.store, &self.placed, pod, &nodes);
        for ((_, score), s) in best.iter_mut().zip(spread) {
            *score += SPREAD_WEIGHT * s;
        }
    }

    /// `pods/binding`: sets `spec.nodeName`, then PodScheduled=True.
    fn bind(&self, pod: &StoredObject, node: &str) -> Result<Arc<StoredObject>, StoreError> {
        let uid = pod.uid().to_owned();
        let (ns, name) = (pod.namespace(), pod.name());
        let bound = self
            .store
            .modify(&ids::pods(), ns, name, Target::Main, |p| {
                if p["metadata"]["uid"] != uid.as_str()
                    || p["spec"]["nodeName"]
                        .as_str()
                        .is_some_and(|n| !n.is_empty())
                {
                    return Err(StoreError::Conflict {
                        resource: "pods".into(),
                        name: name.into(),
                        reason: "pod was bound or replaced meanwhile".into(),
                    });
                }
                p["spec"]["nodeName"] = json!(node);
                Ok(())
            })?;
        let now = self.store.clock().now_rfc3339();
        let _ = self
            .store
            .modify(&ids::pods(), ns, name, Target::Status, |p| {
                conditions::set(&mut p["status"], "PodScheduled", "True", None, None, &now);
                Ok(())
            });
        self.recorder.record(
            bound.value(),
            Ev::Normal,
            "Scheduled",
            &format!("Successfully assigned {ns}/{name} to {node}"),
            None,
        );
        Ok(bound)
    }

    fn unschedulable(&self, pod: &StoredObject, message: &str) {
        let now = self.store.clock().now_rfc3339();
        let _ = self.store.modify(
            &ids::pods(),
            pod.namespace(),
            pod.name(),
            Target::Status,
            |p| {
                conditions::set(
                    &mut p["status"],
                    "PodScheduled",
                    "False",
                    Some("Unschedulable"),
                    Some(message),
                    &now,
                );
                Ok(())
            },
        );
        self.recorder
            .record(pod.value(), Ev::Warning, "FailedScheduling", message, None);
    }
}

/// The parts of a node that scheduling reads (not heartbeats).
fn fingerprint(node: &Value) -> Value {
    json!([
        node["spec"],
        node["metadata"]["labels"],
        node["status"]["allocatable"],
        conditions::status_of(&node["status"], "Ready"),
    ])
}
