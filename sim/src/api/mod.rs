//! The Kubernetes REST API over HTTP.
//!
//! The request path is an axum middleware chain:
//! `date → browser guard → request info → authorizer → dispatch`. The guard
//! (`browser_guard.rs`) refuses what a web page could have sent. [`RequestInfo`] is computed once
//! and stored as a request extension; the [`Authorizer`] step allows
//! everything today, and HTTPS, authentication, impersonation and RBAC slot
//! in as layers around it without touching the handlers.

mod body;
pub mod browser_guard;
mod date;
pub mod discovery;
mod encode;
mod eviction;
mod faults;
mod handlers;
mod logs;
pub mod open_watches;
pub mod openapi;
mod protobuf;
mod query;
pub mod request_info;
mod scale;
pub mod status;
mod watch;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

pub use open_watches::{OpenWatches, WatchedType};
pub use request_info::RequestInfo;
pub use status::ApiError;

use crate::store::Store;

/// Largest accepted request body, like kube-apiserver (3 MiB).
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// Decides whether a request may proceed (RBAC slots in here).
pub trait Authorizer: Send + Sync + 'static {
    /// `Ok` to allow; an error (e.g. 403 Forbidden) to refuse.
    fn authorize(&self, info: &RequestInfo) -> Result<(), ApiError>;
}

/// Allows every request (no authentication yet).
#[derive(Debug, Default, Clone, Copy)]
pub struct AllowAll;

impl Authorizer for AllowAll {
    fn authorize(&self, _info: &RequestInfo) -> Result<(), ApiError> {
        Ok(())
    }
}

/// What the handlers share.
#[derive(Clone)]
pub struct ApiState {
    pub store: Store,
    /// `host:port` clients reach the server at (reported by `/api`).
    pub server_address: String,
    pub authorizer: Arc<dyn Authorizer>,
    /// Flips to `true` on shutdown; long-running responses end then.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Fault injection, served under `/sim/v1` (see `api/faults.rs`).
    pub faults: crate::cluster::faults::Faults,
    /// Open watch streams per type (`GET /sim/v1/watches`).
    pub watches: OpenWatches,
    /// The `Host` names requests may carry (see `browser_guard.rs`).
    pub served_hosts: browser_guard::ServedHosts,
}

/// The API as an axum router (also usable as an in-process tower service).
pub fn router(state: ApiState) -> Router {
    Router::new()
        .fallback(handlers::dispatch)
        .layer(middleware::from_fn_with_state(state.clone(), authorize))
        .layer(middleware::from_fn(request_info))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            browser_guard::guard,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), date::date))
        .with_state(state)
}

async fn request_info(mut req: Request, next: Next) -> Response {
    let info = RequestInfo::parse(
        req.method(),
        req.uri().path(),
        req.uri().query().unwrap_or_default(),
    );
    req.extensions_mut().insert(info);
    next.run(req).await
}

async fn authorize(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    let info = req
        .extensions()
        .get::<RequestInfo>()
        .cloned()
        .unwrap_or_default();
    match state.authorizer.authorize(&info) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}
