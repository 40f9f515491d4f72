//! What pages and operators see of a cluster's connection and its watches.
//! Plain data shared with the browser.

use serde::{Deserialize, Serialize};

use crate::query::SyncState;

/// The connection to one cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum ConnectionState {
    /// Not reached yet since start.
    #[default]
    Connecting,
    /// Discovery done, the API server answers.
    Connected,
    /// Was connected, lost it, retrying; pages show the last rows.
    Reconnecting { error: String },
    /// Never reached since start; retrying.
    Unreachable { error: String },
}

impl ConnectionState {
    /// The last error, if any.
    pub fn error(&self) -> Option<&str> {
        match self {
            ConnectionState::Reconnecting { error } | ConnectionState::Unreachable { error } => {
                Some(error)
            }
            _ => None,
        }
    }

    /// A stable word for CSS, tests and metrics.
    pub fn word(&self) -> &'static str {
        match self {
            ConnectionState::Connecting => "connecting",
            ConnectionState::Connected => "connected",
            ConnectionState::Reconnecting { .. } => "reconnecting",
            ConnectionState::Unreachable { .. } => "unreachable",
        }
    }
}

/// One shared watch, as the Overview and `/metrics` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchSummary {
    /// The kind's URL segment (`pods`, `deployments.apps`).
    pub kind: String,
    pub objects: usize,
    pub sync: SyncState,
    pub viewers: usize,
    pub relists: u64,
}

/// One cluster, as the picker and the Overview show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterSummary {
    /// The name in URLs (`sim`, or a kubeconfig context made URL-safe).
    pub name: String,
    /// Where it comes from: `embedded`, or the kubeconfig file and context.
    pub origin: String,
    pub state: ConnectionState,
    /// The API server's version, once known.
    pub version: String,
    /// The cluster's clock (Unix milliseconds) when this was made, so ages
    /// follow the cluster, not the browser.
    pub now_ms: i64,
}
