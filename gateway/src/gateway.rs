//! The gateway's front door. Every method takes the [`Subject`] asking and
//! asks [`authorize`] before it reads a cache or calls a cluster; rows are
//! filtered per namespace by the same function. Pages, the JSON API and
//! live streams all come through here, so none of them can bypass it.

use std::sync::Arc;
use std::time::Duration;

use kube::api::{Api, DynamicObject};

use crate::authz::{Action, Subject, Verb, authorize};
use crate::cache::{NamespaceMemo, RowCache};
use crate::cluster::{Cluster, ClusterSpec};
use crate::detail::ObjectView;
use crate::error::GatewayError;
use crate::kind::KindInfo;
use crate::live::LiveList;
use crate::object;
use crate::query::{ListPage, ListQuery};
use crate::row::{Column, Row};
use crate::rows;
use crate::selector::LabelSelector;
use crate::shared_pages::PageKey;
use crate::status::ClusterSummary;
use crate::watch::{KindWatch, one_line};

/// Tuning of the gateway.
#[derive(Debug, Clone)]
pub struct GatewayOptions {
    /// A watch nobody has looked at for this long is stopped (pinned kinds
    /// excepted).
    pub idle_timeout: Duration,
    /// How long a list waits for a new watch's first list before answering
    /// with the rows so far, marked as syncing.
    pub first_sync_wait: Duration,
}

impl Default for GatewayOptions {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(120),
            first_sync_wait: Duration::from_secs(5),
        }
    }
}

/// A list answer: the kind, its columns and a page of rows.
#[derive(Debug, Clone)]
pub struct KindList {
    pub kind: KindInfo,
    pub columns: Vec<Column>,
    pub page: ListPage,
}

/// Clusters and their shared watches.
pub struct Gateway {
    clusters: Vec<Arc<Cluster>>,
    options: GatewayOptions,
}

impl Gateway {
    /// Starts connecting to every cluster of `specs` (in the background).
    pub fn start(specs: Vec<ClusterSpec>, options: GatewayOptions) -> Arc<Self> {
        let clusters: Vec<Arc<Cluster>> = specs
            .into_iter()
            .map(|spec| Cluster::new(spec, options.idle_timeout))
            .collect();
        for cluster in &clusters {
            tokio::spawn(cluster.clone().supervise());
        }
        Arc::new(Self { clusters, options })
    }

    /// The clusters `subject` may see, in configuration order.
    pub fn clusters(&self, subject: &Subject) -> Vec<ClusterSummary> {
        self.clusters
            .iter()
            .filter(|c| authorize(subject, &view(c.name())).allowed())
            .map(|c| c.summary())
            .collect()
    }

    /// Signals every change of state of the clusters `subject` may see
    /// (what the cluster picker shows).
    pub fn cluster_signals(&self, subject: &Subject) -> crate::signals::Signals {
        crate::signals::Signals::new(
            self.clusters
                .iter()
                .filter(|c| authorize(subject, &view(c.name())).allowed())
                .map(|c| c.subscribe())
                .collect(),
        )
    }

    /// One cluster, if `subject` may see it.
    pub fn cluster(&self, subject: &Subject, name: &str) -> Result<Arc<Cluster>, GatewayError> {
        let cluster = self
            .clusters
            .iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| GatewayError::UnknownCluster(name.to_owned()))?;
        // An invisible cluster is reported as unknown, so names do not leak.
        match authorize(subject, &view(name)) {
            crate::authz::Decision::Allow => Ok(cluster.clone()),
            crate::authz::Decision::Deny(_) => Err(GatewayError::UnknownCluster(name.to_owned())),
        }
    }

    /// The kinds of `cluster` that `subject` may list.
    pub fn kinds(&self, subject: &Subject, cluster: &str) -> Result<Vec<KindInfo>, GatewayError> {
        let cluster = self.cluster(subject, cluster)?;
        Ok(cluster
            .discovered()
            .kinds
            .into_iter()
            .filter(|k| k.verbs.iter().any(|v| v == "list"))
            .filter(|k| authorize(subject, &list_action(cluster.name(), k, None)).allowed())
            .collect())
    }

    /// A page of `kind_slug` rows in `cluster`, answered from the shared cache.
    pub async fn list(
        &self,
        subject: &Subject,
        cluster: &str,
        kind_slug: &str,
        query: &ListQuery,
    ) -> Result<KindList, GatewayError> {
        let (cluster, watch, selector) = self.listable(subject, cluster, kind_slug, query).await?;
        if watch.sync_state() != crate::query::SyncState::Synced {
            watch.synced(self.options.first_sync_wait).await;
        }
        let page = page(subject, &cluster, &watch, query, &selector);
        let kind = watch.info.clone();
        Ok(KindList {
            columns: rows::columns(&kind),
            kind,
            page,
        })
    }

    /// A live page of `kind_slug` rows: the first page, then row diffs.
    pub async fn live(
        &self,
        subject: &Subject,
        cluster: &str,
        kind_slug: &str,
        query: ListQuery,
    ) -> Result<LiveList, GatewayError> {
        let (cluster, watch, selector) = self.listable(subject, cluster, kind_slug, &query).await?;
        Ok(LiveList::new(
            subject.clone(),
            cluster,
            watch,
            query,
            selector,
        ))
    }

    /// The whole object, fetched from the cluster.
    pub async fn object(
        &self,
        subject: &Subject,
        cluster: &str,
        kind_slug: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<ObjectView, GatewayError> {
        let (cluster, kind) = self.resolve(subject, cluster, kind_slug).await?;
        let namespace = if kind.namespaced { namespace } else { None };
        let get = Action {
            verb: Verb::Get,
            cluster: cluster.name(),
            kind: Some(&kind.key),
            namespace,
        };
        check(subject, &get)?;
        let client = cluster.client().ok_or_else(|| unavailable(&cluster))?;
        let resource = crate::discovery::api_resource(&kind);
        let api: Api<DynamicObject> = match namespace {
            Some(ns) => Api::namespaced_with(client, ns, &resource),
            None => Api::all_with(client, &resource),
        };
        let found = api
            .get_opt(name)
            .await
            .map_err(|e| GatewayError::Cluster(one_line(&e)))?;
        let found = found.ok_or_else(|| GatewayError::NotFound {
            kind: kind.kind.clone(),
            name: name.to_owned(),
        })?;
        let value =
            serde_json::to_value(&found).map_err(|e| GatewayError::Cluster(e.to_string()))?;
        let row = rows::project(&kind, &value);
        let reveal = authorize(
            subject,
            &Action {
                verb: Verb::ReadSecretValues,
                ..get
            },
        )
        .allowed();
        let shown = object::sanitize(&kind, value, reveal);
        Ok(ObjectView {
            yaml: object::to_yaml(&shown),
            object: shown,
            row: Some(row),
            columns: rows::columns(&kind),
            kind,
        })
    }

    /// The rows of `kind_slug` for related-object lookups: every row
    /// `subject` may see (no paging), from the shared cache.
    pub async fn all_rows(
        &self,
        subject: &Subject,
        cluster: &str,
        kind_slug: &str,
        namespace: Option<&str>,
    ) -> Result<Vec<Arc<Row>>, GatewayError> {
        self.read_rows(subject, cluster, kind_slug, namespace, |cache, visible| {
            let mut allowed = NamespaceMemo::default();
            cache
                .rows_in(namespace)
                .filter(|r| allowed.check(r.namespace.as_deref(), visible))
                .cloned()
                .collect()
        })
        .await
    }

    /// Reads the shared cache of `kind_slug` once `subject` may list it
    /// (in `namespace`, or anywhere): `read` gets the cache, under its read
    /// lock, and the subject's authorisation per namespace, which it must
    /// ask of every row it hands on.
    pub(crate) async fn read_rows<T>(
        &self,
        subject: &Subject,
        cluster: &str,
        kind_slug: &str,
        namespace: Option<&str>,
        read: impl FnOnce(&RowCache, &mut dyn FnMut(Option<&str>) -> bool) -> T,
    ) -> Result<T, GatewayError> {
        let (cluster, kind) = self.resolve(subject, cluster, kind_slug).await?;
        check(subject, &list_action(cluster.name(), &kind, namespace))?;
        let watch = self.watch_of(&cluster, &kind)?;
        if watch.sync_state() != crate::query::SyncState::Synced {
            watch.synced(self.options.first_sync_wait).await;
        }
        let mut visible = |ns: Option<&str>| {
            authorize(subject, &list_action(cluster.name(), &kind, ns)).allowed()
        };
        Ok(watch.read(|cache| read(cache, &mut visible)))
    }

    /// Every cluster, for `/metrics` (operators, not users: no subject).
    pub fn all_clusters(&self) -> &[Arc<Cluster>] {
        &self.clusters
    }

    /// The shared watch behind a list query, once `subject` may list the
    /// kind in the query's namespace and the selector parses.
    async fn listable(
        &self,
        subject: &Subject,
        cluster: &str,
        kind_slug: &str,
        query: &ListQuery,
    ) -> Result<(Arc<Cluster>, Arc<KindWatch>, LabelSelector), GatewayError> {
        let (cluster, kind) = self.resolve(subject, cluster, kind_slug).await?;
        let selector = parse_selector(&query.selector)?;
        let namespace = query.namespace.as_deref();
        check(subject, &list_action(cluster.name(), &kind, namespace))?;
        let watch = self.watch_of(&cluster, &kind)?;
        Ok((cluster, watch, selector))
    }

    /// The kind a URL segment names in `cluster`, if `subject` may see the
    /// cluster. Rediscovers once when the kind is unknown (a CRD just
    /// created).
    async fn resolve(
        &self,
        subject: &Subject,
        cluster: &str,
        kind_slug: &str,
    ) -> Result<(Arc<Cluster>, KindInfo), GatewayError> {
        let cluster = self.cluster(subject, cluster)?;
        if let Some(kind) = cluster.discovered().by_slug(kind_slug) {
            return Ok((cluster.clone(), kind.clone()));
        }
        if cluster.client().is_none() || cluster.discovered().kinds.is_empty() {
            return Err(unavailable(&cluster));
        }
        cluster.request_discovery();
        let mut changes = cluster.subscribe();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
        loop {
            if let Some(kind) = cluster.discovered().by_slug(kind_slug) {
                return Ok((cluster.clone(), kind.clone()));
            }
            let wait = tokio::time::timeout_at(deadline, changes.changed());
            if wait.await.is_err() {
                return Err(GatewayError::UnknownKind {
                    cluster: cluster.name().to_owned(),
                    kind: kind_slug.chars().take(100).collect(),
                });
            }
        }
    }

    fn watch_of(&self, cluster: &Cluster, kind: &KindInfo) -> Result<Arc<KindWatch>, GatewayError> {
        if !kind.is_watchable() {
            return Err(GatewayError::BadRequest(format!(
                "{} cannot be listed and watched",
                kind.key.slug()
            )));
        }
        cluster.watch(kind).ok_or_else(|| unavailable(cluster))
    }
}

/// Answers `query` from `watch`'s cache with the rows `subject` may see.
pub(crate) fn page(
    subject: &Subject,
    cluster: &Cluster,
    watch: &KindWatch,
    query: &ListQuery,
    selector: &LabelSelector,
) -> ListPage {
    let kind = &watch.info;
    let visible =
        |ns: Option<&str>| authorize(subject, &list_action(cluster.name(), kind, ns)).allowed();
    let sync = watch.sync_state();
    watch.read(|cache| {
        // What this subject may not see, asked of the one authorisation
        // function for every namespace the cache holds: the page is a
        // function of it, so subjects with the same answer share the page.
        let hidden: Vec<String> = cache
            .namespace_counts()
            .keys()
            .filter(|ns| !visible((!ns.is_empty()).then_some(ns.as_str())))
            .cloned()
            .collect();
        let key = PageKey {
            query: query.clone(),
            sync: sync.clone(),
            hidden,
        };
        watch.pages().get(key.clone(), cache.generation(), || {
            let mut visible = |ns: Option<&str>| !key.hidden.iter().any(|h| h == ns.unwrap_or(""));
            cache.query(query, selector, sync, &mut visible)
        })
    })
}

fn view(cluster: &str) -> Action<'_> {
    Action {
        verb: Verb::View,
        cluster,
        kind: None,
        namespace: None,
    }
}

pub(crate) fn list_action<'a>(
    cluster: &'a str,
    kind: &'a KindInfo,
    namespace: Option<&'a str>,
) -> Action<'a> {
    Action {
        verb: Verb::List,
        cluster,
        kind: Some(&kind.key),
        namespace,
    }
}

fn check(subject: &Subject, action: &Action<'_>) -> Result<(), GatewayError> {
    match authorize(subject, action) {
        crate::authz::Decision::Allow => Ok(()),
        crate::authz::Decision::Deny(reason) => Err(GatewayError::Forbidden(reason)),
    }
}

fn parse_selector(text: &str) -> Result<LabelSelector, GatewayError> {
    LabelSelector::parse(text).map_err(|e| GatewayError::BadRequest(e.to_string()))
}

pub(crate) fn unavailable(cluster: &Cluster) -> GatewayError {
    GatewayError::Unavailable {
        cluster: cluster.name().to_owned(),
        error: cluster
            .state()
            .error()
            .unwrap_or("not connected yet")
            .to_owned(),
    }
}
