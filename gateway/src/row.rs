//! The compact row a cache keeps per object: what lists, the Overview,
//! related-object lookups and diagrams need, and nothing else. Whole
//! objects (with managedFields, annotations, specs) are fetched from the
//! cluster only when a detail page asks, so a cache of 150,000 pods stays
//! a few hundred megabytes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a row looks at a glance, for colour and "problems first" ordering.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// Failed, crashing, NotReady, a Warning event: needs a look.
    Error,
    /// Degraded or short of its desired state, but not failed.
    Warning,
    /// On its way (pending, initialising, rolling out).
    Progressing,
    /// Running, ready, complete, bound.
    Ok,
    /// Nothing to judge (a ConfigMap) or not known.
    #[default]
    Neutral,
}

/// An owner reference, as the ownership chain needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerRef {
    pub kind: String,
    pub name: String,
    pub uid: String,
    pub controller: bool,
}

/// A reference to another object (an Event's subject).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub uid: String,
}

/// One status condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    pub reason: String,
}

/// cpu in millicores and memory in bytes: a pod's requests (summed over
/// its containers) or a node's allocatable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Resources {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
}

/// One list cell: the text kubectl would print, and a number to sort by
/// where the column is numeric (restarts, replicas, ages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Cell {
    pub text: String,
    pub number: Option<f64>,
    /// A time that runs on (Unix seconds): the cell reads as the time since
    /// then (`5m`, as kubectl's ages), which the UI works out as it shows
    /// the cell, since a cached row is not projected again as time passes.
    /// Set for a CRD's `date` columns, an Event's last seen, a CronJob's
    /// last schedule and a running Job's duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<i64>,
    /// When the counted thing last happened (Unix seconds): the cell reads
    /// as its text and the time since then, kubectl's RESTARTS `3 (5m
    /// ago)`, worked out by the UI for the same reason as `since`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ago: Option<i64>,
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            number: None,
            since: None,
            ago: None,
        }
    }

    /// A numeric cell shown as `text` (e.g. `2/3` sorted by 2).
    pub fn number(number: f64, text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            number: Some(number),
            since: None,
            ago: None,
        }
    }

    /// A cell that reads as the time since `unix_seconds` and sorts by it;
    /// its text is the instant in RFC 3339, for exports and no-script pages.
    pub fn since(unix_seconds: i64) -> Self {
        let text = chrono::DateTime::from_timestamp(unix_seconds, 0)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default();
        Self {
            text,
            number: Some(unix_seconds as f64),
            since: Some(unix_seconds),
            ago: None,
        }
    }
}

/// What a column holds, so the UI can translate its title: built-in
/// columns have a stable id (`ready`, `status`, `restarts`, …) the UI maps
/// to a translated title; a CRD's printer columns carry their own name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Stable id: a built-in column id, or `printer:{name}`.
    pub id: String,
    /// The title for printer columns (cluster data, not translated).
    pub title: Option<String>,
    /// Sorted as numbers rather than text.
    pub numeric: bool,
}

impl Column {
    /// A built-in column.
    pub fn builtin(id: &str, numeric: bool) -> Self {
        Self {
            id: id.to_owned(),
            title: None,
            numeric,
        }
    }
}

/// The compact projection of one object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Row {
    pub uid: String,
    pub namespace: Option<String>,
    pub name: String,
    /// `metadata.creationTimestamp`, Unix seconds.
    pub created: Option<i64>,
    pub resource_version: String,
    pub labels: BTreeMap<String, String>,
    pub owners: Vec<OwnerRef>,
    /// The node a pod runs on.
    pub node: Option<String>,
    /// The one-word (or kubectl-style) status a user reads first:
    /// `Running`, `Init:1/2`, `Ready,SchedulingDisabled`, `3/3`, `Bound`.
    pub status: String,
    pub health: Health,
    pub conditions: Vec<Condition>,
    /// A Service's or a workload's label selector (equality part), for
    /// "which pods does this select".
    pub selector: Option<BTreeMap<String, String>>,
    /// A pod's requests or a node's allocatable.
    pub resources: Option<Resources>,
    /// An Event's subject.
    pub subject: Option<ObjectRef>,
    /// A node's taints, `key=value:Effect` (the topology tells a control
    /// plane that runs no workloads by its taint).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<String>,
    /// One cell per column of [`crate::rows::columns`] for this kind.
    pub cells: Vec<Cell>,
    /// What a service map or ownership graph reads beyond the cells, for
    /// the kinds they draw; kept on the server (never sent with a list).
    #[serde(skip)]
    pub wiring: Option<Box<Wiring>>,
}

/// The few fields of a Service, EndpointSlice, Ingress or workload that a
/// diagram draws and its list does not show, so a service map or ownership
/// graph is drawn from the shared caches rather than from whole objects
/// listed again from the cluster on every redraw for every viewer. Each
/// list is bounded, as every row is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wiring {
    Service {
        /// `ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`.
        type_: String,
        cluster_ip: String,
        /// Port and protocol of each port.
        ports: Vec<(i32, String)>,
    },
    EndpointSlice {
        /// How many endpoints the slice holds.
        endpoints: usize,
        /// The pods its endpoints point at.
        pods: Vec<String>,
    },
    Ingress {
        hosts: Vec<String>,
        /// The Services its rules and default backend route to.
        services: Vec<String>,
    },
    Workload {
        /// `spec.replicas` (Deployment, ReplicaSet, StatefulSet).
        replicas: Option<i32>,
        /// A ReplicaSet's `deployment.kubernetes.io/revision`.
        revision: Option<String>,
        /// A DaemonSet's `status.desiredNumberScheduled`.
        desired_scheduled: i32,
        /// A CronJob's schedule.
        schedule: String,
        /// A Job's `spec.completions`.
        completions: Option<i32>,
    },
}
