//! A stand-in for the kubelet and scheduler in controller tests, talking to
//! the simulator over HTTP like any client: it binds pending pods (a
//! DaemonSet pod to the node its affinity names, others round-robin over
//! the untainted nodes), then writes the status its `fate` picks. It also
//! ends graceful deletions (delete with grace 0), as a kubelet does.
//!
//! Until the simulated scheduler and kubelets are merged nothing else makes
//! pods run; the end-to-end lifecycle tests will use those instead.

#![allow(dead_code)]

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};
use serde_json::{Value, json};

/// What becomes of a bound pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Running and Ready.
    Run,
    /// Running, not Ready.
    RunNotReady,
    /// Containers exit 0.
    Succeed,
    /// Containers exit 1.
    Fail,
    /// Bound, left Pending.
    Hold,
}

/// Runs until dropped. Timestamps come from the simulator's clock.
pub struct FakeKubelet {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeKubelet {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Every pod runs and becomes ready.
pub fn start(client: kube::Client, clock: sim::clock::Clock) -> FakeKubelet {
    start_with(client, clock, |_| Fate::Run)
}

/// Pods meet the fate `fate` picks for them (asked once per pod).
pub fn start_with(
    client: kube::Client,
    clock: sim::clock::Clock,
    fate: impl Fn(&Value) -> Fate + Send + Sync + 'static,
) -> FakeKubelet {
    let fate = Arc::new(fate);
    let task = tokio::spawn(async move {
        let pods: Api<Pod> = Api::all(client.clone());
        let nodes: Api<Node> = Api::all(client.clone());
        let next = AtomicUsize::new(0);
        let mut done: HashSet<String> = HashSet::new();
        loop {
            let schedulable: Vec<(String, String)> = nodes
                .list(&ListParams::default())
                .await
                .map(|l| {
                    l.items
                        .iter()
                        .map(|n| serde_json::to_value(n).unwrap())
                        .filter(|n| {
                            n["spec"]["taints"]
                                .as_array()
                                .is_none_or(|t| !t.iter().any(|t| t["effect"] == "NoSchedule"))
                        })
                        .map(|n| {
                            let ip = n["status"]["addresses"][0]["address"]
                                .as_str()
                                .unwrap_or("172.18.1.9")
                                .to_string();
                            (n["metadata"]["name"].as_str().unwrap().to_string(), ip)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let Ok(list) = pods.list(&ListParams::default()).await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            for pod in list.items {
                let pod = serde_json::to_value(&pod).unwrap();
                let ns = pod["metadata"]["namespace"].as_str().unwrap().to_string();
                let name = pod["metadata"]["name"].as_str().unwrap().to_string();
                let uid = pod["metadata"]["uid"].as_str().unwrap().to_string();
                let api: Api<Pod> = Api::namespaced(client.clone(), &ns);
                if pod["metadata"]["deletionTimestamp"].is_string() {
                    let _ = api
                        .delete(&name, &DeleteParams::default().grace_period(0))
                        .await;
                    continue;
                }
                if done.contains(&uid) {
                    continue;
                }
                let node = match pod["spec"]["nodeName"].as_str() {
                    Some(n) => n.to_string(),
                    None => {
                        let pinned = pod["spec"]["affinity"]["nodeAffinity"]
                            ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]
                            ["matchFields"][0]["values"][0]
                            .as_str()
                            .map(str::to_string);
                        let Some(node) = pinned.or_else(|| {
                            (!schedulable.is_empty()).then(|| {
                                schedulable
                                    [next.fetch_add(1, Ordering::Relaxed) % schedulable.len()]
                                .0
                                .clone()
                            })
                        }) else {
                            continue;
                        };
                        let bound = api
                            .patch(
                                &name,
                                &PatchParams::default(),
                                &Patch::Merge(json!({"spec": {"nodeName": node}})),
                            )
                            .await;
                        if bound.is_err() {
                            continue;
                        }
                        node
                    }
                };
                if pod["status"]["phase"] != "Pending" {
                    done.insert(uid);
                    continue;
                }
                let host_ip = schedulable
                    .iter()
                    .find(|(n, _)| *n == node)
                    .map(|(_, ip)| ip.clone())
                    .unwrap_or_else(|| "172.18.1.2".into());
                let n = next.fetch_add(1, Ordering::Relaxed);
                let pod_ip = format!("10.244.{}.{}", 100 + n / 250, 2 + n % 250);
                let now = clock.now_rfc3339();
                let status = status_for(fate(&pod), &pod, &host_ip, &pod_ip, &now);
                if let Some(status) = status {
                    let _ = api
                        .patch_status(
                            &name,
                            &PatchParams::default(),
                            &Patch::Merge(json!({ "status": status })),
                        )
                        .await;
                }
                done.insert(uid);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    FakeKubelet { task }
}

fn status_for(fate: Fate, pod: &Value, host_ip: &str, pod_ip: &str, now: &str) -> Option<Value> {
    let mut status = sim::cluster::running_pod_status(pod, host_ip, pod_ip, now);
    match fate {
        Fate::Hold => return None,
        Fate::Run => {}
        Fate::RunNotReady => set_ready(&mut status, false, now),
        Fate::Succeed | Fate::Fail => {
            let (phase, code, reason) = if fate == Fate::Succeed {
                ("Succeeded", 0, "Completed")
            } else {
                ("Failed", 1, "Error")
            };
            status["phase"] = json!(phase);
            set_ready(&mut status, false, now);
            if let Some(cs) = status["containerStatuses"].as_array_mut() {
                for c in cs {
                    c["ready"] = json!(false);
                    c["started"] = json!(false);
                    c["state"] = json!({"terminated": {"exitCode": code, "reason": reason, "startedAt": now, "finishedAt": now}});
                }
            }
        }
    }
    Some(status)
}

/// Sets the Ready and ContainersReady conditions.
pub fn set_ready(status: &mut Value, ready: bool, now: &str) {
    if let Some(conds) = status["conditions"].as_array_mut() {
        for c in conds {
            if c["type"] == "Ready" || c["type"] == "ContainersReady" {
                c["status"] = json!(if ready { "True" } else { "False" });
                c["lastTransitionTime"] = json!(now);
            }
        }
    }
    if let Some(cs) = status["containerStatuses"].as_array_mut() {
        for c in cs {
            c["ready"] = json!(ready);
        }
    }
}
