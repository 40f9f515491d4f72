//! What a detail page shows of one object: the object itself (fetched
//! from the cluster when asked, never cached whole), its row, its events
//! and the objects related to it. Plain data shared with the browser.

use serde::{Deserialize, Serialize};

use crate::kind::KindInfo;
use crate::related::RelatedRef;
use crate::row::{Column, Row};

/// A whole object for its detail page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectView {
    pub kind: KindInfo,
    /// The object without managedFields, Secret values redacted.
    pub object: serde_json::Value,
    /// The same as YAML.
    pub yaml: String,
    /// Its row (status, health, cells).
    pub row: Option<Row>,
    pub columns: Vec<Column>,
}

/// An object with its events and related objects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectDetail {
    pub view: ObjectView,
    /// Events about the object, newest first.
    pub events: Vec<Row>,
    /// Owners, children, selected pods, the node, selecting Services.
    pub related: Vec<RelatedRef>,
    /// The cluster's clock, Unix milliseconds, for ages.
    pub now_ms: i64,
}
