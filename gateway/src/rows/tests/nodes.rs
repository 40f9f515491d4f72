//! Nodes: STATUS, ROLES, VERSION, INTERNAL-IP, allocatable, health.

use serde_json::{Value, json};

use super::{cell, project_as};
use crate::row::{Health, Resources};
use crate::rows::nodes::roles;

fn node(labels: Value, ready: Option<&str>, unschedulable: bool) -> Value {
    let conditions: Vec<Value> = [
        Some(json!({"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory"})),
        ready.map(|s| json!({"type": "Ready", "status": s, "reason": "KubeletReady"})),
    ]
    .into_iter()
    .flatten()
    .collect();
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": "worker-1", "uid": "n-1", "resourceVersion": "9",
                     "creationTimestamp": "2026-11-01T00:00:00Z", "labels": labels},
        "spec": {"podCIDR": "10.244.1.0/24", "unschedulable": unschedulable},
        "status": {
            "capacity": {"cpu": "4", "memory": "16331776Ki", "pods": "110"},
            "allocatable": {"cpu": "3800m", "memory": "15807488Ki", "pods": "110"},
            "conditions": conditions,
            "addresses": [{"type": "Hostname", "address": "worker-1"},
                          {"type": "InternalIP", "address": "10.0.0.11"}],
            "nodeInfo": {"kubeletVersion": "v1.32.2", "osImage": "Ubuntu 24.04.1 LTS"}
        }
    })
}

#[test]
fn a_ready_worker() {
    let row = project_as(
        "",
        "Node",
        &node(
            json!({"kubernetes.io/hostname": "worker-1"}),
            Some("True"),
            false,
        ),
    );
    let texts: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        ["Ready", "<none>", "v1.32.2", "10.0.0.11", "3800m", "15.1Gi"]
    );
    assert_eq!(row.health, Health::Ok);
    assert_eq!(
        row.resources,
        Some(Resources {
            cpu_millis: 3800,
            memory_bytes: 15807488 * 1024
        })
    );
    assert_eq!(row.node, None);
}

#[test]
fn status_words() {
    let cases = [
        (Some("True"), true, "Ready,SchedulingDisabled", Health::Ok),
        (Some("False"), false, "NotReady", Health::Error),
        (Some("Unknown"), false, "NotReady", Health::Error),
        (None, false, "Unknown", Health::Error),
        (None, true, "Unknown,SchedulingDisabled", Health::Error),
    ];
    for (ready, cordoned, want, health) in cases {
        let row = project_as("", "Node", &node(json!({}), ready, cordoned));
        assert_eq!((row.status.as_str(), row.health), (want, health));
        assert_eq!(cell("", "Node", &row, "status"), want);
    }
}

#[test]
fn roles_from_labels() {
    let labels = json!({
        "node-role.kubernetes.io/control-plane": "",
        "node-role.kubernetes.io/worker": "true",
        "node-role.kubernetes.io/": "",
        "kubernetes.io/role": "master",
        "node.kubernetes.io/instance-type": "m5.large"
    });
    assert_eq!(roles(&labels), ["control-plane", "master", "worker"]);
    assert_eq!(
        roles(&json!({"kubernetes.io/role": ""})),
        Vec::<String>::new()
    );
    assert_eq!(roles(&json!("not a map")), Vec::<String>::new());
    let row = project_as("", "Node", &node(labels, Some("True"), false));
    assert_eq!(
        cell("", "Node", &row, "roles"),
        "control-plane,master,worker"
    );
}
