//! Objects related to an object, read from the caches: its owner chain,
//! its children, a Service's pods, a node's pods, a pod's Services, and
//! its events. Related objects of kinds the user may not list are left out
//! by the caller's authorisation, like everything else.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::row::{Health, Row};

/// A link to a related object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedRef {
    /// How it relates: `owner`, `child`, `pod`, `service`, `node`.
    pub relation: String,
    /// The kind's URL segment (`pods`, `replicasets.apps`).
    pub kind_slug: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub status: String,
    pub health: Health,
}

impl RelatedRef {
    /// A link to `row` of the kind `kind_slug`/`kind`.
    pub fn to(relation: &str, kind_slug: &str, kind: &str, row: &Row) -> Self {
        Self {
            relation: relation.to_owned(),
            kind_slug: kind_slug.to_owned(),
            kind: kind.to_owned(),
            namespace: row.namespace.clone(),
            name: row.name.clone(),
            status: row.status.clone(),
            health: row.health,
        }
    }
}

/// Whether `row` is owned by the object with `uid`.
pub fn owned_by(row: &Row, uid: &str) -> bool {
    !uid.is_empty() && row.owners.iter().any(|o| o.uid == uid)
}

/// Whether a Service's `selector` selects a pod's `labels` (an empty or
/// missing selector selects nothing, as for headless Services without one).
pub fn selects(selector: Option<&std::collections::BTreeMap<String, String>>, pod: &Row) -> bool {
    match selector {
        Some(selector) if !selector.is_empty() => {
            selector.iter().all(|(k, v)| pod.labels.get(k) == Some(v))
        }
        _ => false,
    }
}

/// The events about the object with `uid`, newest first; `last_seen` is
/// the index of the events list's `last_seen` column, if it has one.
pub fn events_about<'a>(
    events: impl Iterator<Item = &'a Arc<Row>>,
    uid: &str,
    name: &str,
    last_seen: Option<usize>,
) -> Vec<Arc<Row>> {
    let mut found: Vec<Arc<Row>> = events
        .filter(|e| {
            e.subject.as_ref().is_some_and(|s| {
                (!uid.is_empty() && s.uid == uid) || (s.uid.is_empty() && s.name == name)
            })
        })
        .cloned()
        .collect();
    let seen = |e: &Row| {
        last_seen
            .and_then(|i| e.cells.get(i))
            .and_then(|c| c.number)
            .unwrap_or(e.created.unwrap_or_default() as f64)
    };
    found.sort_by(|a, b| seen(b).total_cmp(&seen(a)));
    found
}
