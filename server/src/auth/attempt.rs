//! One password check, for signing in or for confirming a password change:
//! counted by the limiter before the check runs, checked through the
//! bounded verifier, and audited (refusals folded per client and minute).

use super::Credentials;
use super::backend::{Backend, BackendError};
use super::verifier::VerifyError;
use crate::accounts::{MAX_USERNAME_BYTES, User};
use crate::audit::{AuditEvent, Outcome};
use crate::state::AppState;

/// `actor` (`anonymous` before sign-in) claiming to be `username`, from
/// `client`, doing `action`.
pub struct Attempt {
    pub action: &'static str,
    pub actor: String,
    pub username: String,
    pub client: String,
}

/// Why an attempt was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many attempts for this account or address within the minute.
    RateLimited,
    /// Wrong password or no such (enabled) user.
    Invalid,
    /// Too many checks already waiting.
    Busy,
    /// The check itself failed (database down).
    Unavailable,
}

impl Refusal {
    /// The `?error=` code the pages translate.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::RateLimited => "rate",
            Refusal::Invalid => "invalid",
            Refusal::Busy => "busy",
            Refusal::Unavailable => "unavailable",
        }
    }
}

impl Attempt {
    /// Counts the attempt, then checks the password: the stored user, or
    /// why not. Only a wrong password keeps its place in the count.
    pub async fn check(
        &self,
        state: &AppState,
        backend: &Backend,
        password: String,
    ) -> Result<User, Refusal> {
        let Some(counted) = state
            .login_limiter
            .try_acquire(&self.client, &self.username)
        else {
            self.record_refusal(state, "rate limited").await;
            return Err(Refusal::RateLimited);
        };
        let creds = Credentials {
            username: self.username.clone(),
            password,
        };
        let checked = axum_login::AuthnBackend::authenticate(backend, creds).await;
        if !matches!(checked, Ok(None)) {
            state.login_limiter.refund(counted);
        }
        match checked {
            Ok(Some(user)) => Ok(user),
            Ok(None) => {
                let event = self.event(Outcome::Failure, "invalid credentials", None);
                if let Err(err) = state.audit.record(&event).await {
                    tracing::error!(error = %err, "could not record a failed attempt");
                }
                Err(Refusal::Invalid)
            }
            Err(BackendError::Verify(VerifyError::Busy)) => {
                self.record_refusal(state, "too many checks waiting").await;
                Err(Refusal::Busy)
            }
            Err(err) => {
                tracing::error!(error = %err, action = self.action, "password check failed");
                Err(Refusal::Unavailable)
            }
        }
    }

    /// The audit row of this attempt; a success names the stored user, not
    /// the name as typed.
    pub fn event(&self, outcome: Outcome, detail: &str, user: Option<&User>) -> AuditEvent {
        let typed = sanitize(&self.username);
        let target = user.map_or(typed.as_str(), |u| u.username.as_str());
        AuditEvent {
            actor: user.map_or_else(|| self.actor.clone(), |u| u.username.clone()),
            action: self.action.into(),
            target: format!("user/{target}"),
            outcome,
            client: self.client.clone(),
            detail: detail.into(),
        }
    }

    /// Records a refusal, folded into this client's row for the minute
    /// (so its target is the client, whatever names it tried).
    async fn record_refusal(&self, state: &AppState, detail: &str) {
        let mut event = self.event(Outcome::Denied, detail, None);
        event.target = format!("client/{}", self.client);
        if let Err(err) = state.audit.record_coalesced(&event).await {
            tracing::error!(error = %err, "could not record a refused attempt");
        }
    }
}

/// Keeps user-typed names from forging log or audit lines.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(MAX_USERNAME_BYTES)
        .collect()
}
