//! Nodes and pods for diagrams, rebuilt from the cache's compact rows.
//!
//! The topology of 5,000 nodes and 150,000 pods is drawn from the rows the
//! shared watches already keep, never from whole objects fetched again:
//! a row holds what the diagram reads of a node (labels, taints,
//! cordoned, Ready, kubelet version, internal IP) and of a pod (labels,
//! owners, node, how it is doing). Pods of the topology are not rebuilt
//! at all (see `pod_rows`); those of one namespace's service map or
//! ownership graph are.

use k8s_openapi::api::core::v1::{
    Node, NodeAddress, NodeCondition, NodeSpec, NodeStatus, NodeSystemInfo, Pod, PodSpec,
    PodStatus, Taint,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};

use diagram::PodFacts;
use diagram::model::State;

use crate::row::Row;

/// kubectl's `<none>` in an empty cell.
const NONE: &str = "<none>";

/// The node a row describes, as far as a diagram reads it.
pub fn node(row: &Row) -> Node {
    let cell = |i: usize| {
        row.cells
            .get(i)
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty() && *t != NONE)
    };
    Node {
        metadata: ObjectMeta {
            labels: Some(row.labels.clone()),
            ..meta(row)
        },
        spec: Some(NodeSpec {
            unschedulable: Some(row.status.contains("SchedulingDisabled")),
            taints: Some(row.taints.iter().map(|t| taint(t)).collect()),
            ..NodeSpec::default()
        }),
        status: Some(NodeStatus {
            conditions: Some(
                row.conditions
                    .iter()
                    .map(|c| NodeCondition {
                        type_: c.type_.clone(),
                        status: c.status.clone(),
                        reason: Some(c.reason.clone()),
                        ..NodeCondition::default()
                    })
                    .collect(),
            ),
            // Columns of `rows::nodes`: STATUS, ROLES, VERSION, INTERNAL-IP.
            node_info: cell(2).map(|version| NodeSystemInfo {
                kubelet_version: version.to_owned(),
                ..NodeSystemInfo::default()
            }),
            addresses: cell(3).map(|ip| {
                vec![NodeAddress {
                    type_: "InternalIP".into(),
                    address: ip.to_owned(),
                }]
            }),
            ..NodeStatus::default()
        }),
    }
}

/// The pod a row describes: its phase is the one that gives the row's
/// diagram state ([`PodFacts::state`], read from kubectl's STATUS and the
/// row's health), which is all a diagram's colour needs.
pub fn pod(row: &Row) -> Pod {
    let phase = match PodFacts::state(row) {
        State::Done => "Succeeded",
        State::Failed => "Failed",
        State::Normal => "Running",
        State::Pending => "Pending",
    };
    let mut metadata = meta(row);
    metadata.labels = Some(row.labels.clone());
    Pod {
        metadata,
        spec: Some(PodSpec {
            node_name: row.node.clone(),
            ..PodSpec::default()
        }),
        status: Some(PodStatus {
            phase: Some(phase.into()),
            ..PodStatus::default()
        }),
    }
}

/// Identity, owners and creation time.
pub(super) fn meta(row: &Row) -> ObjectMeta {
    ObjectMeta {
        name: Some(row.name.clone()),
        namespace: row.namespace.clone(),
        uid: Some(row.uid.clone()),
        // The topology places pods by age, so a new pod never moves the others.
        creation_timestamp: row
            .created
            .and_then(|seconds| k8s_openapi::jiff::Timestamp::from_second(seconds).ok())
            .map(Time),
        owner_references: Some(
            row.owners
                .iter()
                .map(|o| OwnerReference {
                    kind: o.kind.clone(),
                    name: o.name.clone(),
                    uid: o.uid.clone(),
                    controller: Some(o.controller),
                    ..OwnerReference::default()
                })
                .collect(),
        ),
        ..ObjectMeta::default()
    }
}

/// `key=value:Effect` (as `rows::nodes` keeps it) back into a taint.
fn taint(text: &str) -> Taint {
    let (key_value, effect) = text.rsplit_once(':').unwrap_or((text, ""));
    let (key, value) = match key_value.split_once('=') {
        Some((k, v)) => (k, Some(v.to_owned())),
        None => (key_value, None),
    };
    Taint {
        key: key.to_owned(),
        value,
        effect: effect.to_owned(),
        ..Taint::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::KindInfo;
    use serde_json::json;

    fn project(kind: KindInfo, object: serde_json::Value) -> Row {
        crate::rows::project(&kind, &object)
    }

    #[test]
    fn a_node_row_keeps_what_the_topology_reads() {
        let row = project(
            KindInfo::builtin("", "v1", "nodes", "Node", false),
            json!({
                "metadata": {"name": "cp-1", "labels": {"node-role.kubernetes.io/control-plane": ""}},
                "spec": {"unschedulable": true, "taints": [
                    {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
                    {"key": "dedicated", "value": "gpu", "effect": "NoExecute"}
                ]},
                "status": {
                    "conditions": [{"type": "Ready", "status": "True"}],
                    "nodeInfo": {"kubeletVersion": "v1.32.0"},
                    "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}]
                }
            }),
        );
        let node = node(&row);
        let spec = node.spec.unwrap();
        assert_eq!(spec.unschedulable, Some(true));
        let taints = spec.taints.unwrap();
        assert_eq!(taints[0].key, "node-role.kubernetes.io/control-plane");
        assert_eq!(taints[0].effect, "NoSchedule");
        assert_eq!(taints[1].value.as_deref(), Some("gpu"));
        let status = node.status.unwrap();
        assert_eq!(status.node_info.unwrap().kubelet_version, "v1.32.0");
        assert_eq!(status.addresses.unwrap()[0].address, "10.0.0.1");
        assert_eq!(status.conditions.unwrap()[0].status, "True");
    }

    #[test]
    fn a_pod_row_gives_back_its_phase() {
        let pods = KindInfo::builtin("", "v1", "pods", "Pod", true);
        let crashing = project(
            pods.clone(),
            json!({
                "metadata": {"name": "p", "namespace": "demo"},
                "spec": {"nodeName": "worker-1", "containers": [{"name": "c"}]},
                "status": {"phase": "Running", "containerStatuses": [
                    {"name": "c", "ready": false, "restartCount": 4,
                     "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
                ]}
            }),
        );
        let pod = pod(&crashing);
        assert_eq!(pod.status.unwrap().phase.as_deref(), Some("Failed"));
        assert_eq!(pod.spec.unwrap().node_name.as_deref(), Some("worker-1"));
        let done = project(
            pods,
            json!({
                "metadata": {"name": "q", "namespace": "demo"},
                "spec": {"containers": [{"name": "c"}]},
                "status": {"phase": "Succeeded", "containerStatuses": [
                    {"name": "c", "ready": false, "restartCount": 0,
                     "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}
                ]}
            }),
        );
        assert_eq!(
            super::pod(&done).status.unwrap().phase.as_deref(),
            Some("Succeeded")
        );
    }
}
