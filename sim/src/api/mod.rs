//! The Kubernetes REST API over HTTP.
//!
//! The request path is an axum middleware chain:
//! `date → browser guard → request info → authentication → impersonation →
//! authorization → dispatch`. The guard (`browser_guard.rs`) refuses what a web page could
//! have sent. [`RequestInfo`] is computed once and stored as a request
//! extension, and so is the [`UserInfo`](crate::auth::UserInfo) that
//! authentication finds (`authorize.rs`); the [`Authorizer`] decides, so
//! impersonation and RBAC slot in there without touching the handlers.

mod attach;
mod authorize;
mod body;
pub mod browser_guard;
mod channel_stream;
mod date;
pub mod discovery;
mod encode;
mod eviction;
mod exec;
mod faults;
mod handlers;
mod impersonate;
mod logs;
pub mod open_watches;
pub mod openapi;
mod pod_http;
mod portforward;
mod protobuf;
mod query;
pub mod request_info;
mod reviews;
mod scale;
mod spdy;
pub mod status;
mod token_request;
mod watch;

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;

pub use authorize::forbidden;
pub use open_watches::{OpenWatches, WatchedType};
pub use request_info::RequestInfo;
pub use status::ApiError;

use crate::auth::service_account_token::TokenSigner;
use crate::auth::{Authenticator, Authorizer};
use crate::store::Store;

/// Largest accepted request body, like kube-apiserver (3 MiB).
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// What the handlers share.
#[derive(Clone)]
pub struct ApiState {
    pub store: Store,
    /// `host:port` clients reach the server at (reported by `/api`).
    pub server_address: String,
    /// Who a request is made as (client certificate, token, anonymous).
    pub authenticator: Authenticator,
    pub authorizer: Arc<dyn Authorizer>,
    /// Signs the service account tokens `serviceaccounts/token` issues
    /// (the authenticator holds the same key to accept them).
    pub token_signer: TokenSigner,
    /// Flips to `true` on shutdown; long-running responses end then.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Fault injection, served under `/sim/v1` (see `api/faults.rs`).
    pub faults: crate::faults::Faults,
    /// Open watch streams per type (`GET /sim/v1/watches`).
    pub watches: OpenWatches,
    /// The `Host` names requests may carry (see `browser_guard.rs`).
    pub served_hosts: browser_guard::ServedHosts,
    /// The simulated files of pods someone exec'ed into (`crate::shell`).
    pub pod_files: crate::shell::PodFileSystems,
}

/// The API as an axum router (also usable as an in-process tower service).
pub fn router(state: ApiState) -> Router {
    Router::new()
        .fallback(handlers::dispatch)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            authorize::authorize,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            impersonate::impersonate,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            authorize::authenticate,
        ))
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
