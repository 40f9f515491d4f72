//! How a simulated pod behaves, chosen by annotations (documented in
//! `sim/DESIGN.md`) and by its spec (restart policy, readiness probes).

use std::time::Duration;

use serde_json::Value;

/// `"true"`: app containers exit with code 1 (or `exit-code`) after
/// `run-seconds` and restart with CrashLoopBackOff backoff.
pub const CRASH_LOOP: &str = "sim.pilothouse.dev/crash-loop";
/// `"fail"`: every image pull of the pod fails (see `crate::faults`).
pub use crate::faults::IMAGE_PULL;
/// `"N"`: the exit code of app containers when they exit.
pub const EXIT_CODE: &str = "sim.pilothouse.dev/exit-code";
/// `"N"`: how long app containers run before exiting (run-to-completion
/// pods, crash loops, or any pod with `exit-code`).
pub const RUN_SECONDS: &str = "sim.pilothouse.dev/run-seconds";
/// `"N"`: containers become ready N seconds after they start.
pub const READY_AFTER: &str = "sim.pilothouse.dev/ready-after-seconds";
/// `"N"`: how long an image pull takes.
pub const PULL_SECONDS: &str = "sim.pilothouse.dev/pull-seconds";
/// `"N"`: how long each init container runs.
pub const INIT_SECONDS: &str = "sim.pilothouse.dev/init-seconds";
/// `"true"`: containers ignore SIGTERM, so deletion takes the whole grace period.
pub const IGNORE_SIGTERM: &str = "sim.pilothouse.dev/ignore-sigterm";

/// Default run time of a run-to-completion or crash-looping container.
const DEFAULT_RUN: Duration = Duration::from_secs(5);
const DEFAULT_PULL: Duration = Duration::from_secs(2);
const DEFAULT_INIT: Duration = Duration::from_secs(2);

/// The behaviour of one pod.
#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    /// `Always`, `OnFailure` or `Never`.
    pub restart_policy: String,
    /// When app containers exit by themselves: after this long, with this code.
    pub exits: Option<(Duration, i64)>,
    pub pull: Duration,
    pub init: Duration,
    /// Pod-wide readiness delay (overrides probes' initialDelaySeconds).
    pub ready_after: Option<Duration>,
    pub ignore_sigterm: bool,
}

impl Behaviour {
    pub fn of(pod: &Value) -> Self {
        let annotations = &pod["metadata"]["annotations"];
        let text = |k: &str| annotations[k].as_str();
        let seconds = |k: &str| {
            text(k)
                .and_then(|s| s.trim().parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64)
        };
        let restart_policy = pod["spec"]["restartPolicy"]
            .as_str()
            .unwrap_or("Always")
            .to_owned();
        let crash_loop = text(CRASH_LOOP) == Some("true");
        let exit_code = text(EXIT_CODE).and_then(|s| s.trim().parse::<i64>().ok());
        let run = seconds(RUN_SECONDS);
        let exits = if crash_loop {
            Some((run.unwrap_or(DEFAULT_RUN), exit_code.unwrap_or(1)))
        } else if restart_policy != "Always" || exit_code.is_some() || run.is_some() {
            Some((run.unwrap_or(DEFAULT_RUN), exit_code.unwrap_or(0)))
        } else {
            None
        };
        Self {
            restart_policy,
            exits,
            pull: seconds(PULL_SECONDS).unwrap_or(DEFAULT_PULL),
            init: seconds(INIT_SECONDS).unwrap_or(DEFAULT_INIT),
            ready_after: seconds(READY_AFTER),
            ignore_sigterm: text(IGNORE_SIGTERM) == Some("true"),
        }
    }

    /// True if a container that exited with `code` is started again.
    pub fn restarts(&self, code: i64) -> bool {
        match self.restart_policy.as_str() {
            "Never" => false,
            "OnFailure" => code != 0,
            _ => true,
        }
    }

    /// How long after starting `container` (its spec) becomes ready.
    pub fn readiness_delay(&self, container: &Value) -> Duration {
        if let Some(d) = self.ready_after {
            return d;
        }
        container["readinessProbe"]["initialDelaySeconds"]
            .as_u64()
            .map_or(Duration::ZERO, Duration::from_secs)
    }
}

/// True if the pod's image pulls are made to fail.
pub fn pulls_fail(pod: &Value) -> bool {
    pod["metadata"]["annotations"][IMAGE_PULL] == "fail"
}

/// CrashLoopBackOff / ImagePullBackOff delay before retry number `attempt`
/// (0 = first retry, immediate): 10 s doubling up to 5 min, like the kubelet.
pub fn backoff(attempt: i64) -> Duration {
    if attempt <= 0 {
        return Duration::ZERO;
    }
    let secs = 10u64.saturating_mul(1 << (attempt - 1).min(5));
    Duration::from_secs(secs.min(300))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn job_pods_exit_and_crash_loops_fail() {
        let job = Behaviour::of(&json!({"spec": {"restartPolicy": "Never"}}));
        assert_eq!(job.exits, Some((DEFAULT_RUN, 0)));
        assert!(!job.restarts(0));
        let crash =
            Behaviour::of(&json!({"metadata": {"annotations": {CRASH_LOOP: "true"}}, "spec": {}}));
        assert_eq!(crash.exits, Some((DEFAULT_RUN, 1)));
        assert!(crash.restarts(1));
        let server = Behaviour::of(&json!({"spec": {"restartPolicy": "Always"}}));
        assert_eq!(server.exits, None);
        assert_eq!(backoff(0), Duration::ZERO);
        assert_eq!(backoff(2), Duration::from_secs(20));
        assert_eq!(backoff(20), Duration::from_secs(300));
    }
}
