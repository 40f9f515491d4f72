//! `GET /metrics`: the gateway's watches and caches in the Prometheus text
//! format, for operators. Behind sign-in like every other path.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::state::AppState;

/// The metrics page.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        gateway::metrics::render(&state.gateway),
    )
}
