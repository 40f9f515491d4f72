//! The Node row (port of printNode): STATUS from the Ready condition and
//! cordoning, ROLES from `node-role.kubernetes.io/*` labels, and the wide
//! addresses and system info.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::cells::{age, age_column, column, flag, items, name, name_column, text, wide_column};

/// Label prefix whose suffix names a node role (`node-role.kubernetes.io/control-plane`).
const NODE_ROLE_PREFIX: &str = "node-role.kubernetes.io/";
/// Older label whose value names a node role.
const NODE_ROLE_LABEL: &str = "kubernetes.io/role";

pub(super) fn columns() -> Vec<ColumnDefinition> {
    const ADDRESSES: &str = "List of addresses reachable to the node.";
    vec![
        name_column(),
        column("Status", "string", "The status of the node"),
        column("Roles", "string", "The roles of the node"),
        age_column(),
        column("Version", "string", "Kubelet Version reported by the node."),
        wide_column("Internal-IP", "string", ADDRESSES),
        wide_column("External-IP", "string", ADDRESSES),
        wide_column(
            "OS-Image",
            "string",
            "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
        ),
        wide_column(
            "Kernel-Version",
            "string",
            "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
        ),
        wide_column(
            "Container-Runtime",
            "string",
            "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
        ),
    ]
}

pub(super) fn cells(node: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let info = |field: &str| match text(node, &format!("/status/nodeInfo/{field}")) {
        "" => "<unknown>".to_string(),
        value => value.to_string(),
    };
    vec![
        name(node),
        Value::from(node_status(node)),
        Value::from(node_roles(node)),
        age(node, now),
        Value::from(text(node, "/status/nodeInfo/kubeletVersion")),
        Value::from(address(node, "InternalIP")),
        Value::from(address(node, "ExternalIP")),
        Value::from(info("osImage")),
        Value::from(info("kernelVersion")),
        Value::from(info("containerRuntimeVersion")),
    ]
}

/// `Ready` / `NotReady` (any status but True, including Unknown), `Unknown`
/// without a Ready condition, plus `,SchedulingDisabled` when cordoned.
fn node_status(node: &Value) -> String {
    // The last Ready condition wins, as in the Go condition map.
    let ready = items(node, "/status/conditions")
        .iter()
        .rev()
        .find(|c| text(c, "/type") == "Ready");
    let mut status = match ready {
        Some(c) if text(c, "/status") == "True" => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if flag(node, "/spec/unschedulable") {
        status.push_str(",SchedulingDisabled");
    }
    status
}

/// Role names from the node's labels, sorted and comma-joined; `<none>`.
fn node_roles(node: &Value) -> String {
    let mut roles: Vec<&str> = Vec::new();
    if let Some(labels) = node["metadata"]["labels"].as_object() {
        for (key, value) in labels {
            let role = match key.strip_prefix(NODE_ROLE_PREFIX) {
                Some(role) => role,
                None if key == NODE_ROLE_LABEL => value.as_str().unwrap_or_default(),
                None => continue,
            };
            if !role.is_empty() && !roles.contains(&role) {
                roles.push(role);
            }
        }
    }
    roles.sort_unstable();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}

/// The first address of `type_`, or `<none>`.
fn address(node: &Value, type_: &str) -> String {
    items(node, "/status/addresses")
        .iter()
        .find(|a| text(a, "/type") == type_)
        .map_or_else(|| "<none>".into(), |a| text(a, "/address").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2025-01-11T12:00:00Z".parse().unwrap()
    }

    fn node(labels: Value, ready: &str, unschedulable: bool) -> Value {
        json!({
            "metadata": {"name": "sim-control-plane", "labels": labels, "creationTimestamp": "2025-01-01T12:00:00Z"},
            "spec": {"unschedulable": unschedulable},
            "status": {
                "conditions": [
                    {"type": "MemoryPressure", "status": "False"},
                    {"type": "Ready", "status": ready}
                ],
                "addresses": [
                    {"type": "InternalIP", "address": "172.18.0.2"},
                    {"type": "Hostname", "address": "sim-control-plane"}
                ],
                "nodeInfo": {
                    "kubeletVersion": "v1.32.0",
                    "osImage": "Debian GNU/Linux 12 (bookworm)",
                    "kernelVersion": "6.8.0-45-generic",
                    "containerRuntimeVersion": "containerd://1.7.24"
                }
            }
        })
    }

    #[test]
    fn control_plane_node_row() {
        let n = node(
            json!({"node-role.kubernetes.io/control-plane": ""}),
            "True",
            false,
        );
        assert_eq!(
            cells(&n, now()),
            [
                json!("sim-control-plane"),
                json!("Ready"),
                json!("control-plane"),
                json!("10d"),
                json!("v1.32.0"),
                json!("172.18.0.2"),
                json!("<none>"),
                json!("Debian GNU/Linux 12 (bookworm)"),
                json!("6.8.0-45-generic"),
                json!("containerd://1.7.24")
            ]
        );
    }

    #[test]
    fn statuses() {
        assert_eq!(node_status(&node(json!({}), "False", false)), "NotReady");
        assert_eq!(node_status(&node(json!({}), "Unknown", false)), "NotReady");
        assert_eq!(
            node_status(&node(json!({}), "True", true)),
            "Ready,SchedulingDisabled"
        );
        assert_eq!(
            node_status(&json!({"spec": {"unschedulable": true}})),
            "Unknown,SchedulingDisabled"
        );
    }

    #[test]
    fn roles_from_both_label_styles_sorted_or_none() {
        let labels = json!({
            "node-role.kubernetes.io/worker": "",
            "node-role.kubernetes.io/ingress": "",
            "kubernetes.io/role": "gpu",
            "node-role.kubernetes.io/": ""
        });
        assert_eq!(
            node_roles(&node(labels, "True", false)),
            "gpu,ingress,worker"
        );
        assert_eq!(
            node_roles(&node(json!({"kubernetes.io/os": "linux"}), "True", false)),
            "<none>"
        );
    }

    #[test]
    fn missing_system_info_is_unknown() {
        let row = cells(&json!({"metadata": {"name": "bare"}}), now());
        assert_eq!(
            row[4..],
            [
                json!(""),
                json!("<none>"),
                json!("<none>"),
                json!("<unknown>"),
                json!("<unknown>"),
                json!("<unknown>")
            ]
        );
    }
}
