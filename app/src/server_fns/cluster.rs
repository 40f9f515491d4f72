//! What the cluster pages ask of the server. Each function takes the
//! signed-in user from the request (never from its arguments) and calls
//! the gateway, whose one authorisation function decides what they see.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use gateway::detail::ObjectDetail;
use gateway::kind::KindInfo;
use gateway::overview::Overview;
use gateway::query::SyncState;
use gateway::row::{Column, Row};
use gateway::status::ClusterSummary;

/// A page of a kind's list, as the list page renders it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListView {
    pub kind: KindInfo,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub sync: SyncState,
    /// The cluster's clock, Unix milliseconds, for ages.
    pub now_ms: i64,
    /// Namespaces to choose from (those the user may see).
    pub namespaces: Vec<String>,
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use super::*;
    use gateway::{GatewayError, Subject};

    /// The gateway and the subject of this request.
    pub async fn context() -> Result<(std::sync::Arc<gateway::Gateway>, Subject), ServerFnError> {
        let user = crate::ssr::require_user().await?;
        let services = crate::ssr::services()?;
        Ok((
            services.gateway.clone(),
            Subject {
                user_id: user.id,
                username: user.username,
            },
        ))
    }

    /// A gateway error as the page shows it.
    pub fn fail(err: GatewayError) -> ServerFnError {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(
                http::StatusCode::from_u16(err.status_code())
                    .unwrap_or(http::StatusCode::BAD_GATEWAY),
            );
        }
        ServerFnError::new(err.to_string())
    }
}

/// Every cluster the user may see, with its state.
#[server(prefix = "/api", endpoint = "cluster/list")]
pub async fn list_clusters() -> Result<Vec<ClusterSummary>, ServerFnError> {
    let (gateway, subject) = server::context().await?;
    Ok(gateway.clusters(&subject))
}

/// The Overview of a cluster.
#[server(prefix = "/api", endpoint = "cluster/overview")]
pub async fn cluster_overview(cluster: String) -> Result<Overview, ServerFnError> {
    let (gateway, subject) = server::context().await?;
    gateway
        .overview(&subject, &cluster)
        .await
        .map_err(server::fail)
}

/// The kinds of a cluster the user may list.
#[server(prefix = "/api", endpoint = "cluster/kinds")]
pub async fn cluster_kinds(cluster: String) -> Result<Vec<KindInfo>, ServerFnError> {
    let (gateway, subject) = server::context().await?;
    gateway.kinds(&subject, &cluster).map_err(server::fail)
}

/// A page of a kind's rows.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "cluster/rows")]
pub async fn list_rows(
    cluster: String,
    kind: String,
    namespace: String,
    filter: String,
    selector: String,
    sort: String,
    offset: usize,
    limit: usize,
) -> Result<ListView, ServerFnError> {
    use gateway::query::{ListQuery, Sort};
    let (gateway, subject) = server::context().await?;
    let query = ListQuery {
        namespace: (!namespace.is_empty()).then_some(namespace),
        filter,
        selector,
        sort: Sort::parse(&sort),
        offset,
        limit,
    };
    let list = gateway
        .list(&subject, &cluster, &kind, &query)
        .await
        .map_err(server::fail)?;
    let handle = gateway.cluster(&subject, &cluster).map_err(server::fail)?;
    let namespaces = gateway
        .all_rows(&subject, &cluster, "namespaces", None)
        .await
        .map(|rows| rows.iter().map(|r| r.name.clone()).collect())
        .unwrap_or_default();
    Ok(ListView {
        limit: query.page_size(),
        kind: list.kind,
        columns: list.columns,
        rows: list.page.rows.iter().map(|r| (**r).clone()).collect(),
        total: list.page.total,
        offset: list.page.offset,
        sync: list.page.sync,
        now_ms: handle.now_ms(),
        namespaces,
    })
}

/// One object with its events and related objects.
#[server(prefix = "/api", endpoint = "cluster/object")]
pub async fn get_object_detail(
    cluster: String,
    kind: String,
    namespace: String,
    name: String,
) -> Result<ObjectDetail, ServerFnError> {
    let (gateway, subject) = server::context().await?;
    let namespace = (namespace != "-" && !namespace.is_empty()).then_some(namespace);
    gateway
        .detail(&subject, &cluster, &kind, namespace.as_deref(), &name)
        .await
        .map_err(server::fail)
}

/// The namespaces of a cluster the user may see (for namespace choices).
#[server(prefix = "/api", endpoint = "cluster/namespaces")]
pub async fn cluster_namespaces(cluster: String) -> Result<Vec<String>, ServerFnError> {
    let (gateway, subject) = server::context().await?;
    let rows = gateway
        .all_rows(&subject, &cluster, "namespaces", None)
        .await
        .map_err(server::fail)?;
    Ok(rows.iter().map(|r| r.name.clone()).collect())
}
