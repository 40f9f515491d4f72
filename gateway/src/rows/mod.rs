//! From a whole object (JSON, as the cluster sends it) to the compact
//! [`Row`] the cache keeps, and the columns each kind's list shows.
//!
//! The common part (identity, labels, owners, conditions) is read here for
//! every kind; what is particular to a kind (a pod's kubectl-style status,
//! a node's roles, a Deployment's `ready` count, a CRD's printer columns)
//! lives in one file per family of kinds, chosen by group and kind.
//!
//! Each family follows its printer in upstream
//! `pkg/printers/internalversion/printers.go` (Kubernetes 1.32) for the
//! columns `kubectl get` shows and the text of each cell. Objects are read
//! as JSON rather than k8s-openapi types: a cache sees custom resources
//! and objects from newer or older servers, and a field that is missing
//! or of the wrong type must give an odd cell, never a failed watch. No
//! row keeps a spec, annotations, managedFields or a Secret's data.

mod config;
mod custom;
mod events;
mod fields;
mod jsonpath;
mod namespaces;
mod network;
mod nodes;
pub mod pods;
pub mod quantity;
mod storage;
mod workloads;

#[cfg(test)]
mod tests;

/// kubectl's ages and durations (`45s`, `5m3s`, `2d4h`), for showing a
/// [`Cell::since`](crate::row::Cell::since) cell as time passes.
pub use fields::human_duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::kind::KindInfo;
use crate::row::{Column, Condition, OwnerRef, Row};

/// Every built-in column id [`columns`] may return, so the UI can give
/// each a translated title. Printer columns of CRDs are `printer:{name}`.
pub const COLUMN_IDS: &[&str] = &[
    "ready",
    "status",
    "restarts",
    "ip",
    "node",
    "roles",
    "version",
    "internal_ip",
    "up_to_date",
    "available",
    "desired",
    "current",
    "node_selector",
    "completions",
    "duration",
    "schedule",
    "timezone",
    "suspend",
    "active",
    "last_schedule",
    "min_available",
    "max_unavailable",
    "allowed_disruptions",
    "type",
    "cluster_ip",
    "external_ip",
    "ports",
    "endpoints",
    "address_type",
    "class",
    "hosts",
    "address",
    "data",
    "capacity",
    "access_modes",
    "reclaim_policy",
    "claim",
    "storage_class",
    "volume",
    "provisioner",
    "binding_mode",
    "allow_expansion",
    "default",
    "reason",
    "object",
    "message",
    "count",
    "last_seen",
    "cpu",
    "memory",
];

/// Real objects have a handful of conditions; a row keeps at most this many.
const MAX_CONDITIONS: usize = 32;

/// The families of kinds with a projection of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Pod,
    Node,
    Namespace,
    Workload(workloads::Workload),
    Network(network::Network),
    Config(config::Config),
    Storage(storage::Storage),
    Event,
    /// CRDs and any kind not above: printer columns, if any.
    Custom,
}

fn family(kind: &KindInfo) -> Family {
    use Family::*;
    match (kind.key.group.as_str(), kind.kind.as_str()) {
        ("", "Pod") => Pod,
        ("", "Node") => Node,
        ("", "Namespace") => Namespace,
        ("", "Event") | ("events.k8s.io", "Event") => Event,
        (group, kind) => workloads::Workload::of(group, kind)
            .map(Workload)
            .or_else(|| network::Network::of(group, kind).map(Network))
            .or_else(|| config::Config::of(group, kind).map(Config))
            .or_else(|| storage::Storage::of(group, kind).map(Storage))
            .unwrap_or(Custom),
    }
}

/// The columns of `kind`'s list beyond name, namespace and age (which
/// every list has).
pub fn columns(kind: &KindInfo) -> Vec<Column> {
    match family(kind) {
        Family::Pod => pods::columns(),
        Family::Node => nodes::columns(),
        Family::Namespace => namespaces::columns(),
        Family::Workload(w) => w.columns(),
        Family::Network(n) => n.columns(),
        Family::Config(c) => c.columns(),
        Family::Storage(s) => s.columns(),
        Family::Event => events::columns(),
        Family::Custom => custom::columns(kind),
    }
}

/// The row of `object`, an object of `kind`, as of now.
pub fn project(kind: &KindInfo, object: &Value) -> Row {
    project_at(kind, object, Utc::now())
}

/// The row of `object` as of `now`: only a pod's health depends on it (a
/// pod not ready for minutes is an error, not one starting up).
pub fn project_at(kind: &KindInfo, object: &Value, now: DateTime<Utc>) -> Row {
    let mut row = common(object);
    match family(kind) {
        Family::Pod => pods::project(object, &mut row, now),
        Family::Node => nodes::project(object, &mut row),
        Family::Namespace => namespaces::project(object, &mut row),
        Family::Workload(w) => w.project(object, &mut row),
        Family::Network(n) => n.project(object, &mut row),
        Family::Config(c) => c.project(object, &mut row),
        Family::Storage(s) => s.project(object, &mut row),
        Family::Event => events::project(object, &mut row),
        Family::Custom => custom::project(kind, object, &mut row),
    }
    row
}

/// Identity, labels, owners and conditions: what every kind has.
pub fn common(object: &Value) -> Row {
    let meta = &object["metadata"];
    // Clipped: the API server bounds names and labels, but a row must stay
    // small even for what it would not accept.
    let text = |v: &Value| fields::clip(fields::str_of(v));
    Row {
        uid: text(&meta["uid"]),
        namespace: meta["namespace"].as_str().map(fields::clip),
        name: text(&meta["name"]),
        created: meta["creationTimestamp"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.timestamp()),
        resource_version: text(&meta["resourceVersion"]),
        labels: meta["labels"]
            .as_object()
            .map(|labels| {
                labels
                    .iter()
                    .map(|(k, v)| (fields::clip(k), text(v)))
                    .collect()
            })
            .unwrap_or_default(),
        owners: meta["ownerReferences"]
            .as_array()
            .map(|owners| {
                owners
                    .iter()
                    .map(|o| OwnerRef {
                        kind: text(&o["kind"]),
                        name: text(&o["name"]),
                        uid: text(&o["uid"]),
                        controller: o["controller"].as_bool().unwrap_or(false),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        conditions: object["status"]["conditions"]
            .as_array()
            .map(|conditions| {
                conditions
                    .iter()
                    .take(MAX_CONDITIONS)
                    .map(|c| Condition {
                        type_: text(&c["type"]),
                        status: text(&c["status"]),
                        reason: text(&c["reason"]),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        ..Row::default()
    }
}
