//! Folding repeated refusals into one row per client per minute.
//!
//! Each rate-limited sign-in used to write a row, so a flood could fill the
//! disk. The first refusal from a client writes a row at once (so the audit
//! log shows an attack as it starts); further ones within the minute only
//! raise that row's count. The map of open rows lives in memory: after a
//! restart the next refusal simply opens a new row.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::{AuditEvent, AuditLog};

/// How long one row keeps counting.
const WINDOW: Duration = Duration::from_secs(60);

/// Above this many open rows, closed ones are forgotten.
const SWEEP_ABOVE: usize = 10_000;

/// The row each client's refusals are being counted in, and since when.
#[derive(Debug, Default)]
pub(super) struct OpenRows {
    rows: Mutex<HashMap<String, (Instant, i64)>>,
}

impl OpenRows {
    /// Counts `event` in its client's open row, or opens one.
    pub(super) async fn record(
        &self,
        log: &AuditLog,
        event: &AuditEvent,
    ) -> Result<(), sqlx::Error> {
        // Held across the write so two refusals cannot both open a row.
        let mut rows = self.rows.lock().await;
        let now = Instant::now();
        if let Some((since, id)) = rows.get(&event.client)
            && now.duration_since(*since) < WINDOW
        {
            return log.count_again(*id).await;
        }
        let id = log.insert(event).await?;
        rows.insert(event.client.clone(), (now, id));
        if rows.len() > SWEEP_ABOVE {
            rows.retain(|_, (since, _)| now.duration_since(*since) < WINDOW);
        }
        Ok(())
    }
}
