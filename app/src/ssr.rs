//! Server-only glue between the UI and the `pilothouse` server: the services
//! the server provides to server functions, and the response headers every
//! page needs.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;

use crate::i18n::Locale;
use crate::session::{SessionInfo, Theme};

/// The signed-in user, put into the request's extensions by the server's
/// authentication guard. Server functions take it from there; it is never
/// sent to the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedUser {
    pub id: i64,
    pub username: String,
    /// The client's address, as the server resolved it, for audit rows.
    pub client: String,
}

/// A boxed future, so that [`UserSettings`] can be a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a user's UI preferences are stored (and audited). Implemented by the
/// server over SQLite and provided to server functions through context.
pub trait UserSettings: Send + Sync + 'static {
    /// Remembers the user's language.
    fn save_locale<'a>(
        &'a self,
        user: &'a AuthenticatedUser,
        locale: Locale,
    ) -> BoxFuture<'a, Result<(), String>>;
    /// Remembers the user's theme.
    fn save_theme<'a>(
        &'a self,
        user: &'a AuthenticatedUser,
        theme: Theme,
    ) -> BoxFuture<'a, Result<(), String>>;
}

/// The services the server provides to every page render and server function.
#[derive(Clone)]
pub struct AppServices {
    pub settings: Arc<dyn UserSettings>,
    /// Clusters, their caches and the one authorisation function.
    pub gateway: Arc<gateway::Gateway>,
    /// The PlantUML server diagrams link to, when one is configured.
    pub plantuml_server: Option<String>,
}

/// The user of the current request, or an error when there is none. Server
/// functions call this first: the server's guard already refused requests
/// without a session, and this keeps each function safe on its own.
pub async fn require_user() -> Result<AuthenticatedUser, ServerFnError> {
    leptos_axum::extract::<axum::Extension<AuthenticatedUser>>()
        .await
        .map(|axum::Extension(user)| user)
        .map_err(|_| ServerFnError::new("not signed in"))
}

/// The services provided by the server.
pub fn services() -> Result<AppServices, ServerFnError> {
    use_context::<AppServices>().ok_or_else(|| ServerFnError::new("server services are missing"))
}

/// Sets the headers every page carries (the Content-Security-Policy with this
/// render's nonce, no caching of private pages) and returns the `lang` of the
/// document.
pub fn set_document_headers() -> &'static str {
    use http::{HeaderValue, header};
    let response = expect_context::<leptos_axum::ResponseOptions>();
    if let Some(nonce) = leptos::nonce::use_nonce() {
        let policy = content_security_policy(&nonce.to_string());
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let session = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SessionInfo>().cloned())
        .unwrap_or_default();
    session.locale.tag()
}

/// The policy for pages: scripts only from this origin or with this render's
/// nonce (the hydration loader), WebAssembly compilation allowed, no framing.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}
