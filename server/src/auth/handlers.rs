//! `POST /login` and `POST /logout`: plain form posts, so signing in works
//! without JavaScript. Both are audited.

use std::net::SocketAddr;

use app::i18n::{Key, Locale};
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::sessions::LOGIN_AT_KEY;
use super::{AuthSession, Credentials};
use crate::audit::AuditEvent;
use crate::state::AppState;

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub next: Option<String>,
}

/// The client's address as the rate limiter and the audit log see it.
pub fn client_address(connect_info: Option<axum::Extension<ConnectInfo<SocketAddr>>>) -> String {
    connect_info
        .map(|axum::Extension(ConnectInfo(addr))| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Checks the credentials; on success rotates the session id and goes to
/// the page the user asked for, otherwise back to the form with an error
/// that does not say which part was wrong.
pub async fn login(
    State(state): State<AppState>,
    connect_info: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    mut auth: AuthSession,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let locale = Locale::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default(),
    );
    let Form(form) = match form {
        Ok(form) => form,
        Err(rejection) => return bad_form(&rejection, locale),
    };
    let client = client_address(connect_info);
    let username = form.username.trim().to_owned();
    let audit = |outcome: &str, detail: &str| AuditEvent {
        actor: if outcome == "success" {
            username.clone()
        } else {
            "anonymous".into()
        },
        action: "login".into(),
        target: format!("user/{}", sanitize(&username)),
        outcome: outcome.into(),
        client: client.clone(),
        detail: detail.into(),
    };

    if !state.login_limiter.allows(&client, &username) {
        record(&state, &audit("denied", "rate limited")).await;
        return Redirect::to("/login?error=rate").into_response();
    }

    let creds = Credentials {
        username: username.clone(),
        password: form.password,
    };
    let user = match auth.authenticate(creds).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            state.login_limiter.record_failure(&client, &username);
            record(&state, &audit("failure", "invalid credentials")).await;
            return Redirect::to("/login?error=invalid").into_response();
        }
        Err(err) => {
            tracing::error!(error = %err, "login check failed");
            return unavailable(locale);
        }
    };

    // axum-login rotates the id only for an anonymous session; rotate on
    // every sign-in so no id known before it survives it.
    if let Err(err) = auth.session.cycle_id().await {
        tracing::error!(error = %err, "could not rotate the session id");
        return unavailable(locale);
    }
    if let Err(err) = auth.login(&user).await {
        tracing::error!(error = %err, "could not start a session");
        return unavailable(locale);
    }
    let _ = auth
        .session
        .insert(LOGIN_AT_KEY, chrono::Utc::now().timestamp())
        .await;
    state.login_limiter.record_success(&username);
    record(&state, &audit("success", "")).await;
    let next = form
        .next
        .as_deref()
        .and_then(app::pages::login::safe_next)
        .unwrap_or_else(|| "/".into());
    Redirect::to(&next).into_response()
}

/// Ends the session (its row is deleted, so the old cookie is worthless).
pub async fn logout(
    State(state): State<AppState>,
    connect_info: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    mut auth: AuthSession,
) -> Response {
    let client = client_address(connect_info);
    match auth.logout().await {
        Ok(Some(user)) => {
            record(
                &state,
                &AuditEvent {
                    actor: user.username.clone(),
                    action: "logout".into(),
                    target: format!("user/{}", user.username),
                    outcome: "success".into(),
                    client,
                    detail: String::new(),
                },
            )
            .await;
        }
        Ok(None) => {}
        Err(err) => tracing::warn!(error = %err, "logout could not delete the session"),
    }
    let mut response = Redirect::to("/login?loggedout=1").into_response();
    response.headers_mut().insert(
        "clear-site-data",
        header::HeaderValue::from_static("\"cache\""),
    );
    response
}

async fn record(state: &AppState, event: &AuditEvent) {
    if let Err(err) = state.audit.record(event).await {
        tracing::error!(error = %err, action = %event.action, "could not write an audit event");
    }
}

/// A 400 page, in the user's language, saying what was wrong with the form.
fn bad_form(rejection: &FormRejection, locale: Locale) -> Response {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return (status, "request body too large\n").into_response();
    }
    message_page(
        StatusCode::BAD_REQUEST,
        locale,
        locale.t(Key::BadRequestTitle),
        locale.t(Key::LoginErrorBadRequest),
    )
}

/// A 500 page for a sign-in the server could not complete (database down).
fn unavailable(locale: Locale) -> Response {
    message_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        locale,
        locale.t(Key::AppName),
        locale.t(Key::SignInUnavailable),
    )
}

/// A minimal static page (no script, so the default CSP holds) with a link
/// back to the sign-in form. Every text is a translation, never user input.
fn message_page(status: StatusCode, locale: Locale, title: &str, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1><p>{message}</p><p><a href=\"/login\">{back}</a></p></body></html>",
        lang = locale.tag(),
        back = locale.t(Key::BackToSignIn),
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

/// Keeps user-typed names from forging log or audit lines.
fn sanitize(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(128).collect()
}
