//! Simulated time.
//!
//! Everything in the simulated cluster that has a duration (image pulls,
//! grace periods, heartbeats, backoffs, object ages) reads this clock rather
//! than the wall clock, so tests can run the cluster faster than real time by
//! a constant factor. The clock starts at the wall-clock time of its creation
//! and then runs `factor` times faster than real time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};

/// A clock that runs `factor` times faster than the wall clock. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Clock {
    inner: Arc<ClockInner>,
}

#[derive(Debug)]
struct ClockInner {
    factor: f64,
    real_start: Instant,
    sim_start: DateTime<Utc>,
}

impl Clock {
    /// A clock running at `factor` × real time (1.0 = real time). Factors
    /// below 0.001 are raised to 0.001.
    pub fn new(factor: f64) -> Self {
        Self::starting_at(factor, Utc::now())
    }

    /// A clock running at `factor` × real time whose simulated time is
    /// `start` now: a cluster restarted from a saved state continues its
    /// own time from where it was saved (see `crate::persist`), so the
    /// timestamps it stored never lie in the future.
    pub fn starting_at(factor: f64, start: DateTime<Utc>) -> Self {
        Self {
            inner: Arc::new(ClockInner {
                factor: if factor.is_finite() {
                    factor.max(0.001)
                } else {
                    1.0
                },
                real_start: Instant::now(),
                sim_start: start,
            }),
        }
    }

    /// A clock running at real time.
    pub fn real_time() -> Self {
        Self::new(1.0)
    }

    /// How many simulated seconds pass per real second.
    pub fn factor(&self) -> f64 {
        self.inner.factor
    }

    /// The current simulated time.
    pub fn now(&self) -> DateTime<Utc> {
        let real = self.inner.real_start.elapsed();
        let sim = real.mul_f64(self.inner.factor);
        self.inner.sim_start + chrono::Duration::from_std(sim).unwrap_or_default()
    }

    /// The current simulated time in the RFC 3339 form Kubernetes stores
    /// (`2024-01-02T03:04:05Z`, whole seconds).
    pub fn now_rfc3339(&self) -> String {
        format_time(self.now())
    }

    /// Converts a simulated duration into the real duration it takes.
    pub fn to_real(&self, sim: Duration) -> Duration {
        sim.div_f64(self.inner.factor)
    }

    /// Sleeps for `sim` of simulated time.
    pub async fn sleep(&self, sim: Duration) {
        tokio::time::sleep(self.to_real(sim)).await;
    }

    /// Sleeps until the simulated time `deadline` (returns at once if past).
    pub async fn sleep_until(&self, deadline: DateTime<Utc>) {
        let left = deadline - self.now();
        if let Ok(left) = left.to_std() {
            self.sleep(left).await;
        }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::real_time()
    }
}

/// Formats a time the way Kubernetes serializes `metav1.Time`.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Formats a time the way Kubernetes serializes `metav1.MicroTime`.
pub fn format_micro_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses a stored timestamp.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_fast_clock_advances_faster_than_real_time() {
        let clock = Clock::new(100.0);
        let before = clock.now();
        clock.sleep(Duration::from_secs(2)).await; // 20 ms of real time
        let passed = clock.now() - before;
        assert!(passed >= chrono::Duration::seconds(2), "{passed}");
        assert!(clock.to_real(Duration::from_secs(10)) == Duration::from_millis(100));
    }

    #[test]
    fn a_clock_can_continue_from_a_saved_time() {
        let saved = parse_time("2020-05-06T07:08:09Z").unwrap();
        let clock = Clock::starting_at(1.0, saved);
        let now = clock.now();
        assert!(
            now >= saved && now - saved < chrono::Duration::seconds(5),
            "{now}"
        );
    }

    #[test]
    fn times_are_formatted_like_kubernetes() {
        let t = parse_time("2024-01-02T03:04:05.123Z").unwrap();
        assert_eq!(format_time(t), "2024-01-02T03:04:05Z");
        assert_eq!(format_micro_time(t), "2024-01-02T03:04:05.123000Z");
    }
}
