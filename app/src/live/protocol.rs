//! The messages of a tab's one live stream (a WebSocket at
//! `/api/v1/stream`). The browser opens subscriptions for what its page
//! shows; the server answers each with row-level diffs (never whole
//! lists), the Overview, or the cluster states, tagged with the
//! subscription's id.

use serde::{Deserialize, Serialize};

use gateway::diagram_query::DiagramQuery;
use gateway::diff::PageDiff;
use gateway::overview::Overview;
use gateway::query::ListQuery;
use gateway::status::ClusterSummary;

/// The stream's path.
pub const STREAM_PATH: &str = "/api/v1/stream";

/// Browser → server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum ClientMessage {
    /// A live page of a kind's rows.
    List {
        id: String,
        cluster: String,
        kind: String,
        query: ListQuery,
    },
    /// The live Overview of a cluster.
    Overview { id: String, cluster: String },
    /// The live states of every cluster (the picker).
    Clusters { id: String },
    /// A live diagram of a cluster.
    Diagram {
        id: String,
        cluster: String,
        query: DiagramQuery,
    },
    /// Ends a subscription.
    Close { id: String },
}

/// Server → browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ServerMessage {
    /// What changed on a subscribed page (the first one holds the page).
    Page {
        id: String,
        diff: PageDiff,
    },
    Overview {
        id: String,
        overview: Box<Overview>,
    },
    Clusters {
        id: String,
        clusters: Vec<ClusterSummary>,
    },
    /// A diagram drawn again (inline SVG, linked as on the page).
    Diagram {
        id: String,
        svg: String,
    },
    /// A subscription failed (unknown kind, forbidden, bad selector, …).
    Error {
        id: String,
        code: u16,
        message: String,
    },
    /// The session ended (signed out or expired); the stream closes.
    Ended {
        reason: String,
    },
}
