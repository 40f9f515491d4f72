//! The JSON API under `/api/v1`: what the pages show, for scripts and
//! tests, with the same sign-in (the session guard) and the same
//! authorisation (the gateway's one function). Errors are Kubernetes-style
//! Status objects, never HTML.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};

use app::ssr::AuthenticatedUser;
use gateway::query::{ListQuery, Sort, SyncState};
use gateway::row::{Column, Row};
use gateway::{GatewayError, Subject};

use crate::state::AppState;

/// The routes of the JSON API (mounted inside the session guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/clusters", get(clusters))
        .route("/api/v1/clusters/{cluster}/kinds", get(kinds))
        .route("/api/v1/clusters/{cluster}/overview", get(overview))
        .route("/api/v1/clusters/{cluster}/resources/{kind}", get(list))
        .route(
            "/api/v1/clusters/{cluster}/resources/{kind}/{namespace}/{name}",
            get(object),
        )
}

/// The subject of a request, from the session the guard resolved.
pub fn subject(user: &AuthenticatedUser) -> Subject {
    Subject {
        user_id: user.id,
        username: user.username.clone(),
    }
}

/// The list parameters, as in the pages' URLs.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    pub namespace: Option<String>,
    #[serde(default)]
    pub filter: String,
    #[serde(default)]
    pub selector: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub offset: usize,
    #[serde(default)]
    pub limit: usize,
}

impl ListParams {
    /// The gateway query these parameters ask for.
    pub fn query(&self) -> ListQuery {
        ListQuery {
            namespace: self.namespace.clone().filter(|n| !n.is_empty()),
            filter: self.filter.clone(),
            selector: self.selector.clone(),
            sort: Sort::parse(&self.sort),
            offset: self.offset,
            limit: self.limit,
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize)]
struct ListResponse {
    kind: String,
    columns: Vec<Column>,
    rows: Vec<Row>,
    total: usize,
    offset: usize,
    sync: SyncState,
}

async fn clusters(
    State(state): State<AppState>,
    Extension(user): Extension<AuthenticatedUser>,
) -> Response {
    Json(state.gateway.clusters(&subject(&user))).into_response()
}

async fn kinds(
    State(state): State<AppState>,
    Extension(user): Extension<AuthenticatedUser>,
    Path(cluster): Path<String>,
) -> Response {
    respond(state.gateway.kinds(&subject(&user), &cluster))
}

async fn overview(
    State(state): State<AppState>,
    Extension(user): Extension<AuthenticatedUser>,
    Path(cluster): Path<String>,
) -> Response {
    respond(state.gateway.overview(&subject(&user), &cluster).await)
}

async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<AuthenticatedUser>,
    Path((cluster, kind)): Path<(String, String)>,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return status(&GatewayError::BadRequest(
            "malformed list parameters".into(),
        ));
    };
    let listed = state
        .gateway
        .list(&subject(&user), &cluster, &kind, &params.query())
        .await;
    respond(listed.map(|list| ListResponse {
        kind: list.kind.key.slug(),
        columns: list.columns,
        rows: list.page.rows.iter().map(|r| (**r).clone()).collect(),
        total: list.page.total,
        offset: list.page.offset,
        sync: list.page.sync,
    }))
}

async fn object(
    State(state): State<AppState>,
    Extension(user): Extension<AuthenticatedUser>,
    Path((cluster, kind, namespace, name)): Path<(String, String, String, String)>,
) -> Response {
    // `-` stands for "no namespace" (cluster-scoped objects).
    let namespace = (namespace != "-").then_some(namespace.as_str());
    respond(
        state
            .gateway
            .object(&subject(&user), &cluster, &kind, namespace, &name)
            .await,
    )
}

fn respond<T: Serialize>(result: Result<T, GatewayError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(err) => status(&err),
    }
}

/// A Kubernetes `Status` object for `err`.
pub fn status(err: &GatewayError) -> Response {
    let code = err.status_code();
    let body = serde_json::json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": err.to_string(),
        "reason": err.reason(),
        "code": code,
    });
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(body)).into_response()
}
