//! Workloads: counts, selectors and health of each kind.

use serde_json::{Value, json};

use super::{project_as, unix};
use crate::row::{Cell, Health, Row};

fn texts(row: &Row) -> Vec<&str> {
    row.cells.iter().map(|c| c.text.as_str()).collect()
}

fn deployment(replicas: i64, status: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "uid": "d-1", "generation": 4,
                     "annotations": {"deployment.kubernetes.io/revision": "4"}},
        "spec": {"replicas": replicas,
                 "selector": {"matchLabels": {"app": "web"},
                              "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "app", "image": "shop/web:1.4"}]}}},
        "status": status
    })
}

#[test]
fn deployment_at_short_of_and_rolling() {
    let at = json!({"observedGeneration": 4, "replicas": 3, "updatedReplicas": 3,
                    "readyReplicas": 3, "availableReplicas": 3});
    let row = project_as("apps", "Deployment", &deployment(3, at));
    assert_eq!(texts(&row), ["3/3", "3", "3"]);
    assert_eq!((row.status.as_str(), row.health), ("3/3", Health::Ok));
    assert_eq!(row.selector.unwrap()["app"], "web");

    let short = json!({"observedGeneration": 4, "replicas": 3, "updatedReplicas": 3,
                       "readyReplicas": 2, "availableReplicas": 2});
    assert_eq!(
        project_as("apps", "Deployment", &deployment(3, short)).health,
        Health::Warning
    );

    let rolling = json!({"observedGeneration": 4, "replicas": 4, "updatedReplicas": 1,
                         "readyReplicas": 3, "availableReplicas": 3});
    assert_eq!(
        project_as("apps", "Deployment", &deployment(3, rolling)).health,
        Health::Progressing
    );

    let stuck = json!({"observedGeneration": 4, "replicas": 3, "updatedReplicas": 1, "readyReplicas": 2,
                       "conditions": [{"type": "Progressing", "status": "False",
                                       "reason": "ProgressDeadlineExceeded"}]});
    assert_eq!(
        project_as("apps", "Deployment", &deployment(3, stuck)).health,
        Health::Error
    );

    let zero = project_as(
        "apps",
        "Deployment",
        &deployment(0, json!({"observedGeneration": 4})),
    );
    assert_eq!((texts(&zero)[0], zero.health), ("0/0", Health::Ok));
}

#[test]
fn replica_set_and_stateful_set() {
    let rs = json!({"metadata": {"name": "web-7d4b9c8f6"},
                    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "7d4b9c8f6"}}},
                    "status": {"replicas": 2, "readyReplicas": 1}});
    let row = project_as("apps", "ReplicaSet", &rs);
    assert_eq!(texts(&row), ["2", "2", "1"]);
    assert_eq!(row.health, Health::Warning);
    assert_eq!(row.selector.unwrap().len(), 2);

    let sts = json!({"spec": {"replicas": 3, "selector": {"matchLabels": {"app": "db"}}},
                     "status": {"replicas": 3, "readyReplicas": 3, "updatedReplicas": 3,
                                "currentRevision": "db-5f", "updateRevision": "db-6a"}});
    let row = project_as("apps", "StatefulSet", &sts);
    assert_eq!(
        (texts(&row), row.health),
        (vec!["3/3"], Health::Progressing)
    );
}

#[test]
fn daemon_set() {
    let ds = json!({
        "spec": {"selector": {"matchLabels": {"app": "agent"}},
                 "template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"}}}},
        "status": {"desiredNumberScheduled": 5, "currentNumberScheduled": 5, "numberReady": 5,
                   "updatedNumberScheduled": 5, "numberAvailable": 5}
    });
    let row = project_as("apps", "DaemonSet", &ds);
    assert_eq!(
        texts(&row),
        ["5", "5", "5", "5", "5", "kubernetes.io/os=linux"]
    );
    assert_eq!(row.health, Health::Ok);
}

#[test]
fn jobs() {
    let job = |status: Value, spec: Value| json!({"spec": spec, "status": status});
    let complete = job(
        json!({"succeeded": 3, "startTime": "2026-12-02T02:00:00Z", "completionTime": "2026-12-02T02:05:03Z",
               "conditions": [{"type": "SuccessCriteriaMet", "status": "True"},
                              {"type": "Complete", "status": "True"}]}),
        json!({"completions": 3, "parallelism": 2}),
    );
    let row = project_as("batch", "Job", &complete);
    assert_eq!(texts(&row), ["Complete", "3/3", "5m3s"]);
    assert_eq!((row.cells[2].number, row.health), (Some(303.0), Health::Ok));

    let running = job(
        json!({"active": 2, "startTime": "2026-12-02T02:00:00Z"}),
        json!({"parallelism": 4}),
    );
    let row = project_as("batch", "Job", &running);
    assert_eq!(texts(&row)[..2], ["Running", "0/1 of 4"]);
    assert_eq!(row.cells[2].since, Some(unix("2026-12-02T02:00:00Z")));
    assert_eq!(
        row.cells[2].number, None,
        "seconds of a duration, not an instant"
    );
    assert_eq!(row.health, Health::Progressing);

    let failed = job(
        json!({"failed": 6, "conditions": [{"type": "Failed", "status": "True",
                                                         "reason": "BackoffLimitExceeded"}]}),
        json!({}),
    );
    let row = project_as("batch", "Job", &failed);
    assert_eq!(
        (texts(&row)[..2].to_vec(), row.health),
        (vec!["Failed", "0/1"], Health::Error)
    );
    assert_eq!(row.cells[2], Cell::default());

    let suspended = job(
        json!({"conditions": [{"type": "Suspended", "status": "True"}]}),
        json!({"completions": 1}),
    );
    assert_eq!(project_as("batch", "Job", &suspended).status, "Suspended");
}

#[test]
fn cron_jobs() {
    let cron = json!({
        "spec": {"schedule": "*/5 * * * *", "timeZone": "Etc/UTC", "suspend": false,
                 "jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}},
        "status": {"active": [{"kind": "Job", "name": "report-29012345"}],
                   "lastScheduleTime": "2026-12-02T02:55:00Z"}
    });
    let row = project_as("batch", "CronJob", &cron);
    assert_eq!(texts(&row)[..4], ["*/5 * * * *", "Etc/UTC", "False", "1"]);
    assert_eq!(row.cells[4].since, Some(unix("2026-12-02T02:55:00Z")));
    assert_eq!(row.health, Health::Ok);
    let never = json!({"spec": {"schedule": "@daily", "suspend": true}});
    let row = project_as("batch", "CronJob", &never);
    assert_eq!(texts(&row), ["@daily", "<none>", "True", "0", "<none>"]);
    assert_eq!(row.health, Health::Neutral);
}

#[test]
fn disruption_budgets() {
    let pdb = json!({
        "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}},
        "status": {"disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 2, "expectedPods": 3}
    });
    let row = project_as("policy", "PodDisruptionBudget", &pdb);
    assert_eq!(
        (texts(&row), row.health),
        (vec!["2", "N/A", "1"], Health::Ok)
    );
    assert_eq!(row.selector.unwrap()["app"], "web");
    let blocking = json!({"spec": {"maxUnavailable": "25%"},
                          "status": {"disruptionsAllowed": 0, "currentHealthy": 1, "desiredHealthy": 2}});
    let row = project_as("policy", "PodDisruptionBudget", &blocking);
    assert_eq!(
        (texts(&row), row.health),
        (vec!["N/A", "25%", "0"], Health::Warning)
    );
}
