//! The Overview of a cluster: nodes Ready / NotReady by role, pods by
//! phase, workloads short of their desired state, recent Warning events,
//! the version, and the state of the connection and of each watch. Built
//! from the pinned caches, so it costs no call to the cluster.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::related::RelatedRef;
use crate::row::Row;
use crate::status::{ClusterSummary, WatchSummary};

/// Ready and NotReady nodes of one role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NodeCounts {
    pub ready: usize,
    pub not_ready: usize,
}

/// A recent Warning event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningEvent {
    pub namespace: Option<String>,
    /// `Kind/name` of the object it is about.
    pub object: String,
    pub reason: String,
    pub message: String,
    /// Unix seconds.
    pub at: Option<i64>,
}

/// Everything the Overview shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub cluster: ClusterSummary,
    /// By role (`control-plane`, `worker`, …).
    pub nodes: BTreeMap<String, NodeCounts>,
    /// By phase or kubectl status word (`Running`, `Pending`, …).
    pub pods: BTreeMap<String, usize>,
    pub pods_total: usize,
    pub namespaces: usize,
    /// Deployments, StatefulSets and DaemonSets short of desired.
    pub degraded: Vec<RelatedRef>,
    /// Workloads in all (of those three kinds).
    pub workloads_total: usize,
    pub warnings: Vec<WarningEvent>,
    pub watches: Vec<WatchSummary>,
}

/// The role a node row shows: its `node-role.kubernetes.io/*` labels, or
/// `worker` when it has none.
pub fn node_role(node: &Row) -> String {
    let roles: Vec<&str> = node
        .labels
        .keys()
        .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
        .filter(|r| !r.is_empty())
        .collect();
    if roles.is_empty() {
        "worker".to_owned()
    } else {
        roles.join(",")
    }
}

/// Whether a node row is Ready.
pub fn node_ready(node: &Row) -> bool {
    node.conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// The pod phase bucket of a pod row: its phase as kubectl's STATUS
/// begins (`Init:1/2` counts as `Pending`).
pub fn pod_bucket(pod: &Row) -> String {
    let status = pod.status.as_str();
    if status.starts_with("Init:") || status == "PodInitializing" || status == "ContainerCreating" {
        return "Pending".into();
    }
    match status {
        "" => "Unknown".into(),
        s => s.to_owned(),
    }
}

#[cfg(feature = "runtime")]
mod build {
    use super::*;
    use crate::authz::Subject;
    use crate::error::GatewayError;
    use crate::gateway::Gateway;
    use crate::row::Health;

    /// How many Warning events the Overview lists.
    const WARNINGS: usize = 10;

    /// Every kind the Overview reads.
    const OVERVIEW_KINDS: [&str; 7] = [
        "nodes",
        "pods",
        "namespaces",
        "events",
        "deployments.apps",
        "statefulsets.apps",
        "daemonsets.apps",
    ];

    impl Gateway {
        /// What an Overview of `cluster` is computed from: the cluster's
        /// state and the caches of the kinds it reads (those discovered so
        /// far; a state change wakes the caller to ask again).
        pub fn overview_signals(
            &self,
            subject: &Subject,
            cluster: &str,
        ) -> Result<crate::signals::Signals, GatewayError> {
            let handle = self.cluster(subject, cluster)?;
            let discovered = handle.discovered();
            let mut receivers = vec![handle.subscribe()];
            for slug in OVERVIEW_KINDS {
                if let Some(info) = discovered.by_slug(slug)
                    && let Some(watch) = handle.watch(info)
                {
                    receivers.push(watch.subscribe());
                }
            }
            Ok(crate::signals::Signals::new(receivers))
        }

        /// The Overview of `cluster` as `subject` may see it.
        pub async fn overview(
            &self,
            subject: &Subject,
            cluster: &str,
        ) -> Result<Overview, GatewayError> {
            let handle = self.cluster(subject, cluster)?;
            let rows = |slug: &'static str| self.all_rows(subject, cluster, slug, None);
            let nodes = rows("nodes").await.unwrap_or_default();
            let pods = rows("pods").await.unwrap_or_default();
            let namespaces = rows("namespaces").await.map(|r| r.len()).unwrap_or(0);
            let events = rows("events").await.unwrap_or_default();
            let mut degraded = Vec::new();
            let mut workloads_total = 0;
            for (slug, kind) in [
                ("deployments.apps", "Deployment"),
                ("statefulsets.apps", "StatefulSet"),
                ("daemonsets.apps", "DaemonSet"),
            ] {
                let workloads = rows(slug).await.unwrap_or_default();
                workloads_total += workloads.len();
                degraded.extend(
                    workloads
                        .iter()
                        .filter(|w| {
                            matches!(
                                w.health,
                                Health::Warning | Health::Error | Health::Progressing
                            )
                        })
                        .map(|w| RelatedRef::to("degraded", slug, kind, w)),
                );
            }
            let mut node_counts: BTreeMap<String, NodeCounts> = BTreeMap::new();
            for node in &nodes {
                let counts = node_counts.entry(node_role(node)).or_default();
                if node_ready(node) {
                    counts.ready += 1;
                } else {
                    counts.not_ready += 1;
                }
            }
            let mut pod_counts: BTreeMap<String, usize> = BTreeMap::new();
            for pod in &pods {
                *pod_counts.entry(pod_bucket(pod)).or_default() += 1;
            }
            Ok(Overview {
                cluster: handle.summary(),
                nodes: node_counts,
                pods: pod_counts,
                pods_total: pods.len(),
                namespaces,
                degraded,
                workloads_total,
                warnings: warnings(&events),
                watches: handle.watch_summaries(),
            })
        }
    }

    fn warnings(events: &[std::sync::Arc<Row>]) -> Vec<WarningEvent> {
        let mut warnings: Vec<&std::sync::Arc<Row>> = events
            .iter()
            .filter(|e| e.health == Health::Warning || e.health == Health::Error)
            .collect();
        warnings.sort_by_key(|e| std::cmp::Reverse(e.created));
        warnings
            .into_iter()
            .take(WARNINGS)
            .map(|e| {
                let subject = e.subject.clone().unwrap_or_default();
                WarningEvent {
                    namespace: e.namespace.clone(),
                    object: format!("{}/{}", subject.kind, subject.name),
                    reason: e.status.clone(),
                    message: e
                        .cells
                        .iter()
                        .map(|c| c.text.as_str())
                        .max_by_key(|t| t.len())
                        .unwrap_or_default()
                        .to_owned(),
                    at: e.created,
                }
            })
            .collect()
    }
}
