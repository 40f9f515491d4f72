//! From a whole object (JSON, as the cluster sends it) to the compact
//! [`Row`] the cache keeps, and the columns each kind's list shows.
//!
//! The common part (identity, labels, owners, conditions) is read here for
//! every kind; what is particular to a kind (a pod's kubectl-style status,
//! a node's roles, a Deployment's `ready` count, a CRD's printer columns)
//! lives in one file per family of kinds.

use serde_json::Value;

use crate::kind::KindInfo;
use crate::row::{Column, Condition, OwnerRef, Row};

/// The columns of `kind`'s list beyond name, namespace and age (which
/// every list has).
pub fn columns(kind: &KindInfo) -> Vec<Column> {
    let _ = kind;
    Vec::new()
}

/// The row of `object`, an object of `kind`.
pub fn project(kind: &KindInfo, object: &Value) -> Row {
    let _ = kind;
    common(object)
}

/// Identity, labels, owners and conditions: what every kind has.
pub fn common(object: &Value) -> Row {
    let meta = &object["metadata"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    Row {
        uid: text(&meta["uid"]),
        namespace: meta["namespace"].as_str().map(str::to_owned),
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
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
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
