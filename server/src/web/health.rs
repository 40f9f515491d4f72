//! Liveness and readiness, for probes and for the README's start script.

use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Migrations have run and the database answers.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if !state.is_ready() {
        return (StatusCode::SERVICE_UNAVAILABLE, "starting\n");
    }
    match sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&state.pool)
        .await
    {
        Ok(_) => (StatusCode::OK, "ready\n"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n"),
    }
}
