//! Login throttling, keyed so that nobody can lock someone else out.
//!
//! An attempt is counted *before* its password is checked and under one lock
//! ([`LoginLimiter::try_acquire`]), so thirty simultaneous guesses get the
//! same five tries as thirty sequential ones; a successful sign-in refunds
//! its attempt. The tight limit applies to one (account, client address)
//! pair, so a stranger's bad passwords for `admin` do not block `admin`
//! signing in from their own address; looser ceilings per account and per
//! client address still stop a distributed guess or a spray of names.
//! Kept in memory: a restart forgives.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many attempts each key allows within the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Per (account, client address) pair.
    pub per_pair: usize,
    /// Per account, from all addresses together; and per address, against
    /// all accounts together.
    pub ceiling: usize,
}

/// Counts login attempts per key in a sliding window.
#[derive(Debug)]
pub struct LoginLimiter {
    limits: Limits,
    window: Duration,
    attempts: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// An attempt that was allowed and counted; give it back with
/// [`LoginLimiter::refund`] when the password was right.
#[derive(Debug)]
#[must_use = "a successful attempt must be refunded"]
pub struct Attempt {
    keys: [(String, usize); 3],
    at: Instant,
}

/// Above this many keys, expired ones are swept so a spray of names cannot
/// grow the map without bound.
const SWEEP_ABOVE: usize = 100_000;

impl LoginLimiter {
    /// Allows `limits` attempts within `window`.
    pub fn new(limits: Limits, window: Duration) -> Self {
        Self {
            limits,
            window,
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt from `client` against `username` if every key
    /// still has room; `None` means rate-limited and nothing was counted.
    pub fn try_acquire(&self, client: &str, username: &str) -> Option<Attempt> {
        let now = Instant::now();
        let account = username.to_lowercase();
        let keys = [
            (format!("pair:{account}\n{client}"), self.limits.per_pair),
            (format!("account:{account}"), self.limits.ceiling),
            (format!("client:{client}"), self.limits.ceiling),
        ];
        let mut attempts = self.attempts.lock().expect("limiter lock");
        let full = keys.iter().any(|(key, limit)| {
            let entry = attempts.entry(key.clone()).or_default();
            forget_old(entry, now, self.window);
            entry.len() >= *limit
        });
        if full {
            return None;
        }
        for (key, _) in &keys {
            attempts.entry(key.clone()).or_default().push_back(now);
        }
        if attempts.len() > SWEEP_ABOVE {
            attempts.retain(|_, v| {
                v.back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        Some(Attempt { keys, at: now })
    }

    /// Gives back an attempt whose password was right (or that could not
    /// be checked at all): it does not count against anyone.
    pub fn refund(&self, attempt: Attempt) {
        let mut attempts = self.attempts.lock().expect("limiter lock");
        for (key, _) in &attempt.keys {
            if let Some(entry) = attempts.get_mut(key)
                && let Some(position) = entry.iter().rposition(|t| *t == attempt.at)
            {
                entry.remove(position);
            }
        }
    }
}

fn forget_old(entry: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while entry
        .front()
        .is_some_and(|t| now.duration_since(*t) >= window)
    {
        entry.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        per_pair: 5,
        ceiling: 20,
    };

    fn limiter() -> LoginLimiter {
        LoginLimiter::new(LIMITS, Duration::from_secs(60))
    }

    #[test]
    fn the_sixth_attempt_from_one_client_against_one_account_is_refused() {
        let limiter = limiter();
        for _ in 0..5 {
            let _counted = limiter.try_acquire("10.0.0.1", "admin").unwrap();
        }
        assert!(limiter.try_acquire("10.0.0.1", "admin").is_none());
        assert!(
            limiter.try_acquire("10.0.0.2", "admin").is_some(),
            "another address may still try the account"
        );
        assert!(
            limiter.try_acquire("10.0.0.1", "alice").is_some(),
            "the address may still try another account"
        );
    }

    #[test]
    fn the_account_ceiling_stops_a_guess_spread_over_many_addresses() {
        let limiter = limiter();
        for n in 0..20 {
            let _counted = limiter
                .try_acquire(&format!("10.0.1.{n}"), "admin")
                .unwrap();
        }
        assert!(limiter.try_acquire("10.0.2.1", "admin").is_none());
    }

    #[test]
    fn a_refunded_attempt_does_not_count() {
        let limiter = limiter();
        for _ in 0..10 {
            let attempt = limiter.try_acquire("c", "u").unwrap();
            limiter.refund(attempt);
        }
        assert!(limiter.try_acquire("c", "u").is_some());
    }

    #[test]
    fn attempts_expire_after_the_window() {
        let limiter = LoginLimiter::new(
            Limits {
                per_pair: 1,
                ceiling: 1,
            },
            Duration::ZERO,
        );
        let _counted = limiter.try_acquire("c", "u").unwrap();
        assert!(
            limiter.try_acquire("c", "u").is_some(),
            "a zero window forgets at once"
        );
    }

    #[test]
    fn account_names_are_case_insensitive() {
        let limiter = LoginLimiter::new(
            Limits {
                per_pair: 1,
                ceiling: 10,
            },
            Duration::from_secs(60),
        );
        let _counted = limiter.try_acquire("c1", "Admin").unwrap();
        assert!(limiter.try_acquire("c1", "admin").is_none());
    }
}
