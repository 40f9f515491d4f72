//! The node lifecycle controller: a node whose Lease is not renewed for
//! `LEASE_DURATION_SECONDS` gets Ready=Unknown and the `unreachable` taints,
//! its pods Ready=False; a node Ready again loses the taints. Its taint
//! manager evicts (deletes) pods from nodes with NoExecute taints once their
//! toleration runs out, so controllers replace them elsewhere.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use super::ClusterContext;
use super::conditions;
use super::events::{EventRecorder, EventType};
use super::kubelet::{LEASE_DURATION_SECONDS, LEASE_NAMESPACE};
use super::scheduler::tolerates;
use crate::clock::{format_time, parse_time};
use crate::registry::builtin::ids;
use crate::store::{DeleteOptions, ListOptions, Store, Target};

/// How often nodes are checked (upstream `node-monitor-period`: 5 s).
const MONITOR_EVERY: Duration = Duration::from_secs(2);

pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";

/// Spawns the controller.
pub fn start(ctx: &ClusterContext) -> JoinHandle<()> {
    let store = ctx.store.clone();
    let clock = ctx.clock.clone();
    let mut shutdown = ctx.shutdown.clone();
    tokio::spawn(async move {
        let mut controller = Controller {
            nodes: EventRecorder::new(store.clone(), "node-controller"),
            evictions: EventRecorder::new(store.clone(), "taint-eviction-controller"),
            first_seen: HashMap::new(),
            probes: HashMap::new(),
            store,
        };
        let mut tick = tokio::time::interval(clock.to_real(MONITOR_EVERY));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.wait_for(|s| *s) => return,
                _ = tick.tick() => controller.monitor(),
            }
        }
    })
}

struct Controller {
    store: Store,
    nodes: EventRecorder,
    evictions: EventRecorder,
    /// NoExecute taints without `timeAdded`: when this controller first saw them.
    first_seen: HashMap<(String, String), DateTime<Utc>>,
    /// Per node: the last lease `renewTime` seen and when this controller
    /// saw it change (upstream's probe timestamp). Staleness is measured on
    /// this controller's clock from the last observed change, so a slow
    /// start-up (a large seed) does not make every node look lost.
    probes: HashMap<String, (String, DateTime<Utc>)>,
}

impl Controller {
    fn monitor(&mut self) {
        let now = self.store.clock().now();
        let Ok(nodes) = self.store.list(&ids::nodes(), &ListOptions::default()) else {
            return;
        };
        let renewals: HashMap<String, String> = self
            .store
            .list(
                &ids::leases(),
                &ListOptions {
                    namespace: Some(LEASE_NAMESPACE.into()),
                    ..Default::default()
                },
            )
            .map(|l| {
                l.items
                    .iter()
                    .filter_map(|o| {
                        let t = o.value()["spec"]["renewTime"].as_str()?;
                        Some((o.name().to_owned(), t.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for node in &nodes.items {
            let v = node.value();
            let name = node.name();
            let ready = conditions::status_of(&v["status"], "Ready").unwrap_or("Unknown");
            let renewed = renewals.get(name).cloned().unwrap_or_default();
            let probe = self
                .probes
                .entry(name.to_owned())
                .or_insert_with(|| (renewed.clone(), now));
            if probe.0 != renewed {
                *probe = (renewed, now);
            }
            let stale = now - probe.1 > chrono::Duration::seconds(LEASE_DURATION_SECONDS);
            if stale && ready != "Unknown" {
                self.lost(name, now);
            }
            let ready = if stale { "Unknown" } else { ready };
            self.sync_taints(name, v, ready, now);
        }
        // A set, not a scan per probe: that was quadratic in the node count
        // (25 M string compares every pass at 5,000 nodes).
        let names: std::collections::HashSet<&str> = nodes.items.iter().map(|o| o.name()).collect();
        self.probes.retain(|n, _| names.contains(n.as_str()));
        if let Ok(nodes) = self.store.list(&ids::nodes(), &ListOptions::default()) {
            for node in &nodes.items {
                self.evict(node.name(), node.value(), now);
            }
        }
    }

    /// Ready=Unknown: the kubelet stopped posting; its pods are not ready.
    fn lost(&self, name: &str, now: DateTime<Utc>) {
        let stamp = format_time(now);
        let updated = self
            .store
            .modify(&ids::nodes(), "", name, Target::Status, |n| {
                for ty in ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"] {
                    conditions::set(
                        &mut n["status"],
                        ty,
                        "Unknown",
                        Some("NodeStatusUnknown"),
                        Some("Kubelet stopped posting node status."),
                        &stamp,
                    );
                }
                Ok(())
            });
        let Ok(node) = updated else { return };
        self.nodes.record(
            node.value(),
            EventType::Normal,
            "NodeNotReady",
            &format!("Node {name} status is now: NodeNotReady"),
            None,
        );
        for (ns, pod) in self.store.pods_on_node(name) {
            let marked = self
                .store
                .modify(&ids::pods(), &ns, &pod, Target::Status, |p| {
                    conditions::set(&mut p["status"], "Ready", "False", None, None, &stamp);
                    Ok(())
                });
            if let Ok(p) = marked {
                self.nodes.record(
                    p.value(),
                    EventType::Warning,
                    "NodeNotReady",
                    "Node is not ready",
                    None,
                );
            }
        }
    }

    /// `unreachable` taints while Ready=Unknown, `not-ready` ones while
    /// Ready=False, none while Ready=True.
    fn sync_taints(&self, name: &str, node: &Value, ready: &str, now: DateTime<Utc>) {
        let wanted = match ready {
            "True" => None,
            "False" => Some(NOT_READY),
            _ => Some(UNREACHABLE),
        };
        let taints = node["spec"]["taints"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let ours = |t: &Value| t["key"] == UNREACHABLE || t["key"] == NOT_READY;
        let mut next: Vec<Value> = taints.iter().filter(|t| !ours(t)).cloned().collect();
        if let Some(key) = wanted {
            for effect in ["NoSchedule", "NoExecute"] {
                let existing = taints
                    .iter()
                    .find(|t| t["key"] == key && t["effect"] == effect)
                    .cloned();
                next.push(existing.unwrap_or_else(|| {
                    let mut t = json!({"key": key, "effect": effect});
                    if effect == "NoExecute" {
                        t["timeAdded"] = json!(format_time(now));
                    }
                    t
                }));
            }
        }
        if next.len() == taints.len() && next.iter().all(|t| taints.contains(t)) {
            return;
        }
        let _ = self
            .store
            .modify(&ids::nodes(), "", name, Target::Main, |n| {
                n["spec"]["taints"] = Value::Array(next.clone());
                Ok(())
            });
    }

    /// Deletes pods that do not tolerate a NoExecute taint of `node` (any
    /// more): at once without a toleration, after `tolerationSeconds` with one.
    fn evict(&mut self, name: &str, node: &Value, now: DateTime<Utc>) {
        let taints: Vec<(Value, DateTime<Utc>)> = node["spec"]["taints"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["effect"] == "NoExecute")
            .map(|t| {
                let key = (
                    name.to_owned(),
                    t["key"].as_str().unwrap_or_default().to_owned(),
                );
                let added = t["timeAdded"]
                    .as_str()
                    .and_then(parse_time)
                    .unwrap_or_else(|| *self.first_seen.entry(key).or_insert(now));
                (t.clone(), added)
            })
            .collect();
        if taints.is_empty() {
            self.first_seen.retain(|(n, _), _| n != name);
            return;
        }
        for (ns, pod_name) in self.store.pods_on_node(name) {
            let Ok(pod) = self.store.get(&ids::pods(), &ns, &pod_name) else {
                continue;
            };
            let p = pod.value();
            if !p["metadata"]["deletionTimestamp"].is_null()
                || matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
            {
                continue;
            }
            let tolerations = p["spec"]["tolerations"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let due = taints.iter().any(|(taint, added)| {
                let key = taint["key"].as_str().unwrap_or_default();
                let value = taint["value"].as_str().unwrap_or_default();
                let matching: Vec<&Value> = tolerations
                    .iter()
                    .filter(|t| tolerates(t, key, value, "NoExecute"))
                    .collect();
                if matching.is_empty() {
                    return true;
                }
                // Tolerated forever if any matching toleration has no limit.
                let limit = matching
                    .iter()
                    .map(|t| t["tolerationSeconds"].as_i64())
                    .try_fold(i64::MAX, |acc, s| s.map(|s| acc.min(s)));
                limit.is_some_and(|secs| now >= *added + chrono::Duration::seconds(secs.max(0)))
            });
            if due {
                self.evictions.record(
                    p,
                    EventType::Normal,
                    "TaintManagerEviction",
                    &format!("Marking for deletion Pod {ns}/{pod_name}"),
                    None,
                );
                let _ = self.store.delete(
                    &ids::pods(),
                    &ns,
                    &pod_name,
                    &DeleteOptions {
                        precondition_uid: Some(pod.uid().to_owned()),
                        ..Default::default()
                    },
                );
            }
        }
    }
}
