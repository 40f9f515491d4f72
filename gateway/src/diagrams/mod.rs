//! Diagrams of a live cluster, for the pages, the live stream and the
//! diagram API. Each source a diagram is drawn from is read through the
//! one authorisation function, and a kind the subject may not list is left
//! out, so a diagram never shows more than its user may list.
//!
//! Every diagram but a pod's anatomy is drawn from the shared caches'
//! rows, never from objects listed again per drawing: nodes and pods from
//! what their rows hold ([`from_rows`]; the topology reads pod rows as
//! they are, [`pod_rows`]); Services, EndpointSlices, Ingresses and
//! workloads from their rows' [`Wiring`](crate::row::Wiring) — ports,
//! endpoints, backends, revisions ([`from_wiring`]). A pod's anatomy
//! (containers, volumes, mounts) comes from the pod itself, fetched as its
//! detail page fetches it.

mod from_rows;
mod from_wiring;
mod live;
mod pod_rows;
mod topology;

use std::sync::Arc;

use diagram::{ClusterObjects, Diagram, DiagramKind, Lang, Options};
use k8s_openapi::api::core::v1::Node;

use crate::authz::Subject;
use crate::cache::RowCache;
use crate::diagram_query::DiagramQuery;
use crate::error::GatewayError;
use crate::gateway::Gateway;
use crate::row::Row;

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
                let rows = Gather::new(self, subject, cluster, ns);
                objects.pods = rows.of("pods", from_rows::pod).await?;
                objects.services = rows.of("services", from_wiring::service).await?;
                objects.endpoint_slices = rows
                    .of(
                        "endpointslices.discovery.k8s.io",
                        from_wiring::endpoint_slice,
                    )
                    .await?;
                objects.ingresses = rows
                    .of("ingresses.networking.k8s.io", from_wiring::ingress)
                    .await?;
                objects.deployments = rows.of("deployments.apps", from_wiring::deployment).await?;
            }
            DiagramKind::Ownership => {
                let rows = Gather::new(self, subject, cluster, ns);
                objects.pods = rows.of("pods", from_rows::pod).await?;
                objects.deployments = rows.of("deployments.apps", from_wiring::deployment).await?;
                objects.replica_sets = rows
                    .of("replicasets.apps", from_wiring::replica_set)
                    .await?;
                objects.stateful_sets = rows
                    .of("statefulsets.apps", from_wiring::stateful_set)
                    .await?;
                objects.daemon_sets = rows.of("daemonsets.apps", from_wiring::daemon_set).await?;
                objects.jobs = rows.of("jobs.batch", from_wiring::job).await?;
                objects.cron_jobs = rows.of("cronjobs.batch", from_wiring::cron_job).await?;
            }
        }
        Ok(objects)
    }
}

/// The rows a diagram of one namespace (or all) is drawn from, read for
/// one subject.
struct Gather<'a> {
    gateway: &'a Gateway,
    subject: &'a Subject,
    cluster: &'a str,
    namespace: Option<&'a str>,
}

impl<'a> Gather<'a> {
    fn new(
        gateway: &'a Gateway,
        subject: &'a Subject,
        cluster: &'a str,
        namespace: Option<&'a str>,
    ) -> Self {
        Self {
            gateway,
            subject,
            cluster,
            namespace,
        }
    }

    /// The cached rows of a kind the subject may list, turned into objects;
    /// none when the subject may not list it, or the cluster does not
    /// serve it (a cluster without Ingresses draws its Services alone,
    /// without waiting for a rediscovery that would not find the kind).
    async fn of<T>(&self, slug: &str, convert: impl Fn(&Row) -> T) -> Result<Vec<T>, GatewayError> {
        let Self {
            gateway,
            subject,
            cluster,
            namespace,
        } = *self;
        if gateway
            .cluster(subject, cluster)?
            .discovered()
            .by_slug(slug)
            .is_none()
        {
            return Ok(Vec::new());
        }
        match gateway.all_rows(subject, cluster, slug, namespace).await {
            Ok(rows) => Ok(rows.iter().map(|row| convert(row)).collect()),
            Err(GatewayError::Forbidden(_)) => Ok(Vec::new()),
            Err(err) => Err(err),
        }
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
