//! Pods: READY, STATUS and RESTARTS exactly as `kubectl get pods` prints
//! them (a port of `printPod` in upstream
//! `pkg/printers/internalversion/printers.go`, Kubernetes 1.32: `Init:1/2`,
//! `Init:CrashLoopBackOff`, `Init:ExitCode:1`, `PodInitializing`,
//! `CrashLoopBackOff`, `Completed`, `Terminating`, `Unknown` for pods of a
//! lost node, sidecars counted in READY), IP and NODE, and the requests the
//! scheduler counts (upstream `resourcehelper.PodRequests`).
//!
//! RESTARTS keeps the time of the last restart beside the count, and the
//! UI adds kubectl's `(5m ago)` as it shows the cell: a cached row is not
//! projected again as time passes, so the suffix itself would go stale.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::fields::{
    bool_of, builtin_columns, clip, clip_to, condition, condition_true, count_cell, cpu_cell,
    int_of, list_of, memory_cell, or_none, ratio_cell, str_of, unix_of,
};
use super::quantity::{millis_of, units_of};
use crate::row::{Cell, Column, Health, Resources, Row};

/// `status.reason` the node lifecycle controller gives pods of a lost node.
const NODE_LOST: &str = "NodeLost";

/// How long a running pod may stay not ready before it counts as an error
/// rather than as starting up.
const NOT_READY_GRACE_SECONDS: i64 = 5 * 60;

/// Waiting and terminated reasons that mean a container is failing.
const FAILING_REASONS: &[&str] = &[
    "CrashLoopBackOff",
    "Error",
    "ErrImagePull",
    "ImagePullBackOff",
    "ErrImageNeverPull",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "OOMKilled",
    "ContainerCannotRun",
    "DeadlineExceeded",
    "Evicted",
    "Failed",
    "Unknown",
];

/// READY, STATUS, RESTARTS, IP, NODE, and the pod's cpu and memory requests.
pub fn columns() -> Vec<Column> {
    builtin_columns(&[
        ("ready", true),
        ("status", false),
        ("restarts", true),
        ("ip", false),
        ("node", false),
        ("cpu", true),
        ("memory", true),
    ])
}

/// Fills a pod's cells, status, health, node and requests; `now` judges
/// how long a running pod has not been ready.
pub fn project(pod: &Value, row: &mut Row, now: DateTime<Utc>) {
    let summary = summarize(pod);
    let resources = requests(&pod["spec"]);
    let node = str_of(&pod["spec"]["nodeName"]);
    let ip = match str_of(&pod["status"]["podIPs"][0]["ip"]) {
        "" => str_of(&pod["status"]["podIP"]),
        ip => ip,
    };
    row.health = health(pod, &summary, now);
    row.cells = vec![
        ratio_cell(summary.ready, summary.total),
        Cell::text(summary.status.clone()),
        Cell {
            ago: summary.last_restart.filter(|_| summary.restarts != 0),
            ..count_cell(summary.restarts)
        },
        or_none(ip),
        or_none(node),
        cpu_cell(resources.cpu_millis),
        memory_cell(resources.memory_bytes),
    ];
    row.status = summary.status;
    row.node = (!node.is_empty()).then(|| clip(node));
    row.resources = Some(resources);
}

/// READY, STATUS and RESTARTS of a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Ready containers, started and ready sidecars included.
    pub ready: i64,
    /// Containers plus sidecars (init containers that restart always).
    pub total: i64,
    /// kubectl's STATUS.
    pub status: String,
    pub restarts: i64,
    /// When the last counted restart ended (the latest
    /// `lastState.terminated.finishedAt`), Unix seconds.
    pub last_restart: Option<i64>,
}

/// When a container last ended before its restart, if it says.
fn last_termination(container: &Value) -> Option<i64> {
    unix_of(&container["lastState"]["terminated"]["finishedAt"])
}

/// A container's state of one kind (`waiting`, `running`, `terminated`).
fn state<'a>(status: &'a Value, which: &str) -> Option<&'a Value> {
    Some(&status["state"][which]).filter(|s| s.is_object())
}

/// `Signal:9` / `ExitCode:1` / the reason, for a terminated container.
fn terminated_reason(terminated: &Value, prefix: &str) -> String {
    match str_of(&terminated["reason"]) {
        "" if int_of(&terminated["signal"]) != 0 => {
            format!("{prefix}Signal:{}", int_of(&terminated["signal"]))
        }
        "" => format!("{prefix}ExitCode:{}", int_of(&terminated["exitCode"])),
        reason => format!("{prefix}{reason}"),
    }
}

/// The printPod state machine.
pub fn summarize(pod: &Value) -> Summary {
    let status = &pod["status"];
    let phase = str_of(&status["phase"]);
    let mut reason = match str_of(&status["reason"]) {
        "" => phase.to_owned(),
        r => r.to_owned(),
    };
    if list_of(&status["conditions"])
        .iter()
        .any(|c| str_of(&c["type"]) == "PodScheduled" && str_of(&c["reason"]) == "SchedulingGated")
    {
        reason = "SchedulingGated".into();
    }
    let init_specs = list_of(&pod["spec"]["initContainers"]);
    let is_sidecar = |name: &str| {
        init_specs
            .iter()
            .any(|c| str_of(&c["name"]) == name && str_of(&c["restartPolicy"]) == "Always")
    };
    let sidecars = init_specs
        .iter()
        .filter(|c| str_of(&c["restartPolicy"]) == "Always")
        .count();
    let total = (list_of(&pod["spec"]["containers"]).len() + sidecars) as i64;
    let (mut ready, mut restarts, mut sidecar_restarts) = (0, 0, 0);
    let (mut last_restart, mut sidecar_last_restart) = (None::<i64>, None::<i64>);

    let mut initializing = false;
    for (i, container) in list_of(&status["initContainerStatuses"]).iter().enumerate() {
        let sidecar = is_sidecar(str_of(&container["name"]));
        restarts += int_of(&container["restartCount"]);
        last_restart = last_restart.max(last_termination(container));
        if sidecar {
            sidecar_restarts += int_of(&container["restartCount"]);
            sidecar_last_restart = sidecar_last_restart.max(last_termination(container));
        }
        let terminated = state(container, "terminated");
        let waiting = state(container, "waiting").map_or("", |w| str_of(&w["reason"]));
        if terminated.is_some_and(|t| int_of(&t["exitCode"]) == 0) {
            continue;
        }
        if sidecar && bool_of(&container["started"]) {
            ready += i64::from(bool_of(&container["ready"]));
            continue;
        }
        reason = match terminated {
            Some(t) => terminated_reason(t, "Init:"),
            None if !waiting.is_empty() && waiting != "PodInitializing" => {
                format!("Init:{waiting}")
            }
            None => format!("Init:{i}/{}", init_specs.len()),
        };
        initializing = true;
        break;
    }

    if !initializing || condition_true(&status["conditions"], "Initialized") {
        restarts = sidecar_restarts;
        last_restart = sidecar_last_restart;
        let mut has_running = false;
        for container in list_of(&status["containerStatuses"]).iter().rev() {
            restarts += int_of(&container["restartCount"]);
            last_restart = last_restart.max(last_termination(container));
            let waiting = state(container, "waiting").map_or("", |w| str_of(&w["reason"]));
            if !waiting.is_empty() {
                reason = waiting.to_owned();
            } else if let Some(terminated) = state(container, "terminated") {
                reason = terminated_reason(terminated, "");
            } else if bool_of(&container["ready"]) && state(container, "running").is_some() {
                has_running = true;
                ready += 1;
            }
        }
        // Back to Running while a container still runs after one completed.
        if reason == "Completed" && has_running {
            reason = if condition_true(&status["conditions"], "Ready") {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }

    if !pod["metadata"]["deletionTimestamp"].is_null() {
        if str_of(&status["reason"]) == NODE_LOST {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    Summary {
        ready,
        total,
        status: clip_to(&reason, 64),
        restarts,
        last_restart,
    }
}

fn health(pod: &Value, summary: &Summary, now: DateTime<Utc>) -> Health {
    let status = summary.status.as_str();
    let bare = status.strip_prefix("Init:").unwrap_or(status);
    if FAILING_REASONS.contains(&bare)
        || bare.starts_with("ExitCode:")
        || bare.starts_with("Signal:")
        || str_of(&pod["status"]["phase"]) == "Failed"
    {
        return Health::Error;
    }
    match status {
        "Completed" | "Succeeded" => Health::Ok,
        "Running" if summary.ready >= summary.total => Health::Ok,
        "Running" | "NotReady" => match condition(&pod["status"]["conditions"], "Ready") {
            Some(ready) if str_of(&ready["status"]) == "True" => Health::Ok,
            Some(ready) => match unix_of(&ready["lastTransitionTime"]) {
                Some(t) if now.timestamp() - t > NOT_READY_GRACE_SECONDS => Health::Error,
                _ => Health::Progressing,
            },
            None => Health::Progressing,
        },
        _ => Health::Progressing,
    }
}

/// What the scheduler reserves for a pod (upstream `PodRequests`): app
/// containers and sidecars run together; each plain init container runs
/// alone beside the sidecars started before it; the pod needs the larger
/// of the two, plus its `overhead`. Pod-level `spec.resources` win when set.
pub fn requests(spec: &Value) -> Resources {
    let of = |resources: &Value| Resources {
        cpu_millis: millis_of(&resources["requests"]["cpu"]),
        memory_bytes: units_of(&resources["requests"]["memory"]),
    };
    let add = |a: Resources, b: Resources| Resources {
        cpu_millis: a.cpu_millis.saturating_add(b.cpu_millis),
        memory_bytes: a.memory_bytes.saturating_add(b.memory_bytes),
    };
    let max = |a: Resources, b: Resources| Resources {
        cpu_millis: a.cpu_millis.max(b.cpu_millis),
        memory_bytes: a.memory_bytes.max(b.memory_bytes),
    };
    let pod_level = of(&spec["resources"]);
    let overhead = Resources {
        cpu_millis: millis_of(&spec["overhead"]["cpu"]),
        memory_bytes: units_of(&spec["overhead"]["memory"]),
    };
    if pod_level != Resources::default() {
        return add(pod_level, overhead);
    }
    let apps = list_of(&spec["containers"])
        .iter()
        .map(|c| of(&c["resources"]))
        .fold(Resources::default(), add);
    let (mut sidecars, mut init_peak) = (Resources::default(), Resources::default());
    for init in list_of(&spec["initContainers"]) {
        let own = of(&init["resources"]);
        if str_of(&init["restartPolicy"]) == "Always" {
            sidecars = add(sidecars, own);
            init_peak = max(init_peak, sidecars);
        } else {
            init_peak = max(init_peak, add(own, sidecars));
        }
    }
    add(max(add(apps, sidecars), init_peak), overhead)
}
