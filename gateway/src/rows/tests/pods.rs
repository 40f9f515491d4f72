//! Pods: every STATUS case of upstream `printPod`, READY, RESTARTS,
//! requests, health and the size of a row. Each STATUS is also checked
//! against the simulator's own, independent port of `printPod`.

use serde_json::{Value, json};

use super::{now, pod_kind, unix};
use crate::row::{Health, Resources, Row};
use crate::rows::{columns, pods, project_at};

/// A pod of a Deployment as a real cluster stores it, with `status`.
fn pod(status: Value) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web-7d4b9c8f6-x2k9p",
            "generateName": "web-7d4b9c8f6-",
            "namespace": "shop",
            "uid": "0b6e3c1a-5f0e-4d1e-9a55-3a0f6f1d2c11",
            "resourceVersion": "184467",
            "creationTimestamp": "2026-12-01T10:00:00Z",
            "labels": {"app": "web", "pod-template-hash": "7d4b9c8f6"},
            "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-12-01T09:59:00Z"},
            "ownerReferences": [{
                "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c8f6",
                "uid": "5d1c8b3e-2a1f-4c0e-8f3a-9b7e6d5c4b3a", "controller": true,
                "blockOwnerDeletion": true
            }],
            "managedFields": [{"manager": "kube-controller-manager", "operation": "Update",
                "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {}}}]
        },
        "spec": {
            "nodeName": "worker-1",
            "initContainers": [
                {"name": "migrate", "image": "shop/migrate:1.4",
                 "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}}},
                {"name": "warm", "image": "shop/warm:1.4",
                 "resources": {"requests": {"cpu": "1", "memory": "64Mi"}}}
            ],
            "containers": [
                {"name": "app", "image": "shop/web:1.4",
                 "resources": {"requests": {"cpu": "250m", "memory": "128Mi"},
                               "limits": {"cpu": "1", "memory": "256Mi"}},
                 "env": [{"name": "PASSWORD", "value": "hunter2"}]},
                {"name": "proxy", "image": "envoyproxy/envoy:v1.31",
                 "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}
            ]
        },
        "status": status
    })
}

fn running(name: &str, ready: bool, restarts: i64) -> Value {
    json!({"name": name, "ready": ready, "restartCount": restarts, "started": true,
           "image": "shop/web:1.4", "imageID": "docker.io/shop/web@sha256:0f",
           "containerID": "containerd://abc",
           "state": {"running": {"startedAt": "2026-12-01T10:00:05Z"}}})
}

fn waiting(name: &str, reason: &str) -> Value {
    json!({"name": name, "ready": false, "restartCount": 0,
           "state": {"waiting": {"reason": reason, "message": "back-off 5m0s"}}})
}

fn terminated(name: &str, terminated: Value) -> Value {
    json!({"name": name, "ready": false, "restartCount": 0,
           "state": {"terminated": terminated}})
}

fn done(name: &str) -> Value {
    terminated(name, json!({"exitCode": 0, "reason": "Completed"}))
}

fn conditions(ready: &str, since: &str) -> Value {
    json!([
        {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": "2026-12-01T10:00:02Z"},
        {"type": "Initialized", "status": "True", "lastTransitionTime": "2026-12-01T10:00:04Z"},
        {"type": "Ready", "status": ready, "lastTransitionTime": since},
        {"type": "ContainersReady", "status": ready, "lastTransitionTime": since},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-12-01T10:00:00Z"}
    ])
}

fn healthy_status() -> Value {
    json!({
        "phase": "Running",
        "conditions": conditions("True", "2026-12-01T10:00:06Z"),
        "hostIP": "10.0.0.11",
        "podIP": "10.244.1.17",
        "podIPs": [{"ip": "10.244.1.17"}],
        "startTime": "2026-12-01T10:00:00Z",
        "initContainerStatuses": [done("migrate"), done("warm")],
        "containerStatuses": [running("app", true, 0), running("proxy", true, 0)],
        "qosClass": "Burstable"
    })
}

fn row(pod: &Value) -> Row {
    let row = project_at(&pod_kind(), pod, now());
    // The simulator's port of printPod must agree, cell by cell.
    assert_eq!(sim::table::summarize_pod(pod).status, row.status, "{pod}");
    super::agrees_with_sim("", "Pod", pod, &columns(&pod_kind()), &row);
    row
}

/// STATUS, READY and health of a pod with `status`.
fn status_of(status: Value) -> (String, String, Health) {
    let row = row(&pod(status));
    (row.status.clone(), row.cells[0].text.clone(), row.health)
}

#[test]
fn running_and_ready() {
    let row = row(&pod(healthy_status()));
    let texts: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "2/2",
            "Running",
            "0",
            "10.244.1.17",
            "worker-1",
            "1",
            "256Mi"
        ]
    );
    assert_eq!(row.health, Health::Ok);
    assert_eq!(row.node.as_deref(), Some("worker-1"));
    assert_eq!(row.cells[0].number, Some(2.0));
    assert_eq!(row.owners[0].kind, "ReplicaSet");
    assert_eq!(columns(&pod_kind()).len(), row.cells.len());
}

#[test]
fn init_containers_count_up() {
    let mut status = healthy_status();
    status["phase"] = json!("Pending");
    status["conditions"][1]["status"] = json!("False");
    status["initContainerStatuses"] = json!([
        running("migrate", false, 0),
        waiting("warm", "PodInitializing")
    ]);
    status["containerStatuses"] = json!([
        waiting("app", "PodInitializing"),
        waiting("proxy", "PodInitializing")
    ]);
    assert_eq!(status_of(status.clone()).0, "Init:0/2");
    status["initContainerStatuses"] = json!([done("migrate"), running("warm", false, 0)]);
    let (text, ready, health) = status_of(status);
    assert_eq!(
        (text.as_str(), ready.as_str(), health),
        ("Init:1/2", "0/2", Health::Progressing)
    );
}

#[test]
fn init_container_failures() {
    let failing = |init: Value| {
        let mut status = healthy_status();
        status["phase"] = json!("Pending");
        status["conditions"][1]["status"] = json!("False");
        status["initContainerStatuses"] = json!([init, waiting("warm", "PodInitializing")]);
        status["containerStatuses"] = json!([waiting("app", "PodInitializing")]);
        status_of(status)
    };
    let cases = [
        (
            waiting("migrate", "CrashLoopBackOff"),
            "Init:CrashLoopBackOff",
            Health::Error,
        ),
        (
            terminated("migrate", json!({"exitCode": 1})),
            "Init:ExitCode:1",
            Health::Error,
        ),
        (
            terminated("migrate", json!({"exitCode": 137, "signal": 9})),
            "Init:Signal:9",
            Health::Error,
        ),
        (
            terminated("migrate", json!({"exitCode": 2, "reason": "Error"})),
            "Init:Error",
            Health::Error,
        ),
        (
            waiting("migrate", "ImagePullBackOff"),
            "Init:ImagePullBackOff",
            Health::Error,
        ),
    ];
    for (init, want, health) in cases {
        let (text, _, got) = failing(init);
        assert_eq!((text.as_str(), got), (want, health));
    }
}

#[test]
fn pod_initializing_once_init_is_done() {
    let mut status = healthy_status();
    status["phase"] = json!("Pending");
    status["containerStatuses"] = json!([
        waiting("app", "PodInitializing"),
        waiting("proxy", "PodInitializing")
    ]);
    assert_eq!(
        status_of(status),
        ("PodInitializing".into(), "0/2".into(), Health::Progressing)
    );
}

#[test]
fn app_container_reasons() {
    let cases = [
        (
            waiting("app", "CrashLoopBackOff"),
            "CrashLoopBackOff",
            Health::Error,
        ),
        (
            waiting("app", "ErrImagePull"),
            "ErrImagePull",
            Health::Error,
        ),
        (
            waiting("app", "ImagePullBackOff"),
            "ImagePullBackOff",
            Health::Error,
        ),
        (
            waiting("app", "ContainerCreating"),
            "ContainerCreating",
            Health::Progressing,
        ),
        (
            terminated("app", json!({"exitCode": 1, "reason": "Error"})),
            "Error",
            Health::Error,
        ),
        (
            terminated("app", json!({"exitCode": 137, "reason": "OOMKilled"})),
            "OOMKilled",
            Health::Error,
        ),
        (
            terminated("app", json!({"exitCode": 3})),
            "ExitCode:3",
            Health::Error,
        ),
        (
            terminated("app", json!({"exitCode": 0, "signal": 15})),
            "Signal:15",
            Health::Error,
        ),
    ];
    for (app, want, health) in cases {
        let mut status = healthy_status();
        status["conditions"] = conditions("False", "2026-12-02T02:59:00Z");
        status["containerStatuses"] = json!([app, running("proxy", true, 0)]);
        let (text, ready, got) = status_of(status);
        assert_eq!((text.as_str(), ready.as_str(), got), (want, "1/2", health));
    }
}

#[test]
fn completed_and_failed_pods() {
    let mut status = healthy_status();
    status["phase"] = json!("Succeeded");
    status["containerStatuses"] = json!([done("app"), done("proxy")]);
    assert_eq!(
        status_of(status.clone()),
        ("Completed".into(), "0/2".into(), Health::Ok)
    );
    status["phase"] = json!("Failed");
    status["containerStatuses"] = json!([
        terminated("app", json!({"exitCode": 1, "reason": "Error"})),
        done("proxy")
    ]);
    assert_eq!(status_of(status).2, Health::Error);
    let evicted = json!({"phase": "Failed", "reason": "Evicted",
                         "message": "The node was low on resource: memory."});
    assert_eq!(
        status_of(evicted),
        ("Evicted".into(), "0/2".into(), Health::Error)
    );
}

#[test]
fn completed_sidecar_beside_a_running_container() {
    let mut status = healthy_status();
    status["containerStatuses"] = json!([done("app"), running("proxy", true, 0)]);
    assert_eq!(status_of(status.clone()).0, "Running");
    status["conditions"] = conditions("False", "2026-12-02T02:58:00Z");
    assert_eq!(
        status_of(status.clone()),
        ("NotReady".into(), "1/2".into(), Health::Progressing)
    );
    // Not ready for longer than the grace period: an error.
    status["conditions"] = conditions("False", "2026-12-02T01:00:00Z");
    assert_eq!(status_of(status).2, Health::Error);
}

#[test]
fn running_but_not_ready() {
    let mut status = healthy_status();
    status["conditions"] = conditions("False", "2026-12-02T02:59:30Z");
    status["containerStatuses"] = json!([running("app", false, 0), running("proxy", true, 0)]);
    assert_eq!(
        status_of(status.clone()),
        ("Running".into(), "1/2".into(), Health::Progressing)
    );
    status["conditions"] = conditions("False", "2026-12-01T12:00:00Z");
    assert_eq!(status_of(status).2, Health::Error);
}

#[test]
fn terminating_and_node_lost() {
    let mut gone = pod(healthy_status());
    gone["metadata"]["deletionTimestamp"] = json!("2026-12-02T02:59:00Z");
    assert_eq!(row(&gone).status, "Terminating");
    assert_eq!(row(&gone).health, Health::Progressing);
    gone["status"]["reason"] = json!("NodeLost");
    assert_eq!(row(&gone).status, "Unknown");
    assert_eq!(row(&gone).health, Health::Error);
    // A finished pod being deleted keeps its final status.
    gone["status"] =
        json!({"phase": "Succeeded", "containerStatuses": [done("app"), done("proxy")]});
    assert_eq!(row(&gone).status, "Completed");
}

#[test]
fn pending_and_scheduling_gated() {
    assert_eq!(
        status_of(json!({"phase": "Pending"})).2,
        Health::Progressing
    );
    let gated = json!({"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]});
    assert_eq!(status_of(gated).0, "SchedulingGated");
}

#[test]
fn sidecars_count_in_ready_and_restarts() {
    let mut pod = pod(healthy_status());
    pod["spec"]["initContainers"][1]["restartPolicy"] = json!("Always");
    let mut sidecar = running("warm", true, 4);
    sidecar["started"] = json!(true);
    pod["status"]["initContainerStatuses"] = json!([done("migrate"), sidecar]);
    pod["status"]["containerStatuses"] =
        json!([running("app", true, 2), running("proxy", true, 0)]);
    let row = row(&pod);
    assert_eq!(row.cells[0].text, "3/3");
    assert_eq!(row.cells[2].text, "6");
    assert_eq!(row.cells[2].number, Some(6.0));
    assert_eq!(row.health, Health::Ok);
}

#[test]
fn restarts_add_up_over_containers() {
    let mut status = healthy_status();
    status["containerStatuses"] = json!([running("app", true, 5), running("proxy", true, 1)]);
    status["containerStatuses"][0]["lastState"] =
        json!({"terminated": {"exitCode": 1, "finishedAt": "2026-12-02T02:55:00Z"}});
    status["containerStatuses"][1]["lastState"] =
        json!({"terminated": {"exitCode": 137, "finishedAt": "2026-12-02T01:00:00Z"}});
    let row = row(&pod(status));
    assert_eq!(row.cells[2].text, "6");
    // kubectl's `6 (5m ago)`: the latest of the containers' last ends.
    assert_eq!(row.cells[2].ago, Some(unix("2026-12-02T02:55:00Z")));
}

#[test]
fn a_pod_that_never_restarted_says_no_time() {
    let mut status = healthy_status();
    status["containerStatuses"][0]["lastState"] =
        json!({"terminated": {"exitCode": 0, "finishedAt": "2026-12-02T02:55:00Z"}});
    assert_eq!(row(&pod(status)).cells[2].ago, None);
}

#[test]
fn requests_follow_the_effective_request_rule() {
    // Apps: 350m and 192Mi; the `warm` init container alone wants 1 cpu,
    // `migrate` alone 256Mi: the pod needs the larger of each.
    let spec = &pod(json!({}))["spec"];
    let want = Resources {
        cpu_millis: 1000,
        memory_bytes: 256 << 20,
    };
    assert_eq!(pods::requests(spec), want);
    // A sidecar runs beside later init containers and the apps.
    let mut spec = spec.clone();
    spec["initContainers"][0]["restartPolicy"] = json!("Always");
    spec["overhead"] = json!({"cpu": "10m", "memory": "1Mi"});
    let want = Resources {
        cpu_millis: 1500 + 10,
        memory_bytes: (448 << 20) + (1 << 20),
    };
    assert_eq!(pods::requests(&spec), want);
    assert_eq!(pods::requests(&json!({})), Resources::default());
}

#[test]
fn a_typical_pod_row_is_small_and_keeps_no_spec() {
    let row = row(&pod(healthy_status()));
    let json = serde_json::to_string(&row).unwrap();
    assert!(json.len() < 1500, "{} bytes: {json}", json.len());
    for kept_out in [
        "managedFields",
        "restartedAt",
        "hunter2",
        "envoyproxy",
        "kube-controller-manager",
    ] {
        assert!(!json.contains(kept_out), "{kept_out} in {json}");
    }
    assert_eq!(row.created, Some(unix("2026-12-01T10:00:00Z")));
}
