//! The audit history: who did what, when, from where, and whether it worked.
//! Rows are append-only: the schema refuses deletes and every update but
//! one, the count of a coalesced row growing (see [`coalesce`]).

mod coalesce;

use std::sync::Arc;

use sqlx::{Sqlite, SqlitePool, Transaction};

use coalesce::OpenRows;

/// Whether what was attempted happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Outcome {
    #[default]
    Success,
    /// Tried and refused on its merits (a wrong password).
    Failure,
    /// Refused before it was tried (rate-limited, not allowed).
    Denied,
}

impl Outcome {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditEvent {
    /// Username, or `anonymous` before login.
    pub actor: String,
    /// What was attempted, e.g. `login`, `logout`, `preferences.locale`.
    pub action: String,
    /// What it was done to.
    pub target: String,
    /// Whether it happened.
    pub outcome: Outcome,
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
    /// How many times it happened (more than one only for coalesced rows).
    pub count: i64,
}

/// Writes and reads audit rows.
#[derive(Debug, Clone)]
pub struct AuditLog {
    pool: SqlitePool,
    open_rows: Arc<OpenRows>,
}

impl AuditLog {
    pub fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            open_rows: Arc::default(),
        }
    }

    /// Records `event`, folded into the row already written for the same
    /// client within the last minute if there is one: a flood of refused
    /// attempts then costs one row per client per minute, whose count says
    /// how many there were.
    pub async fn record_coalesced(&self, event: &AuditEvent) -> Result<(), sqlx::Error> {
        self.open_rows.record(self, event).await
    }

    /// Records `event` on its own.
    pub async fn record(&self, event: &AuditEvent) -> Result<(), sqlx::Error> {
        self.insert(event).await.map(drop)
    }

    /// Records `event` and returns its row id.
    async fn insert(&self, event: &AuditEvent) -> Result<i64, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let id = Self::record_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds one to the count of row `id`.
    async fn count_again(&self, id: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE audit_events SET count = count + 1 WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map(drop)
    }

    /// Records `event` inside a transaction that also makes the change it
    /// describes, so that neither lands without the other.
    pub async fn record_in(
        tx: &mut Transaction<'_, Sqlite>,
        event: &AuditEvent,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO audit_events (actor, action, target, outcome, client, detail) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&event.actor)
        .bind(&event.action)
        .bind(&event.target)
        .bind(event.outcome.as_str())
        .bind(&event.client)
        .bind(&event.detail)
        .fetch_one(&mut **tx)
        .await
    }

    /// The most recent rows, newest first.
    pub async fn recent(&self, limit: i64) -> Result<Vec<AuditRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, at, actor, action, target, outcome, client, detail, count FROM audit_events ORDER BY id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }
}
