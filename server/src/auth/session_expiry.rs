//! Sessions that went idle: swept from the store, each recorded in the
//! audit log as it goes.
//!
//! tower-sessions' own sweeper deletes expired rows silently. This one does
//! the same query (`datetime(expiry_date) < datetime('now')`, as
//! `tower-sessions-sqlx-store` writes it) but first reads which user each
//! row belonged to, from the data axum-login keeps in the session.

use std::time::Duration;

use sqlx::SqlitePool;
use tower_sessions::session::Record;

use crate::accounts::UserStore;
use crate::audit::{AuditEvent, AuditLog, Outcome};

/// Where axum-login keeps its data in a session (its default key).
const AXUM_LOGIN_DATA_KEY: &str = "axum-login.data";

/// How often expired sessions are swept.
const EVERY: Duration = Duration::from_secs(600);

/// Deletes every expired session, recording those that were signed in;
/// returns how many were deleted.
pub async fn sweep(
    pool: &SqlitePool,
    users: &UserStore,
    audit: &AuditLog,
) -> Result<usize, sqlx::Error> {
    let expired: Vec<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT id, data FROM sessions WHERE datetime(expiry_date) < datetime('now')",
    )
    .fetch_all(pool)
    .await?;
    for (id, data) in &expired {
        if let Some(user_id) = signed_in_user(data) {
            record(users, audit, user_id).await;
        }
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(id)
            .execute(pool)
            .await?;
    }
    Ok(expired.len())
}

/// Sweeps every ten minutes, for as long as the process runs.
pub fn spawn(pool: SqlitePool) {
    let users = UserStore::new(pool.clone());
    let audit = AuditLog::new(pool.clone());
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        loop {
            ticks.tick().await;
            if let Err(err) = sweep(&pool, &users, &audit).await {
                tracing::warn!(error = %err, "could not sweep expired sessions");
            }
        }
    });
}

/// The id of the user a stored session was bound to, if any.
fn signed_in_user(data: &[u8]) -> Option<i64> {
    let record: Record = rmp_serde::from_slice(data).ok()?;
    record
        .data
        .get(AXUM_LOGIN_DATA_KEY)?
        .get("user_id")?
        .as_i64()
}

/// The audit row of `username`'s session ending by itself, and `why`.
pub fn expired_event(username: &str, client: &str, why: &str) -> AuditEvent {
    AuditEvent {
        actor: username.to_owned(),
        action: "session.expired".into(),
        target: format!("user/{username}"),
        outcome: Outcome::Success,
        client: client.to_owned(),
        detail: why.into(),
    }
}

/// The session is gone either way, so a failed write is only logged.
async fn record(users: &UserStore, audit: &AuditLog, user_id: i64) {
    let username = match users.by_id(user_id).await {
        Ok(Some(user)) => user.username,
        _ => format!("#{user_id}"),
    };
    let event = expired_event(&username, "", "idle");
    if let Err(err) = audit.record(&event).await {
        tracing::error!(error = %err, "could not record a session's expiry");
    }
}
