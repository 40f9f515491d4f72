//! What every handler shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;

use crate::accounts::UserStore;
use crate::audit::AuditLog;
use crate::auth::rate_limit::LoginLimiter;
use crate::auth::verifier::Verifier;
use crate::config::ServeConfig;

/// Shared state of the web server.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<ServeConfig>,
    pub pool: SqlitePool,
    pub users: UserStore,
    pub audit: AuditLog,
    pub login_limiter: Arc<LoginLimiter>,
    /// Clusters, their shared watches and the one authorisation function.
    pub gateway: Arc<gateway::Gateway>,
    /// The session rows, for live streams to check their session still lives.
    pub session_store: tower_sessions_sqlx_store::SqliteStore,
    /// Runs password checks, a few at a time.
    pub verifier: Arc<Verifier>,
    /// Set once migrations have run; `/readyz` reports it.
    pub ready: Arc<AtomicBool>,
}

impl AppState {
    /// Whether the server may take traffic.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Marks the server ready.
    pub fn mark_ready(&self) {
        self.ready.store(true, Ordering::Release);
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
