//! `POST /account/password`: a signed-in user changes their own password.
//!
//! The current password is required (a session left open on a shared
//! machine must not be enough), and its check is counted and bounded like a
//! sign-in. The new hash and its audit row are written together. Every
//! other session of the user ends by itself: axum-login binds a session to
//! the password hash it was opened with, so only this one, re-bound here,
//! survives.

use app::i18n::Key;
use axum::Extension;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AuthSession;
use super::attempt::{Attempt, Refusal};
use super::client_address::ClientAddr;
use super::pages::{request_locale, server_error};
use crate::audit::Outcome;
use crate::state::AppState;

/// Where the form lives, and where the handler sends the user back.
pub const PATH: &str = "/account/password";

/// Shortest and longest new passwords accepted, in characters and bytes.
const MIN_CHARS: usize = 12;
const MAX_BYTES: usize = 1024;

/// The form's fields.
#[derive(Deserialize)]
pub struct PasswordForm {
    pub current_password: String,
    pub new_password: String,
    pub confirm_password: String,
}

/// Checks the current password and stores the new one; back to the form
/// with `?done=1` or `?error=<code>`.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    mut auth: AuthSession,
    headers: HeaderMap,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Response {
    let locale = request_locale(&headers);
    let Some(user) = auth.user.clone() else {
        return Redirect::to("/login").into_response();
    };
    let Ok(Form(form)) = form else {
        return back("bad");
    };
    if let Some(problem) = new_password_problem(&form) {
        return back(problem);
    }
    let attempt = Attempt {
        action: "password.change",
        actor: user.username.clone(),
        username: user.username.clone(),
        client,
    };
    match attempt
        .check(&state, &auth.backend, form.current_password)
        .await
    {
        Ok(_) => {}
        Err(Refusal::Invalid) => return back("current"),
        Err(refusal) => return back(refusal.code()),
    }
    let event = attempt.event(Outcome::Success, "", Some(&user));
    let updated = match state
        .users
        .change_password(user.id, &form.new_password, &event)
        .await
    {
        Ok(updated) => updated,
        Err(err) => {
            tracing::error!(error = %err, "could not change a password");
            return server_error(locale, Key::PasswordChangeFailed);
        }
    };
    if let Err(err) = auth.login(&updated).await {
        tracing::error!(error = %err, "could not re-bind the session after a password change");
        return Redirect::to("/login").into_response();
    }
    back_with("done=1")
}

/// What is wrong with the new password, as an `?error=` code.
fn new_password_problem(form: &PasswordForm) -> Option<&'static str> {
    if form.new_password != form.confirm_password {
        Some("mismatch")
    } else if form.new_password.chars().count() < MIN_CHARS {
        Some("short")
    } else if form.new_password.len() > MAX_BYTES {
        Some("long")
    } else if form.new_password == form.current_password {
        Some("same")
    } else {
        None
    }
}

fn back(code: &str) -> Response {
    back_with(&format!("error={code}"))
}

fn back_with(query: &str) -> Response {
    Redirect::to(&format!("{PATH}?{query}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(current: &str, new: &str, confirm: &str) -> PasswordForm {
        PasswordForm {
            current_password: current.into(),
            new_password: new.into(),
            confirm_password: confirm.into(),
        }
    }

    #[test]
    fn new_passwords_are_checked_before_the_current_one() {
        let good = "a long enough passphrase";
        assert_eq!(new_password_problem(&form("old", good, good)), None);
        assert_eq!(
            new_password_problem(&form("old", good, "other")),
            Some("mismatch")
        );
        assert_eq!(
            new_password_problem(&form("old", "short", "short")),
            Some("short")
        );
        let huge = "x".repeat(MAX_BYTES + 1);
        assert_eq!(
            new_password_problem(&form("old", &huge, &huge)),
            Some("long")
        );
        assert_eq!(new_password_problem(&form(good, good, good)), Some("same"));
    }
}
