//! The gate every request passes: resolves the session to a user, ends
//! sessions past their absolute lifetime, tells the UI who is looking
//! ([`SessionInfo`]), and refuses private pages and server functions to
//! anyone not signed in.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use app::i18n::Locale;
use app::session::{SessionInfo, Theme, UserView};
use app::ssr::AuthenticatedUser;

use super::AuthSession;
use super::client_address::ClientAddr;
use super::session_expiry;
use super::sessions::LOGIN_AT_KEY;
use crate::state::AppState;

/// Paths anyone may request.
fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/healthz" | "/readyz" | "/favicon.ico") || path.starts_with("/pkg/")
}

/// Server functions and the JSON API live under `/api/`, and `/metrics` is
/// read by programs: they get status codes, not redirects.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/metrics"
}

/// The middleware; see the module documentation.
pub async fn session_guard(
    State(state): State<AppState>,
    mut auth: AuthSession,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let client = request
        .extensions()
        .get::<ClientAddr>()
        .map(|ClientAddr(c)| c.clone())
        .unwrap_or_default();

    if let Some(user) = auth.user.clone() {
        let login_at: Option<i64> = auth.session.get(LOGIN_AT_KEY).await.ok().flatten();
        let max_age = state.config.session_max_hours * 3600;
        let expired = login_at.is_none_or(|t| chrono::Utc::now().timestamp() - t >= max_age);
        if expired {
            let _ = auth.logout().await;
            record_expiry(&state, &user.username, &client).await;
            return refuse(&path, "expired");
        }
    }

    let info = session_info(auth.user.as_ref(), request.headers());
    request.extensions_mut().insert(info);
    match auth.user {
        Some(user) => {
            request.extensions_mut().insert(AuthenticatedUser {
                id: user.id,
                username: user.username,
                client,
            });
            next.run(request).await
        }
        None if is_public(&path) => next.run(request).await,
        None => refuse(&path, ""),
    }
}

/// Records that a session reached its absolute lifetime. The session is
/// already over, so a failed write is only logged.
async fn record_expiry(state: &AppState, username: &str, client: &str) {
    tracing::info!(user = %username, "session reached its absolute lifetime");
    let event = session_expiry::expired_event(username, client, "absolute lifetime reached");
    if let Err(err) = state.audit.record(&event).await {
        tracing::error!(error = %err, "could not record a session's expiry");
    }
}

/// Builds what the UI may know: the user's name and preferences, falling
/// back to the browser's language.
fn session_info(user: Option<&crate::accounts::User>, headers: &HeaderMap) -> SessionInfo {
    let browser_locale = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::negotiate)
        .unwrap_or_default();
    SessionInfo {
        user: user.map(|u| UserView {
            username: u.username.clone(),
        }),
        locale: user
            .and_then(|u| u.locale.as_deref())
            .and_then(Locale::from_tag)
            .unwrap_or(browser_locale),
        theme: user
            .and_then(|u| u.theme.as_deref())
            .and_then(Theme::from_str_opt)
            .unwrap_or_default(),
    }
}

/// Pages redirect to the login form (remembering where the user wanted to
/// go); server functions and other API calls get 401.
fn refuse(path: &str, reason: &str) -> Response {
    if is_api(path) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::CACHE_CONTROL, "no-store")],
            "not signed in\n",
        )
            .into_response();
    }
    let mut target = String::from("/login");
    let mut params = Vec::new();
    if reason == "expired" {
        params.push("error=expired".to_owned());
    }
    if path != "/" {
        params.push(format!("next={}", urlencode(path)));
    }
    if !params.is_empty() {
        target.push('?');
        target.push_str(&params.join("&"));
    }
    Redirect::to(&target).into_response()
}

/// Percent-encodes a path for use as a query value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_paths_are_few() {
        assert!(is_public("/login"));
        assert!(is_public("/pkg/pilothouse.wasm"));
        assert!(!is_public("/"));
        assert!(!is_public("/api/preferences/locale"));
        assert!(!is_public("/loginx"));
    }

    #[test]
    fn pages_redirect_and_api_calls_get_401() {
        let page = refuse("/workloads", "");
        assert_eq!(page.status(), StatusCode::SEE_OTHER);
        assert_eq!(page.headers()[header::LOCATION], "/login?next=/workloads");
        assert_eq!(
            refuse("/api/preferences/locale", "").status(),
            StatusCode::UNAUTHORIZED
        );
    }
}
