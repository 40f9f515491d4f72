//! Login throttling: after too many failed attempts within a minute, from
//! one client address or against one account, further attempts are refused
//! until the window has passed. Kept in memory: a restart forgives.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts failed logins per key in a sliding window.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// Allows `max_failures` failures per key within `window`.
    pub fn new(max_failures: usize, window: Duration) -> Self {
        Self {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Whether an attempt from `client` against `username` may be checked.
    pub fn allows(&self, client: &str, username: &str) -> bool {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("limiter lock");
        [client_key(client), account_key(username)]
            .iter()
            .all(|key| {
                let entry = failures.entry(key.clone()).or_default();
                Self::forget_old(entry, now, self.window);
                entry.len() < self.max_failures
            })
    }

    /// Counts a failed attempt against both the client and the account.
    pub fn record_failure(&self, client: &str, username: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("limiter lock");
        for key in [client_key(client), account_key(username)] {
            let entry = failures.entry(key).or_default();
            Self::forget_old(entry, now, self.window);
            entry.push_back(now);
        }
        // Keep the map from growing without bound under a spray of names.
        if failures.len() > 100_000 {
            failures.retain(|_, v| {
                v.back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
    }

    /// A successful login clears the account's count (not the client's).
    pub fn record_success(&self, username: &str) {
        self.failures
            .lock()
            .expect("limiter lock")
            .remove(&account_key(username));
    }

    fn forget_old(entry: &mut VecDeque<Instant>, now: Instant, window: Duration) {
        while entry
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            entry.pop_front();
        }
    }
}

fn client_key(client: &str) -> String {
    format!("client:{client}")
}

fn account_key(username: &str) -> String {
    format!("account:{}", username.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_failure_within_the_window_is_refused() {
        let limiter = LoginLimiter::new(5, Duration::from_secs(60));
        for _ in 0..5 {
            assert!(limiter.allows("10.0.0.1", "admin"));
            limiter.record_failure("10.0.0.1", "admin");
        }
        assert!(!limiter.allows("10.0.0.1", "admin"));
        assert!(
            !limiter.allows("10.0.0.2", "admin"),
            "the account is throttled from any address"
        );
        assert!(
            !limiter.allows("10.0.0.1", "alice"),
            "the address is throttled for any account"
        );
        assert!(limiter.allows("10.0.0.2", "alice"));
    }

    #[test]
    fn failures_expire_after_the_window() {
        let limiter = LoginLimiter::new(1, Duration::from_millis(20));
        limiter.record_failure("c", "u");
        assert!(!limiter.allows("c", "u"));
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.allows("c", "u"));
    }

    #[test]
    fn account_names_are_case_insensitive() {
        let limiter = LoginLimiter::new(1, Duration::from_secs(60));
        limiter.record_failure("c1", "Admin");
        assert!(!limiter.allows("c2", "admin"));
    }
}
