//! The audit history: who did what, when, from where, and whether it worked.
//! Rows are append-only (the schema refuses updates and deletes).

use sqlx::{Sqlite, SqlitePool, Transaction};

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditEvent {
    /// Username, or `anonymous` before login.
    pub actor: String,
    /// What was attempted, e.g. `login`, `logout`, `preferences.locale`.
    pub action: String,
    /// What it was done to.
    pub target: String,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    /// The client address.
    pub client: String,
    /// Free text, never a secret.
    pub detail: String,
}

/// A stored audit row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub client: String,
    pub detail: String,
}

/// Writes and reads audit rows.
#[derive(Debug, Clone)]
pub struct AuditLog {
    pool: SqlitePool,
}

impl AuditLog {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// Records `event` on its own.
    pub async fn record(&self, event: &AuditEvent) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        Self::record_in(&mut tx, event).await?;
        tx.commit().await
    }

    /// Records `event` inside a transaction that also makes the change it
    /// describes, so that neither lands without the other.
    pub async fn record_in(
        tx: &mut Transaction<'_, Sqlite>,
        event: &AuditEvent,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO audit_events (actor, action, target, outcome, client, detail) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&event.actor)
        .bind(&event.action)
        .bind(&event.target)
        .bind(&event.outcome)
        .bind(&event.client)
        .bind(&event.detail)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The most recent rows, newest first.
    pub async fn recent(&self, limit: i64) -> Result<Vec<AuditRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, at, actor, action, target, outcome, client, detail FROM audit_events ORDER BY id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }
}
