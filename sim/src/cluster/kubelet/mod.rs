//! The simulated kubelets, one per node, run by a single task: it watches
//! pods once and routes each bound pod to its node's kubelet, which runs a
//! pod worker while the pod has something to do (starting, restarting,
//! terminating) and none once it is steady — so 100,000 running pods cost
//! no tasks. Heartbeats renew every running kubelet's node Lease.
//!
//! Seeded pods that already run (static pods, filler pods) are adopted as
//! they are: a steady pod gets no worker and no write.

pub mod behaviour;
mod images;
mod ip_pool;
mod node_status;
mod pod_worker;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;

use super::ClusterContext;
use super::events::{EventRecorder, EventType as Ev};
use super::resync_watch::{Change, ResyncWatch};
use crate::faults::{Faults, KubeletCommand};
use crate::registry::builtin::ids;
use crate::store::{EventType, ListOptions, Store, StoredObject, WatchFilter};
use behaviour::Behaviour;
use ip_pool::IpPool;
use pod_worker::NodeEnv;

pub use node_status::{LEASE_DURATION_SECONDS, LEASE_NAMESPACE};

/// How often a kubelet renews its Lease.
const LEASE_RENEW_EVERY: Duration = Duration::from_secs(10);
/// Every how many lease renewals an unchanged node status is posted: every
/// 300 s, upstream's `nodeStatusReportFrequency` when leases carry the
/// heartbeat. (Every 60 s made a 5,000-node cluster rewrite 83 large Node
/// objects a second, filling the watch history with old versions.)
const STATUS_EVERY_RENEWALS: u32 = 30;

/// Spawns the kubelets of all nodes.
pub fn start(ctx: &ClusterContext) -> JoinHandle<()> {
    let store = ctx.store.clone();
    let clock = ctx.clock.clone();
    let faults = ctx.faults.clone();
    let mut shutdown = ctx.shutdown.clone();
    tokio::spawn(async move {
        let mut commands = faults.take_kubelet_commands();
        let mut kubelets = Kubelets::new(store.clone(), faults);
        let mut pods = ResyncWatch::new(&store, ids::pods(), WatchFilter::default());
        let mut nodes = ResyncWatch::new(&store, ids::nodes(), WatchFilter::default());
        let mut heartbeat = tokio::time::interval(clock.to_real(LEASE_RENEW_EVERY));
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut beats: u32 = 0;
        loop {
            tokio::select! {
                _ = shutdown.wait_for(|s| *s) => break,
                changes = nodes.next() => {
                    for c in changes {
                        kubelets.node_change(c);
                    }
                }
                changes = pods.next() => {
                    for c in changes {
                        kubelets.pod_change(c);
                    }
                }
                Some(cmd) = async { match commands.as_mut() { Some(rx) => rx.recv().await, None => std::future::pending().await } } => {
                    kubelets.command(cmd);
                }
                _ = heartbeat.tick() => {
                    beats = beats.wrapping_add(1);
                    kubelets.heartbeat(beats.is_multiple_of(STATUS_EVERY_RENEWALS));
                }
            }
        }
        kubelets.abort_all();
    })
}

/// One node's kubelet.
struct Kubelet {
    env: Arc<NodeEnv>,
    ips: IpPool,
    stopped: bool,
}

/// A running pod worker.
struct Worker {
    node: String,
    terminating: bool,
    handle: JoinHandle<()>,
}

struct Kubelets {
    store: Store,
    faults: Faults,
    recorder: EventRecorder,
    nodes: HashMap<String, Kubelet>,
    /// pod uid → its worker.
    workers: HashMap<String, Worker>,
}

impl Kubelets {
    fn new(store: Store, faults: Faults) -> Self {
        let mut this = Self {
            recorder: EventRecorder::new(store.clone(), "kubelet"),
            store,
            faults,
            nodes: HashMap::new(),
            workers: HashMap::new(),
        };
        // Learn nodes and the pod IPs in use before any new pod gets one.
        if let Ok(nodes) = this.store.list(&ids::nodes(), &ListOptions::default()) {
            for n in nodes.items {
                this.add_node(&n);
            }
        }
        if let Ok(pods) = this.store.list(&ids::pods(), &ListOptions::default()) {
            for p in pods.items {
                this.note_ip(p.value());
            }
        }
        this
    }

    fn add_node(&mut self, node: &StoredObject) {
        if self.nodes.contains_key(node.name()) {
            return;
        }
        let v = node.value();
        let host_ip = v["status"]["addresses"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["type"] == "InternalIP")
            .and_then(|a| a["address"].as_str())
            .unwrap_or("127.0.0.1")
            .to_owned();
        let kubelet = Kubelet {
            env: Arc::new(NodeEnv {
                store: self.store.clone(),
                recorder: self.recorder.clone(),
                node: node.name().to_owned(),
                host_ip,
                images: Mutex::new(HashSet::new()),
            }),
            ips: IpPool::new(v["spec"]["podCIDR"].as_str().unwrap_or_default()),
            stopped: self.faults.is_stopped(node.name()),
        };
        self.nodes.insert(node.name().to_owned(), kubelet);
    }

    fn note_ip(&mut self, pod: &Value) {
        let node = pod["spec"]["nodeName"].as_str().unwrap_or_default();
        if let (Some(k), Some(ip)) = (self.nodes.get_mut(node), pod["status"]["podIP"].as_str()) {
            k.ips.mark_used(ip);
        }
    }

    fn node_change(&mut self, change: Change) {
        match change {
            Change::Reset => {}
            Change::Event(EventType::Deleted, node) => {
                self.nodes.remove(node.name());
                let name = node.name().to_owned();
                self.abort_where(|w| w.node == name);
            }
            Change::Event(_, node) => self.add_node(&node),
        }
    }

    fn pod_change(&mut self, change: Change) {
        let Change::Event(event, pod) = change else {
            return;
        };
        if event == EventType::Deleted {
            if let Some(w) = self.workers.remove(pod.uid()) {
                w.handle.abort();
            }
            let v = pod.value();
            let node = v["spec"]["nodeName"].as_str().unwrap_or_default();
            if let (Some(k), Some(ip)) = (self.nodes.get_mut(node), v["status"]["podIP"].as_str()) {
                k.ips.release(ip);
            }
            return;
        }
        self.note_ip(pod.value());
        self.sync(&pod, None);
    }

    /// Gives the pod a worker if it has something to do.
    fn sync(&mut self, pod: &StoredObject, crash: Option<String>) {
        let v = pod.value();
        let node = v["spec"]["nodeName"].as_str().unwrap_or_default();
        let Some(kubelet) = self.nodes.get_mut(node) else {
            return;
        };
        if kubelet.stopped {
            return;
        }
        let deleting = !v["metadata"]["deletionTimestamp"].is_null();
        if deleting && v["metadata"]["deletionGracePeriodSeconds"] == 0 {
            // Containers are stopped; only finalizers hold the pod now.
            return;
        }
        let key = (pod.namespace().to_owned(), pod.name().to_owned());
        let uid = pod.uid().to_owned();
        if let Some(w) = self.workers.get(&uid)
            && !w.handle.is_finished()
        {
            let replace = (deleting || crash.is_some()) && !w.terminating;
            if !replace {
                return;
            }
            w.handle.abort();
        }
        let env = kubelet.env.clone();
        let (handle, terminating) = if deleting {
            (
                tokio::spawn(pod_worker::terminate(env, key, uid.clone())),
                true,
            )
        } else {
            let terminal = matches!(v["status"]["phase"].as_str(), Some("Succeeded" | "Failed"));
            if terminal || (crash.is_none() && steady(v)) {
                return;
            }
            let pod_ip = match v["status"]["podIP"].as_str() {
                Some(ip) => ip.to_owned(),
                None if v["spec"]["hostNetwork"] == true => env.host_ip.clone(),
                None => kubelet
                    .ips
                    .allocate()
                    .unwrap_or_else(|| env.host_ip.clone()),
            };
            (
                tokio::spawn(pod_worker::run(env, key, uid.clone(), pod_ip, crash)),
                false,
            )
        };
        self.workers.insert(
            uid,
            Worker {
                node: node.to_owned(),
                terminating,
                handle,
            },
        );
    }

    fn command(&mut self, cmd: KubeletCommand) {
        match cmd {
            KubeletCommand::Stop(node) => {
                if let Some(k) = self.nodes.get_mut(&node) {
                    k.stopped = true;
                }
                self.abort_where(|w| w.node == node);
            }
            KubeletCommand::Start(node) => {
                let Some(k) = self.nodes.get_mut(&node) else {
                    return;
                };
                if !k.stopped {
                    return;
                }
                k.stopped = false;
                if let Ok(n) = self.store.get(&ids::nodes(), "", &node) {
                    self.recorder.record(
                        n.value(),
                        Ev::Normal,
                        "Starting",
                        "Starting kubelet.",
                        Some(&node),
                    );
                }
                node_status::renew_lease(&self.store, &node);
                node_status::post_status(&self.store, &self.recorder, &node);
                for (ns, name) in self.store.pods_on_node(&node) {
                    if let Ok(pod) = self.store.get(&ids::pods(), &ns, &name) {
                        self.sync(&pod, None);
                    }
                }
            }
            KubeletCommand::Crash {
                namespace,
                pod,
                container,
            } => {
                if let Ok(pod) = self.store.get(&ids::pods(), &namespace, &pod) {
                    self.sync(&pod, Some(container));
                }
            }
        }
    }

    /// Renews the leases of running kubelets; with `status`, posts node status too.
    fn heartbeat(&mut self, status: bool) {
        for (name, k) in &self.nodes {
            if k.stopped {
                continue;
            }
            node_status::renew_lease(&self.store, name);
            // Also at once if the node controller gave up on this node
            // while the kubelet was busy.
            if status || !node_status::is_ready(&self.store, name) {
                node_status::post_status(&self.store, &self.recorder, name);
            }
        }
        self.workers.retain(|_, w| !w.handle.is_finished());
    }

    fn abort_where(&mut self, pred: impl Fn(&Worker) -> bool) {
        self.workers.retain(|_, w| {
            if pred(w) {
                w.handle.abort();
                false
            } else {
                true
            }
        });
    }

    fn abort_all(&mut self) {
        self.abort_where(|_| true);
    }
}

/// True if the pod runs as it should and nothing is scheduled to happen to
/// it: every container running and ready, Ready=True, no exits planned.
fn steady(pod: &Value) -> bool {
    let status = &pod["status"];
    let containers = pod["spec"]["containers"].as_array().map_or(0, Vec::len);
    let statuses = status["containerStatuses"].as_array();
    status["phase"] == "Running"
        && Behaviour::of(pod).exits.is_none()
        && super::conditions::status_of(status, "Ready") == Some("True")
        && statuses.is_some_and(|s| {
            s.len() == containers
                && s.iter()
                    .all(|c| c["ready"] == true && !c["state"]["running"].is_null())
        })
}
