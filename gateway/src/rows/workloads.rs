//! Workloads: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job and
//! CronJob, and the PodDisruptionBudget that guards them, with the counts
//! `kubectl get` prints for each (upstream `printDeployment`,
//! `printReplicaSet`, `printStatefulSet`, `printDaemonSet`, `printJob`,
//! `printCronJob`, `printPodDisruptionBudget`), the label selector that
//! finds their pods, and a health that compares what is with what is
//! wanted: short of it is a Warning, or Progressing while a rollout runs.

use serde_json::Value;

use super::fields::{
    bool_of, builtin_columns, clip, condition, condition_true, count_cell, human_duration, int_of,
    list_of, or_none, ratio_cell, str_of, string_map, text_cell, unix_of,
};
use crate::row::{Cell, Column, Health, Row, Wiring};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    DisruptionBudget,
}

/// The replica counts of a workload, read once.
struct Counts {
    desired: i64,
    ready: i64,
    available: i64,
    updated: i64,
    current: i64,
}

impl Workload {
    pub fn of(group: &str, kind: &str) -> Option<Self> {
        Some(match (group, kind) {
            ("apps", "Deployment") => Self::Deployment,
            ("apps", "ReplicaSet") => Self::ReplicaSet,
            ("apps", "StatefulSet") => Self::StatefulSet,
            ("apps", "DaemonSet") => Self::DaemonSet,
            ("batch", "Job") => Self::Job,
            ("batch", "CronJob") => Self::CronJob,
            ("policy", "PodDisruptionBudget") => Self::DisruptionBudget,
            _ => return None,
        })
    }

    pub fn columns(self) -> Vec<Column> {
        let ids: &[(&str, bool)] = match self {
            Self::Deployment => &[("ready", true), ("up_to_date", true), ("available", true)],
            Self::ReplicaSet => &[("desired", true), ("current", true), ("ready", true)],
            Self::StatefulSet => &[("ready", true)],
            Self::DaemonSet => &[
                ("desired", true),
                ("current", true),
                ("ready", true),
                ("up_to_date", true),
                ("available", true),
                ("node_selector", false),
            ],
            Self::Job => &[("status", false), ("completions", true), ("duration", true)],
            Self::DisruptionBudget => &[
                ("min_available", false),
                ("max_unavailable", false),
                ("allowed_disruptions", true),
            ],
            Self::CronJob => &[
                ("schedule", false),
                ("timezone", false),
                ("suspend", false),
                ("active", true),
                ("last_schedule", true),
            ],
        };
        builtin_columns(ids)
    }

    pub fn project(self, object: &Value, row: &mut Row) {
        row.selector = string_map(&object["spec"]["selector"]["matchLabels"]);
        if self != Self::DisruptionBudget {
            row.wiring = Some(Box::new(wiring(object)));
        }
        match self {
            Self::Job => return job(object, row),
            Self::CronJob => return cron_job(object, row),
            Self::DisruptionBudget => return disruption_budget(object, row),
            _ => {}
        }
        let counts = self.counts(object);
        row.cells = match self {
            Self::Deployment => vec![
                ratio_cell(counts.ready, counts.desired),
                count_cell(counts.updated),
                count_cell(counts.available),
            ],
            Self::ReplicaSet => vec![
                count_cell(counts.desired),
                count_cell(counts.current),
                count_cell(counts.ready),
            ],
            Self::StatefulSet => vec![ratio_cell(counts.ready, counts.desired)],
            _ => vec![
                count_cell(counts.desired),
                count_cell(counts.current),
                count_cell(counts.ready),
                count_cell(counts.updated),
                count_cell(counts.available),
                or_none(&selector_text(
                    &object["spec"]["template"]["spec"]["nodeSelector"],
                )),
            ],
        };
        row.status = format!("{}/{}", counts.ready, counts.desired);
        row.health = self.health(object, &counts);
    }

    fn counts(self, object: &Value) -> Counts {
        let (spec, status) = (&object["spec"], &object["status"]);
        // The API server stores spec.replicas defaulted (to 1), so a
        // missing one is read as Go reads it: 0.
        let replicas = int_of(&spec["replicas"]);
        match self {
            Self::DaemonSet => Counts {
                desired: int_of(&status["desiredNumberScheduled"]),
                ready: int_of(&status["numberReady"]),
                available: int_of(&status["numberAvailable"]),
                updated: int_of(&status["updatedNumberScheduled"]),
                current: int_of(&status["currentNumberScheduled"]),
            },
            _ => Counts {
                desired: replicas,
                ready: int_of(&status["readyReplicas"]),
                available: int_of(&status["availableReplicas"]),
                updated: int_of(&status["updatedReplicas"]),
                current: int_of(&status["replicas"]),
            },
        }
    }

    fn health(self, object: &Value, c: &Counts) -> Health {
        let conditions = &object["status"]["conditions"];
        if condition(conditions, "Progressing")
            .is_some_and(|p| str_of(&p["reason"]) == "ProgressDeadlineExceeded")
        {
            return Health::Error;
        }
        let stale = int_of(&object["status"]["observedGeneration"])
            < int_of(&object["metadata"]["generation"]);
        let rolling = stale
            || match self {
                Self::Deployment | Self::DaemonSet => c.updated < c.desired,
                Self::StatefulSet => {
                    c.updated < c.desired
                        || str_of(&object["status"]["currentRevision"])
                            != str_of(&object["status"]["updateRevision"])
                }
                _ => false,
            }
            // Old pods still going away after a scale-down or rollout.
            || c.current > c.desired;
        let settled = c.ready >= c.desired
            && (self == Self::ReplicaSet || self == Self::StatefulSet || c.available >= c.desired);
        match (settled, rolling) {
            (true, false) => Health::Ok,
            (_, true) => Health::Progressing,
            (false, false) => Health::Warning,
        }
    }
}

/// What the ownership graph labels a workload with: replicas, a
/// ReplicaSet's revision, a DaemonSet's desired count, a CronJob's
/// schedule, a Job's completions (each kind reads its own).
fn wiring(object: &Value) -> Wiring {
    let (spec, status) = (&object["spec"], &object["status"]);
    let small = |v: &Value| v.as_i64().map(|n| n.clamp(0, i32::MAX as i64) as i32);
    Wiring::Workload {
        replicas: small(&spec["replicas"]),
        revision: object["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
            .as_str()
            .map(clip),
        desired_scheduled: small(&status["desiredNumberScheduled"]).unwrap_or(0),
        schedule: clip(str_of(&spec["schedule"])),
        completions: small(&spec["completions"]),
    }
}

/// A Job: STATUS, COMPLETIONS and DURATION.
fn job(job: &Value, row: &mut Row) {
    let (spec, status) = (&job["spec"], &job["status"]);
    let conditions = &status["conditions"];
    let succeeded = int_of(&status["succeeded"]);
    let completions = match spec["completions"].as_i64() {
        Some(wanted) => format!("{succeeded}/{wanted}"),
        None => match int_of(&spec["parallelism"]) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let (start, end) = (
        unix_of(&status["startTime"]),
        unix_of(&status["completionTime"]),
    );
    let duration = match (start, end) {
        (None, _) => Cell::default(),
        // Still running: the time since it started, sorted with none.
        (Some(start), None) => Cell {
            number: None,
            ..Cell::since(start)
        },
        (Some(start), Some(end)) => Cell::number((end - start) as f64, human_duration(end - start)),
    };
    let (text, health) = if condition_true(conditions, "Complete") {
        ("Complete", Health::Ok)
    } else if condition_true(conditions, "Failed") {
        ("Failed", Health::Error)
    } else if !job["metadata"]["deletionTimestamp"].is_null() {
        ("Terminating", Health::Progressing)
    } else if condition_true(conditions, "Suspended") {
        ("Suspended", Health::Neutral)
    } else if condition_true(conditions, "FailureTarget") {
        ("FailureTarget", Health::Error)
    } else if condition_true(conditions, "SuccessCriteriaMet") {
        ("SuccessCriteriaMet", Health::Ok)
    } else {
        ("Running", Health::Progressing)
    };
    row.cells = vec![
        Cell::text(text),
        Cell::number(succeeded as f64, completions),
        duration,
    ];
    row.status = text.to_owned();
    row.health = health;
}

/// A CronJob: SCHEDULE, TIMEZONE, SUSPEND, ACTIVE and LAST SCHEDULE.
fn cron_job(cron: &Value, row: &mut Row) {
    let (spec, status) = (&cron["spec"], &cron["status"]);
    let suspended = bool_of(&spec["suspend"]);
    row.cells = vec![
        text_cell(str_of(&spec["schedule"])),
        or_none(str_of(&spec["timeZone"])),
        // Upstream printBoolPtr: an unset pointer reads <unset>.
        Cell::text(match spec["suspend"].as_bool() {
            Some(true) => "True",
            Some(false) => "False",
            None => "<unset>",
        }),
        count_cell(list_of(&status["active"]).len() as i64),
        unix_of(&status["lastScheduleTime"]).map_or_else(|| Cell::text("<none>"), Cell::since),
    ];
    row.status = if suspended { "Suspended" } else { "Scheduled" }.to_owned();
    row.health = if suspended {
        Health::Neutral
    } else {
        Health::Ok
    };
}

/// `a=b,c=d`, as kubectl prints a node selector.
fn selector_text(map: &Value) -> String {
    string_map(map)
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A PodDisruptionBudget: MIN AVAILABLE, MAX UNAVAILABLE (`2`, `50%`, or
/// `N/A` when unset) and ALLOWED DISRUPTIONS. One that allows none while
/// short of healthy pods blocks node drains: a Warning.
fn disruption_budget(pdb: &Value, row: &mut Row) {
    let (spec, status) = (&pdb["spec"], &pdb["status"]);
    let int_or_percent = |value: &Value| match value {
        Value::Number(n) => Cell::text(n.to_string()),
        Value::String(s) => text_cell(s),
        _ => Cell::text("N/A"),
    };
    let allowed = int_of(&status["disruptionsAllowed"]);
    row.cells = vec![
        int_or_percent(&spec["minAvailable"]),
        int_or_percent(&spec["maxUnavailable"]),
        count_cell(allowed),
    ];
    row.status = allowed.to_string();
    row.health = if allowed > 0 {
        Health::Ok
    } else if int_of(&status["currentHealthy"]) < int_of(&status["desiredHealthy"]) {
        Health::Warning
    } else {
        Health::Neutral
    };
}
