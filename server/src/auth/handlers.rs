//! `POST /login` and `POST /logout`: plain form posts, so signing in works
//! without JavaScript. Both are audited, and fail closed: a sign-in whose
//! audit row cannot be written creates no session.

use app::i18n::Key;
use axum::Extension;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AuthSession;
use super::attempt::{Attempt, Refusal};
use super::client_address::ClientAddr;
use super::next_path::same_origin_path;
use super::pages::{bad_form, request_locale, server_error};
use super::sessions::LOGIN_AT_KEY;
use crate::accounts::{MAX_USERNAME_BYTES, User};
use crate::audit::{AuditEvent, Outcome};
use crate::state::AppState;

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub next: Option<String>,
}

/// Checks the credentials; on success records the sign-in, rotates the
/// session id and goes to the page the user asked for, otherwise back to
/// the form with an error that does not say which part was wrong.
pub async fn login(
    State(state): State<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    auth: AuthSession,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let locale = request_locale(&headers);
    let Form(form) = match form {
        Ok(form) => form,
        Err(rejection) => return bad_form(&rejection, locale),
    };
    let username = form.username.trim().to_owned();
    if username.len() > MAX_USERNAME_BYTES {
        // No account has such a name: refused before it costs a lookup, a
        // limiter entry or an audit row.
        return Redirect::to("/login?error=invalid").into_response();
    }
    let attempt = Attempt {
        action: "login",
        actor: "anonymous".into(),
        username,
        client,
    };
    let user = match attempt.check(&state, &auth.backend, form.password).await {
        Ok(user) => user,
        Err(Refusal::Unavailable) => return server_error(locale, Key::SignInUnavailable),
        Err(refusal) => {
            return Redirect::to(&format!("/login?error={}", refusal.code())).into_response();
        }
    };
    let event = attempt.event(Outcome::Success, "", Some(&user));
    if let Err(err) = state.audit.record(&event).await {
        tracing::error!(error = %err, "could not record a sign-in; refusing it");
        return server_error(locale, Key::SignInNotRecorded);
    }
    if let Err(err) = start_session(auth, &user).await {
        tracing::error!(error = %err, "could not start a session");
        return server_error(locale, Key::SignInUnavailable);
    }
    let next = form.next.as_deref().and_then(same_origin_path);
    Redirect::to(next.as_deref().unwrap_or("/")).into_response()
}

/// Rotates the session id, binds the session to `user` and notes when.
async fn start_session(mut auth: AuthSession, user: &User) -> Result<(), String> {
    // axum-login rotates the id only for an anonymous session; rotate on
    // every sign-in so no id known before it survives it.
    auth.session.cycle_id().await.map_err(|e| e.to_string())?;
    auth.login(user).await.map_err(|e| e.to_string())?;
    auth.session
        .insert(LOGIN_AT_KEY, chrono::Utc::now().timestamp())
        .await
        .map_err(|e| e.to_string())
}

/// Ends the session (its row is deleted, so the old cookie is worthless).
/// The session ends even when its audit row cannot be written, since
/// keeping it would be the unsafe way to fail; the user is told.
pub async fn logout(
    State(state): State<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    mut auth: AuthSession,
    headers: HeaderMap,
) -> Response {
    let recorded = match &auth.user {
        Some(user) => {
            let event = AuditEvent {
                actor: user.username.clone(),
                action: "logout".into(),
                target: format!("user/{}", user.username),
                outcome: Outcome::Success,
                client,
                detail: String::new(),
            };
            state.audit.record(&event).await
        }
        None => Ok(()),
    };
    if let Err(err) = auth.logout().await {
        tracing::warn!(error = %err, "logout could not delete the session");
    }
    let mut response = match recorded {
        Ok(()) => Redirect::to("/login?loggedout=1").into_response(),
        Err(err) => {
            tracing::error!(error = %err, "could not record a sign-out");
            server_error(request_locale(&headers), Key::SignOutNotRecorded)
        }
    };
    response.headers_mut().insert(
        "clear-site-data",
        header::HeaderValue::from_static("\"cache\""),
    );
    response
}
