//! The HTTP router: the Leptos app and its server functions, the login
//! handlers, health checks, and the middleware every request goes through.

mod api;
mod diagrams;
mod health;
mod metrics;
mod security_headers;
mod settings;
mod stream;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Request, StatusCode};
use axum::routing::{get, post};
use axum_login::AuthManagerLayerBuilder;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions_sqlx_store::SqliteStore;

use app::ssr::AppServices;
use app::{App, shell};

use crate::auth::client_address::{self, TrustedProxies};
use crate::auth::{Backend, guard, handlers, password_change, sessions};
use crate::state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the whole application. `session_store` must have been migrated
/// (see [`sessions::store`]).
pub fn router(state: AppState, session_store: SqliteStore) -> Router {
    let config = state.config.clone();
    let leptos_options = state.leptos_options.clone();
    let routes = generate_route_list(App);
    let services = AppServices {
        settings: Arc::new(settings::StoredSettings::new(state.users.clone())),
        gateway: state.gateway.clone(),
        plantuml_server: config.plantuml_server.clone(),
    };

    let session_layer = sessions::layer(session_store, config.https(), config.session_idle_minutes);
    let backend = Backend::new(state.users.clone(), state.verifier.clone());
    let auth_layer = AuthManagerLayerBuilder::new(backend, session_layer).build();
    let trusted_proxies: TrustedProxies = config.trusted_proxies.clone().into();

    let app = Router::new()
        .route("/login", post(handlers::login))
        .route("/logout", post(handlers::logout))
        .merge(api::routes())
        .merge(diagrams::routes())
        .route(app::live::protocol::STREAM_PATH, get(stream::open))
        .route("/metrics", get(metrics::metrics))
        .route(
            password_change::PATH,
            post(password_change::change_password),
        )
        .leptos_routes_with_context(&state, routes, move || provide_context(services.clone()), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::session_guard,
        ))
        .layer(auth_layer)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            trusted_proxies,
            client_address::resolve_client,
        ));

    let request_span = |request: &Request<_>| {
        let id = request
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
    };

    // Layers listed first are outermost: the request id exists before the
    // trace span opens, and limits apply before anything reads the body.
    // The security headers go on last, around everything, so that refusals
    // from the outer layers (CSRF, size, timeout) carry them too.
    let app = app.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(request_span))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(CompressionLayer::new())
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                Duration::from_secs(config.request_timeout_secs),
            ))
            .layer(CsrfLayer::new())
            .layer(RequestBodyLimitLayer::new(config.max_body_bytes)),
    );
    security_headers::apply(app, config.https())
}
