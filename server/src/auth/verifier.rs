//! Password verification with a bound on how many run at once.
//!
//! Each Argon2id check holds about 19 MiB and a CPU for tens of
//! milliseconds; unbounded, a burst of sign-ins could exhaust memory. A few
//! run at a time, a bounded queue waits for them, and anything beyond the
//! queue is refused at once ([`VerifyError::Busy`]) rather than piling up.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Semaphore;

/// Runs password checks, a bounded number at a time.
#[derive(Debug)]
pub struct Verifier {
    running: Semaphore,
    admitted: Semaphore,
    started: AtomicU64,
}

/// A check could not be made.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("too many password checks are waiting")]
    Busy,
    #[error("password check failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl Verifier {
    /// At most `concurrent` checks run at once and `queued` more may wait.
    pub fn new(concurrent: usize, queued: usize) -> Self {
        Self {
            running: Semaphore::new(concurrent),
            admitted: Semaphore::new(concurrent + queued),
            started: AtomicU64::new(0),
        }
    }

    /// Whether `password` matches the PHC string `hash`.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, VerifyError> {
        let _admitted = self.admitted.try_acquire().map_err(|_| VerifyError::Busy)?;
        let _running = self.running.acquire().await.expect("never closed");
        self.started.fetch_add(1, Ordering::Relaxed);
        let verified = tokio::task::spawn_blocking(move || {
            password_auth::verify_password(password, &hash).is_ok()
        })
        .await?;
        Ok(verified)
    }

    /// How many checks have been run since start-up (for tests and metrics).
    pub fn started(&self) -> u64 {
        self.started.load(Ordering::Relaxed)
    }
}

impl Default for Verifier {
    /// Two checks at a time (about 40 MiB), 64 waiting.
    fn default() -> Self {
        Self::new(2, 64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::backend::DUMMY_HASH as HASH;

    #[tokio::test]
    async fn a_check_beyond_the_queue_is_refused_at_once() {
        let verifier = Verifier::new(1, 0);
        let _queue_is_full = verifier.admitted.try_acquire().unwrap();
        let refused = verifier.verify("x".into(), HASH.into()).await;
        assert!(matches!(refused, Err(VerifyError::Busy)));
        assert_eq!(verifier.started(), 0);
    }

    #[tokio::test]
    async fn a_check_within_the_bounds_runs() {
        let verifier = Verifier::new(1, 0);
        assert!(!verifier.verify("x".into(), HASH.into()).await.unwrap());
        assert_eq!(verifier.started(), 1);
    }
}
