//! Building a detail page: the whole object from the cluster, then its
//! events and related objects from the shared caches (owner chain,
//! children, a Service's pods, a pod's node and Services, a node's pods),
//! each through the same authorisation as any list.

use std::sync::Arc;

use crate::authz::Subject;
use crate::cache::NamespaceMemo;
use crate::detail::ObjectDetail;
use crate::error::GatewayError;
use crate::gateway::Gateway;
use crate::related::{RelatedRef, events_about, owned_by, selects};
use crate::row::Row;
use crate::rows;

/// Kinds whose rows can be owned by another object, searched for children.
const CHILD_KINDS: [&str; 4] = [
    "replicasets.apps",
    "pods",
    "jobs.batch",
    "controllerrevisions.apps",
];
/// How far up an owner chain is followed.
const OWNER_DEPTH: usize = 5;
/// At most this many related objects of one relation are listed.
const RELATED_CAP: usize = 200;

impl Gateway {
    /// The detail page of one object.
    pub async fn detail(
        &self,
        subject: &Subject,
        cluster: &str,
        kind_slug: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<ObjectDetail, GatewayError> {
        let view = self
            .object(subject, cluster, kind_slug, namespace, name)
            .await?;
        let handle = self.cluster(subject, cluster)?;
        let row = view.row.clone().unwrap_or_default();
        let namespace = row.namespace.as_deref();
        let mut related = self.owner_chain(subject, cluster, &row).await;
        for child_kind in CHILD_KINDS {
            let Some(info) = handle.discovered().by_slug(child_kind).cloned() else {
                continue;
            };
            let children = self.rows_in(subject, cluster, child_kind, namespace).await;
            related.extend(
                children
                    .iter()
                    .filter(|c| owned_by(c, &row.uid))
                    .take(RELATED_CAP)
                    .map(|c| RelatedRef::to("child", child_kind, &info.kind, c)),
            );
        }
        related.extend(
            self.by_selection(subject, cluster, &view.kind.kind, &row)
                .await,
        );
        let events_kind = handle.discovered().by_slug("events").cloned();
        let last_seen = events_kind
            .as_ref()
            .and_then(|k| rows::columns(k).iter().position(|c| c.id == "last_seen"));
        let all_events = self.rows_in(subject, cluster, "events", namespace).await;
        let events = events_about(all_events.iter(), &row.uid, &row.name, last_seen)
            .into_iter()
            .take(RELATED_CAP)
            .map(|e| (*e).clone())
            .collect();
        Ok(ObjectDetail {
            view,
            events,
            related,
            now_ms: handle.now_ms(),
        })
    }

    /// Rows a subject may see, or none when the kind is not served.
    async fn rows_in(
        &self,
        subject: &Subject,
        cluster: &str,
        slug: &str,
        namespace: Option<&str>,
    ) -> Vec<Arc<Row>> {
        self.all_rows(subject, cluster, slug, namespace)
            .await
            .unwrap_or_default()
    }

    async fn owner_chain(&self, subject: &Subject, cluster: &str, row: &Row) -> Vec<RelatedRef> {
        let Ok(handle) = self.cluster(subject, cluster) else {
            return Vec::new();
        };
        let discovered = handle.discovered();
        let mut chain = Vec::new();
        let mut current = row.clone();
        for _ in 0..OWNER_DEPTH {
            let Some(owner) = current
                .owners
                .iter()
                .find(|o| o.controller)
                .or(current.owners.first())
                .cloned()
            else {
                break;
            };
            let Some(info) = discovered.kinds.iter().find(|k| k.kind == owner.kind) else {
                break;
            };
            let slug = info.key.slug();
            let namespace = if info.namespaced {
                current.namespace.clone()
            } else {
                None
            };
            let owners = self
                .rows_in(subject, cluster, &slug, namespace.as_deref())
                .await;
            let Some(found) = owners.iter().find(|r| r.name == owner.name) else {
                break;
            };
            chain.push(RelatedRef::to("owner", &slug, &info.kind, found));
            current = (**found).clone();
        }
        chain
    }

    /// A Service's pods; a pod's node and Services; a node's pods.
    async fn by_selection(
        &self,
        subject: &Subject,
        cluster: &str,
        kind: &str,
        row: &Row,
    ) -> Vec<RelatedRef> {
        let namespace = row.namespace.as_deref();
        match kind {
            "Service" => self
                .rows_in(subject, cluster, "pods", namespace)
                .await
                .iter()
                .filter(|p| selects(row.selector.as_ref(), p))
                .take(RELATED_CAP)
                .map(|p| RelatedRef::to("pod", "pods", "Pod", p))
                .collect(),
            "Pod" => {
                let mut related = Vec::new();
                if let Some(node) = &row.node {
                    let found = self
                        .read_rows(subject, cluster, "nodes", None, |cache, _| {
                            cache.get(None, node)
                        })
                        .await;
                    if let Ok(Some(found)) = found {
                        related.push(RelatedRef::to("node", "nodes", "Node", &found));
                    }
                }
                let services = self.rows_in(subject, cluster, "services", namespace).await;
                related.extend(
                    services
                        .iter()
                        .filter(|s| selects(s.selector.as_ref(), row))
                        .map(|s| RelatedRef::to("service", "services", "Service", s)),
                );
                related
            }
            // Off the pods cache's node index: a node's page never walks
            // every pod of the cluster.
            "Node" => self
                .read_rows(subject, cluster, "pods", None, |cache, visible| {
                    let Some(on) = cache.on_node(&row.name) else {
                        return Vec::new();
                    };
                    let mut allowed = NamespaceMemo::default();
                    on.rows()
                        .iter()
                        .filter(|p| allowed.check(p.namespace.as_deref(), visible))
                        .take(RELATED_CAP)
                        .map(|p| RelatedRef::to("pod", "pods", "Pod", p))
                        .collect()
                })
                .await
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}
