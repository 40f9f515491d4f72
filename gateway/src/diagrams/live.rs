//! A live diagram for one subscriber: drawn at once, then drawn again when
//! what it is drawn from has changed — the first change after a quiet
//! spell at once, a burst at most every [`COALESCE`], and only
//! when the rows in its scope (its namespace, its pod) are not the same as
//! at the last drawing, so a pod changing elsewhere in the cluster costs a
//! service map nothing but a fingerprint.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use diagram::model::SlotMemory;
use diagram::{Diagram, DiagramKind};

use crate::authz::Subject;
use crate::diagram_query::DiagramQuery;
use crate::error::GatewayError;
use crate::gateway::Gateway;
use crate::signals::Signals;
use crate::watch::{KindWatch, ViewerGuard};

/// Changes within this interval of the last drawing are drawn once.
pub const COALESCE: Duration = Duration::from_millis(200);

/// One subscriber's live diagram.
pub struct LiveDiagram {
    gateway: Arc<Gateway>,
    subject: Subject,
    cluster: String,
    /// The kind the query names, parsed once.
    kind: DiagramKind,
    query: DiagramQuery,
    /// Keeps the watches the diagram is drawn from running.
    viewers: Vec<ViewerGuard>,
    changes: Signals,
    drawn: Option<u64>,
    /// When the last drawing was made.
    last_drawn: Option<Instant>,
    /// Keeps each pod in the cell it had, so one that ends moves no other.
    slots: SlotMemory,
}

impl LiveDiagram {
    pub(crate) fn new(
        gateway: Arc<Gateway>,
        subject: Subject,
        cluster: String,
        (kind, query): (DiagramKind, DiagramQuery),
        watches: Vec<Arc<KindWatch>>,
    ) -> Self {
        Self {
            changes: Signals::new(watches.iter().map(|w| w.subscribe()).collect()),
            viewers: watches.iter().map(|w| w.viewer()).collect(),
            gateway,
            subject,
            cluster,
            kind,
            query,
            drawn: None,
            last_drawn: None,
            slots: SlotMemory::new(),
        }
    }

    /// The diagram now, then each time it may look different; `None` once
    /// a watch it is drawn from has stopped. An error (the subject may no
    /// longer see the cluster, the pod is gone) is returned once per
    /// change; the caller decides whether to go on.
    pub async fn next(&mut self) -> Option<Result<Diagram, GatewayError>> {
        loop {
            if self.drawn.is_some() {
                if !self.changes.changed().await {
                    return None;
                }
                if let Some(last) = self.last_drawn {
                    tokio::time::sleep_until(last + COALESCE).await;
                }
                self.changes.mark_seen();
            }
            let fingerprint = self.fingerprint();
            if self.drawn == Some(fingerprint) {
                continue;
            }
            self.drawn = Some(fingerprint);
            self.last_drawn = Some(Instant::now());
            let drawn = self
                .gateway
                .diagram(&self.subject, &self.cluster, &self.query)
                .await;
            return Some(drawn.map(|mut diagram| {
                self.slots.place(&mut diagram);
                diagram
            }));
        }
    }

    /// A hash of the rows in the diagram's scope: their names and resource
    /// versions (or, for every namespace, the caches' generations). Only decides whether to draw again; what is drawn is read
    /// through the gateway, authorised for the subject.
    fn fingerprint(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        let namespace = self.query.namespace.as_deref().filter(|n| !n.is_empty());
        let name = self.query.name.as_deref().filter(|n| !n.is_empty());
        for viewer in &self.viewers {
            let watch = viewer.watch();
            watch.info.key.hash(&mut hasher);
            watch.read(|cache| {
                let one_pod = self.kind == DiagramKind::Pod && watch.info.key.plural == "pods";
                if one_pod {
                    if let Some(row) = cache.get(namespace, name.unwrap_or_default()) {
                        row.resource_version.hash(&mut hasher);
                    }
                    return;
                }
                // Every namespace: any change is in scope, and the cache's
                // generation says so without a walk over 150,000 rows.
                if namespace.is_none() {
                    cache.generation().hash(&mut hasher);
                    return;
                }
                for row in cache.rows_in(namespace) {
                    row.name.hash(&mut hasher);
                    row.resource_version.hash(&mut hasher);
                }
            });
        }
        hasher.finish()
    }
}
