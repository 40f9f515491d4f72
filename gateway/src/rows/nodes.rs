//! Nodes: STATUS, ROLES, VERSION and INTERNAL-IP as `kubectl get nodes -o
//! wide` prints them (upstream `printNode` and `findNodeRoles`), and the
//! allocatable cpu and memory, which the Overview adds up against pods'
//! requests.

use serde_json::Value;

use super::fields::{
    bool_of, builtin_columns, clip, condition, cpu_cell, list_of, memory_cell, or_none, str_of,
    text_cell,
};
use super::quantity::{millis_of, units_of};
use crate::row::{Cell, Column, Health, Resources, Row};

/// Role labels: `node-role.kubernetes.io/control-plane: ""`.
const ROLE_PREFIX: &str = "node-role.kubernetes.io/";
/// The older role label: `kubernetes.io/role: master`.
const LEGACY_ROLE_LABEL: &str = "kubernetes.io/role";

pub fn columns() -> Vec<Column> {
    builtin_columns(&[
        ("status", false),
        ("roles", false),
        ("version", false),
        ("internal_ip", false),
        ("cpu", true),
        ("memory", true),
    ])
}

pub fn project(node: &Value, row: &mut Row) {
    let ready = condition(&node["status"]["conditions"], "Ready").map(|c| str_of(&c["status"]));
    let mut status = match ready {
        Some("True") => "Ready",
        Some(_) => "NotReady",
        None => "Unknown",
    }
    .to_owned();
    if bool_of(&node["spec"]["unschedulable"]) {
        status.push_str(",SchedulingDisabled");
    }
    let allocatable = &node["status"]["allocatable"];
    let resources = Resources {
        cpu_millis: millis_of(&allocatable["cpu"]),
        memory_bytes: units_of(&allocatable["memory"]),
    };
    row.health = match ready {
        Some("True") => Health::Ok,
        _ => Health::Error,
    };
    row.cells = vec![
        Cell::text(status.clone()),
        or_none(&roles(&node["metadata"]["labels"]).join(",")),
        text_cell(str_of(&node["status"]["nodeInfo"]["kubeletVersion"])),
        or_none(address(node, "InternalIP")),
        cpu_cell(resources.cpu_millis),
        memory_cell(resources.memory_bytes),
    ];
    row.status = status;
    row.resources = Some(resources);
    row.taints = list_of(&node["spec"]["taints"])
        .iter()
        .take(MAX_TAINTS)
        .map(|t| {
            let value = str_of(&t["value"]);
            let value = if value.is_empty() {
                String::new()
            } else {
                format!("={value}")
            };
            clip(&format!(
                "{}{value}:{}",
                str_of(&t["key"]),
                str_of(&t["effect"])
            ))
        })
        .collect();
}

/// Nodes have a handful of taints; a row keeps at most this many.
const MAX_TAINTS: usize = 16;

/// The roles a node's labels give it, sorted and without repeats.
pub fn roles(labels: &Value) -> Vec<String> {
    let mut roles: Vec<String> = labels
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| match key.strip_prefix(ROLE_PREFIX) {
            Some(role) if !role.is_empty() => Some(role.to_owned()),
            Some(_) => None,
            None if key == LEGACY_ROLE_LABEL && !str_of(value).is_empty() => {
                Some(str_of(value).to_owned())
            }
            None => None,
        })
        .collect();
    roles.sort();
    roles.dedup();
    roles
}

/// The first address of `type_` (`InternalIP`, `ExternalIP`).
fn address<'a>(node: &'a Value, type_: &str) -> &'a str {
    list_of(&node["status"]["addresses"])
        .iter()
        .find(|a| str_of(&a["type"]) == type_)
        .map_or("", |a| str_of(&a["address"]))
}
