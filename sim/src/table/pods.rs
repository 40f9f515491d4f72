//! The Pod row: a faithful port of upstream `printPod`, the state machine
//! behind kubectl's READY, STATUS and RESTARTS (`Init:1/2`, `PodInitializing`,
//! `CrashLoopBackOff`, `Completed`, `Terminating`, sidecars counted in READY,
//! `3 (5m ago)`), plus the wide IP / NODE / NOMINATED NODE / READINESS GATES.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::ColumnDefinition;
use super::cells::{
    age, age_column, column, flag, has, int, items, name, name_column, since, text, timestamp,
    wide_column,
};

#[cfg(test)]
mod tests;

/// Pod.status.reason the node lifecycle controller sets on pods of a lost node.
const NODE_UNREACHABLE_POD_REASON: &str = "NodeLost";

pub(super) fn columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Ready",
            "string",
            "The aggregate readiness state of this pod for accepting traffic.",
        ),
        column(
            "Status",
            "string",
            "The aggregate status of the containers in this pod.",
        ),
        column(
            "Restarts",
            "string",
            "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
        ),
        age_column(),
        wide_column(
            "IP",
            "string",
            "podIP address allocated to the pod. Routable at least within the cluster.",
        ),
        wide_column(
            "Node",
            "string",
            "NodeName indicates in which node this pod is scheduled.",
        ),
        wide_column(
            "Nominated Node",
            "string",
            "nominatedNodeName is set when this pod preempts other pods on the node.",
        ),
        wide_column(
            "Readiness Gates",
            "string",
            "If specified, all readiness gates will be evaluated for pod readiness.",
        ),
    ]
}

pub(super) fn cells(pod: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let summary = summarize_pod(pod);
    let restarts = match summary.last_restart {
        Some(at) if summary.restarts != 0 => {
            format!("{} ({} ago)", summary.restarts, since(Some(at), now))
        }
        _ => summary.restarts.to_string(),
    };
    vec![
        name(pod),
        Value::from(format!("{}/{}", summary.ready, summary.total)),
        Value::from(summary.status),
        Value::from(restarts),
        age(pod, now),
        Value::from(or_none(pod_ip(pod))),
        Value::from(or_none(text(pod, "/spec/nodeName"))),
        Value::from(or_none(text(pod, "/status/nominatedNodeName"))),
        Value::from(readiness_gates(pod)),
    ]
}

/// The `conditions` of a pod's TableRow: `Completed` once the pod succeeded
/// or failed (kubectl can hide such rows), none otherwise.
pub(super) fn row_conditions(pod: &Value) -> Vec<Value> {
    let (reason, message) = match text(pod, "/status/phase") {
        "Succeeded" => ("Succeeded", "The pod has completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return Vec::new(),
    };
    vec![json!({"type": "Completed", "status": "True", "reason": reason, "message": message})]
}

/// What kubectl shows about a pod's containers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodSummary {
    /// Ready containers (including started, ready sidecars).
    pub ready: usize,
    /// Containers plus restartable init containers (sidecars).
    pub total: usize,
    /// The STATUS column: phase, or the most telling container reason.
    pub status: String,
    /// Restarts counted for the RESTARTS column.
    pub restarts: i64,
    /// When the most recently restarted counted container last terminated.
    pub last_restart: Option<DateTime<Utc>>,
}

/// Computes READY, STATUS and RESTARTS of `pod` exactly as `printPod` does.
pub fn summarize_pod(pod: &Value) -> PodSummary {
    let phase = text(pod, "/status/phase");
    let mut reason = match text(pod, "/status/reason") {
        "" => phase.to_string(),
        status_reason => status_reason.to_string(),
    };
    let conditions = items(pod, "/status/conditions");
    if conditions
        .iter()
        .any(|c| text(c, "/type") == "PodScheduled" && text(c, "/reason") == "SchedulingGated")
    {
        reason = "SchedulingGated".into();
    }

    let init_specs = items(pod, "/spec/initContainers");
    let is_sidecar = |container_name: &str| {
        init_specs
            .iter()
            .any(|c| text(c, "/name") == container_name && text(c, "/restartPolicy") == "Always")
    };
    let total = items(pod, "/spec/containers").len()
        + init_specs
            .iter()
            .filter(|c| text(c, "/restartPolicy") == "Always")
            .count();
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart = None;
    let mut sidecar_restarts = 0;
    let mut last_sidecar_restart = None;

    let mut initializing = false;
    for (i, status) in items(pod, "/status/initContainerStatuses")
        .iter()
        .enumerate()
    {
        let sidecar = is_sidecar(text(status, "/name"));
        restarts += int(status, "/restartCount");
        note_restart(&mut last_restart, status);
        if sidecar {
            sidecar_restarts += int(status, "/restartCount");
            note_restart(&mut last_sidecar_restart, status);
        }
        let terminated = state(status, "terminated");
        let waiting_reason = state(status, "waiting")
            .map(|w| text(w, "/reason"))
            .unwrap_or_default();
        if terminated.is_some_and(|t| int(t, "/exitCode") == 0) {
            continue;
        }
        if sidecar && flag(status, "/started") {
            if flag(status, "/ready") {
                ready += 1;
            }
            continue;
        }
        reason = if let Some(terminated) = terminated {
            match text(terminated, "/reason") {
                "" if int(terminated, "/signal") != 0 => {
                    format!("Init:Signal:{}", int(terminated, "/signal"))
                }
                "" => format!("Init:ExitCode:{}", int(terminated, "/exitCode")),
                terminated_reason => format!("Init:{terminated_reason}"),
            }
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }

    if !initializing || condition_true(conditions, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for status in items(pod, "/status/containerStatuses").iter().rev() {
            restarts += int(status, "/restartCount");
            note_restart(&mut last_restart, status);
            let waiting_reason = state(status, "waiting")
                .map(|w| text(w, "/reason"))
                .unwrap_or_default();
            if !waiting_reason.is_empty() {
                reason = waiting_reason.to_string();
            } else if let Some(terminated) = state(status, "terminated") {
                reason = match text(terminated, "/reason") {
                    "" if int(terminated, "/signal") != 0 => {
                        format!("Signal:{}", int(terminated, "/signal"))
                    }
                    "" => format!("ExitCode:{}", int(terminated, "/exitCode")),
                    terminated_reason => terminated_reason.to_string(),
                };
            } else if flag(status, "/ready") && state(status, "running").is_some() {
                has_running = true;
                ready += 1;
            }
        }
        // Back to Running when a container still runs after another completed.
        if reason == "Completed" && has_running {
            reason = if condition_true(conditions, "Ready") {
                "Running"
            } else {
                "NotReady"
            }
            .into();
        }
    }

    if has(pod, "/metadata/deletionTimestamp") {
        if text(pod, "/status/reason") == NODE_UNREACHABLE_POD_REASON {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }

    PodSummary {
        ready,
        total,
        status: reason,
        restarts,
        last_restart,
    }
}

/// One of a container status' states (`waiting`, `running`, `terminated`).
fn state<'a>(status: &'a Value, which: &str) -> Option<&'a Value> {
    status.get("state")?.get(which).filter(|s| s.is_object())
}

/// Moves `latest` forward to the finish time of the container's last
/// termination, if that is later.
fn note_restart(latest: &mut Option<DateTime<Utc>>, status: &Value) {
    if let Some(finished) = timestamp(status, "/lastState/terminated/finishedAt")
        && latest.is_none_or(|l| l < finished)
    {
        *latest = Some(finished);
    }
}

/// Whether the pod condition `type_` is present with status True.
fn condition_true(conditions: &[Value], type_: &str) -> bool {
    conditions
        .iter()
        .any(|c| text(c, "/type") == type_ && text(c, "/status") == "True")
}

/// The first pod IP (`status.podIPs[0]`, falling back to `status.podIP`).
fn pod_ip(pod: &Value) -> &str {
    match text(pod, "/status/podIPs/0/ip") {
        "" => text(pod, "/status/podIP"),
        ip => ip,
    }
}

/// READINESS GATES: `true/total` over spec.readinessGates, `<none>` without.
fn readiness_gates(pod: &Value) -> String {
    let gates = items(pod, "/spec/readinessGates");
    if gates.is_empty() {
        return "<none>".into();
    }
    let conditions = items(pod, "/status/conditions");
    let passed = gates
        .iter()
        .filter(|gate| {
            let wanted = text(gate, "/conditionType");
            conditions
                .iter()
                .find(|c| text(c, "/type") == wanted)
                .is_some_and(|c| text(c, "/status") == "True")
        })
        .count();
    format!("{passed}/{}", gates.len())
}

fn or_none(value: &str) -> &str {
    if value.is_empty() { "<none>" } else { value }
}
