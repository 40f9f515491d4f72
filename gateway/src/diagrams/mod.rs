//! Diagrams of a live cluster, for the pages, the live stream and the
//! diagram API. Each source a diagram is drawn from is read through the
//! one authorisation function, and a kind the subject may not list is left
//! out, so a diagram never shows more than its user may list.
//!
//! Where the objects come from is chosen by size: nodes and pods (the
//! kinds that reach 5,000 and 150,000) from the shared caches' rows
//! ([`from_rows`]; the topology reads pod rows as they are, [`pod_rows`]); Services, EndpointSlices, Ingresses and workloads —
//! which hold what rows leave out (ports, endpoints, revisions) and are
//! few in one namespace — whole, listed from the cluster; a pod's anatomy
//! from the pod itself, fetched as its detail page fetches it.

mod from_rows;
mod live;
mod pod_rows;
mod topology;

use std::sync::Arc;

use diagram::{ClusterObjects, Diagram, DiagramKind, Lang, Options};
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::Node;
use kube::api::{Api, ListParams};
use serde::de::DeserializeOwned;

use crate::authz::{Subject, authorize};
use crate::cache::RowCache;
use crate::cluster::Cluster;
use crate::diagram_query::DiagramQuery;
use crate::error::GatewayError;
use crate::gateway::{Gateway, list_action, unavailable};
use crate::row::Row;
use crate::watch::one_line;

pub use from_rows::node as node_of_row;
pub use live::LiveDiagram;
pub use topology::draw_topology;

/// On a page, up to this many nodes are drawn one by one (the command
/// line's default is smaller, for print); above it, node pools.
pub const PAGE_MAX_DETAILED_NODES: usize = 24;
/// On a page, up to this many pods are drawn per node or owner.
pub const PAGE_MAX_PODS_PER_BOX: usize = 12;

/// The cached kinds each diagram is drawn from (for live updates).
pub(crate) fn cached_kinds(kind: DiagramKind) -> &'static [&'static str] {
    match kind {
        DiagramKind::Topology => &["nodes", "pods"],
        DiagramKind::Pod => &["pods"],
        DiagramKind::Service => &[
            "pods",
            "services",
            "endpointslices.discovery.k8s.io",
            "ingresses.networking.k8s.io",
        ],
        DiagramKind::Ownership => &[
            "pods",
            "deployments.apps",
            "replicasets.apps",
            "statefulsets.apps",
            "daemonsets.apps",
            "jobs.batch",
            "cronjobs.batch",
        ],
    }
}

/// The diagram kind and options a query names.
pub fn parse(query: &DiagramQuery) -> Result<(DiagramKind, Options), GatewayError> {
    let kind: DiagramKind = query
        .kind
        .parse()
        .map_err(|e: diagram::Error| GatewayError::BadRequest(e.to_string()))?;
    let lang = match query.lang.as_str() {
        "" => Lang::En,
        tag => tag
            .parse()
            .map_err(|e: diagram::Error| GatewayError::BadRequest(e.to_string()))?,
    };
    let options = Options {
        lang,
        namespace: query.namespace.clone().filter(|n| !n.is_empty()),
        name: query.name.clone().filter(|n| !n.is_empty()),
        max_detailed_nodes: PAGE_MAX_DETAILED_NODES,
        max_pods_per_box: PAGE_MAX_PODS_PER_BOX,
        expand: query.expand.iter().take(64).cloned().collect(),
        ..Options::default()
    };
    if matches!(kind, DiagramKind::Pod) && (options.name.is_none() || options.namespace.is_none()) {
        return Err(GatewayError::BadRequest(
            "a pod diagram needs the pod's namespace and name".into(),
        ));
    }
    Ok((kind, options))
}

impl Gateway {
    /// The diagram `query` names, drawn from what `subject` may list.
    pub async fn diagram(
        &self,
        subject: &Subject,
        cluster: &str,
        query: &DiagramQuery,
    ) -> Result<Diagram, GatewayError> {
        let (kind, options) = parse(query)?;
        let started = std::time::Instant::now();
        let (drawn, pods, gathered) = if kind == DiagramKind::Topology {
            // Every node as a `Node`, made once per change of the nodes
            // cache and shared by every drawing; only for a subject who
            // may list nodes (they are cluster-scoped: all or none).
            let nodes = self
                .read_rows(subject, cluster, "nodes", None, |cache, visible| {
                    visible(None).then(|| {
                        cache.derived(|c| {
                            c.iter().map(|r| from_rows::node(r)).collect::<Vec<Node>>()
                        })
                    })
                })
                .await;
            let nodes = match nodes {
                Ok(Some(nodes)) => nodes,
                Ok(None) | Err(GatewayError::Forbidden(_)) => Arc::new(Vec::new()),
                Err(err) => return Err(err),
            };
            let gathered = started.elapsed();
            // Pods of every namespace: a node holds them all; the builder
            // keeps those of the chosen namespace.
            let drawn = self
                .read_rows(subject, cluster, "pods", None, |cache, visible| {
                    (draw_topology(&nodes, cache, visible, &options), cache.len())
                })
                .await;
            let (drawn, pods) = match drawn {
                Ok(drawn) => drawn,
                Err(GatewayError::Forbidden(_)) => {
                    let none = RowCache::default();
                    (draw_topology(&nodes, &none, &mut |_| false, &options), 0)
                }
                Err(err) => return Err(err),
            };
            (drawn, pods, gathered)
        } else {
            let objects = self
                .diagram_objects(subject, cluster, kind, &options)
                .await?;
            let gathered = started.elapsed();
            let drawn = diagram::build(kind, &objects, &options);
            (drawn, objects.pods.len(), gathered)
        };
        // The diagrams benchmark reads these to split its figures.
        tracing::debug!(
            kind = query.kind.as_str(),
            pods,
            gather_ms = gathered.as_secs_f64() * 1e3,
            model_ms = (started.elapsed() - gathered).as_secs_f64() * 1e3,
            "diagram built"
        );
        drawn.map_err(diagram_error)
    }

    /// A live diagram: drawn now, then again whenever what it is drawn
    /// from changes.
    pub async fn live_diagram(
        self: &Arc<Self>,
        subject: &Subject,
        cluster: &str,
        query: DiagramQuery,
    ) -> Result<LiveDiagram, GatewayError> {
        let (kind, _) = parse(&query)?;
        let handle = self.cluster(subject, cluster)?;
        let mut watches = Vec::new();
        for slug in cached_kinds(kind) {
            if let Some(info) = handle.discovered().by_slug(slug)
                && let Some(watch) = handle.watch(info)
            {
                watches.push(watch);
            }
        }
        Ok(LiveDiagram::new(
            self.clone(),
            subject.clone(),
            cluster.to_owned(),
            (kind, query),
            watches,
        ))
    }

    async fn diagram_objects(
        &self,
        subject: &Subject,
        cluster: &str,
        kind: DiagramKind,
        options: &Options,
    ) -> Result<ClusterObjects, GatewayError> {
        let ns = options.namespace.as_deref();
        let mut objects = ClusterObjects::default();
        match kind {
            // Drawn from the rows themselves (see `diagram`).
            DiagramKind::Topology => {}
            DiagramKind::Pod => {
                let name = options.name.as_deref().unwrap_or_default();
                let view = self.object(subject, cluster, "pods", ns, name).await?;
                let pod = serde_json::from_value(view.object)
                    .map_err(|e| GatewayError::Cluster(e.to_string()))?;
                objects.pods = vec![pod];
            }
            DiagramKind::Service => {
                objects.pods = self
                    .rows_as(subject, cluster, "pods", ns, |r| from_rows::pod(r))
                    .await?;
                let handle = self.cluster(subject, cluster)?;
                objects.services = self.fetch(subject, &handle, "services", ns).await?;
                objects.endpoint_slices = self
                    .fetch(subject, &handle, "endpointslices.discovery.k8s.io", ns)
                    .await?;
                objects.ingresses = self
                    .fetch(subject, &handle, "ingresses.networking.k8s.io", ns)
                    .await?;
                objects.deployments = self.fetch(subject, &handle, "deployments.apps", ns).await?;
            }
            DiagramKind::Ownership => {
                objects.pods = self
                    .rows_as(subject, cluster, "pods", ns, |r| from_rows::pod(r))
                    .await?;
                let handle = self.cluster(subject, cluster)?;
                objects.deployments = self.fetch(subject, &handle, "deployments.apps", ns).await?;
                objects.replica_sets = self.fetch(subject, &handle, "replicasets.apps", ns).await?;
                objects.stateful_sets = self
                    .fetch(subject, &handle, "statefulsets.apps", ns)
                    .await?;
                objects.daemon_sets = self.fetch(subject, &handle, "daemonsets.apps", ns).await?;
                objects.jobs = self.fetch(subject, &handle, "jobs.batch", ns).await?;
                objects.cron_jobs = self.fetch(subject, &handle, "cronjobs.batch", ns).await?;
            }
        }
        Ok(objects)
    }

    /// The cached rows of a kind the subject may list, turned into objects;
    /// none when the subject may not list it.
    async fn rows_as<T>(
        &self,
        subject: &Subject,
        cluster: &str,
        slug: &str,
        namespace: Option<&str>,
        convert: impl Fn(&Arc<Row>) -> T,
    ) -> Result<Vec<T>, GatewayError> {
        match self.all_rows(subject, cluster, slug, namespace).await {
            Ok(rows) => Ok(rows.iter().map(convert).collect()),
            Err(GatewayError::Forbidden(_)) => Ok(Vec::new()),
            Err(err) => Err(err),
        }
    }

    /// Whole objects of a namespaced kind, listed from the cluster, in the
    /// namespaces the subject may list; none when the cluster does not
    /// serve the kind.
    async fn fetch<K>(
        &self,
        subject: &Subject,
        cluster: &Arc<Cluster>,
        slug: &str,
        namespace: Option<&str>,
    ) -> Result<Vec<K>, GatewayError>
    where
        K: kube::Resource<Scope = NamespaceResourceScope, DynamicType = ()>
            + Clone
            + DeserializeOwned
            + std::fmt::Debug,
    {
        let Some(info) = cluster.discovered().by_slug(slug).cloned() else {
            return Ok(Vec::new());
        };
        let visible = |ns: Option<&str>| {
            authorize(subject, &list_action(cluster.name(), &info, ns)).allowed()
        };
        if !visible(namespace) && namespace.is_some() {
            return Ok(Vec::new());
        }
        let client = cluster.client().ok_or_else(|| unavailable(cluster))?;
        let api: Api<K> = match namespace {
            Some(ns) => Api::namespaced(client, ns),
            None => Api::all(client),
        };
        let list = api
            .list(&ListParams::default())
            .await
            .map_err(|e| GatewayError::Cluster(one_line(&e)))?;
        Ok(list
            .items
            .into_iter()
            .filter(|o| visible(o.meta().namespace.as_deref()))
            .collect())
    }
}

/// A diagram that cannot be drawn, as the API and pages report it.
fn diagram_error(err: diagram::Error) -> GatewayError {
    match err {
        diagram::Error::NotFound { kind, name, .. } => GatewayError::NotFound {
            kind: kind.to_owned(),
            name,
        },
        diagram::Error::Empty(what) => GatewayError::NothingToDraw(what.to_owned()),
        other => GatewayError::BadRequest(other.to_string()),
    }
}
