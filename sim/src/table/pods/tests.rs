//! The pod STATUS state machine, walked through the situations kubectl users
//! see: init containers progressing, crash loops, image pull failures,
//! completed and failed pods, deletion, and sidecars.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{cells, columns, summarize_pod};

const NOW: &str = "2025-01-01T12:00:00Z";

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

/// The myapp-pod of the Kubernetes init-container docs: two init containers
/// waiting for a service and a database, then the app container.
fn myapp_pod(phase: &str, init: Vec<Value>, containers: Vec<Value>, conditions: Value) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "myapp-pod", "namespace": "default", "creationTimestamp": "2025-01-01T11:55:00Z"},
        "spec": {
            "nodeName": "sim-worker-1",
            "initContainers": [
                {"name": "init-myservice", "image": "busybox:1.28"},
                {"name": "init-mydb", "image": "busybox:1.28"}
            ],
            "containers": [{"name": "myapp-container", "image": "busybox:1.28"}]
        },
        "status": {
            "phase": phase,
            "conditions": conditions,
            "podIP": "10.244.1.7",
            "podIPs": [{"ip": "10.244.1.7"}],
            "initContainerStatuses": init,
            "containerStatuses": containers
        }
    })
}

/// A single-container pod with the given container statuses.
fn web_pod(phase: &str, containers: Vec<Value>, conditions: Value) -> Value {
    json!({
        "metadata": {"name": "web-7d4b9c8f5-x2x9q", "creationTimestamp": "2025-01-01T10:00:00Z"},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]},
        "status": {"phase": phase, "conditions": conditions, "containerStatuses": containers}
    })
}

fn running(name: &str, ready: bool) -> Value {
    json!({"name": name, "ready": ready, "started": true, "restartCount": 0,
           "state": {"running": {"startedAt": "2025-01-01T11:58:00Z"}}})
}

fn waiting(name: &str, reason: &str) -> Value {
    json!({"name": name, "ready": false, "started": false, "restartCount": 0,
           "state": {"waiting": {"reason": reason}}})
}

fn terminated(name: &str, exit_code: i64, reason: &str) -> Value {
    let mut state = json!({"exitCode": exit_code, "finishedAt": "2025-01-01T11:57:00Z"});
    if !reason.is_empty() {
        state["reason"] = json!(reason);
    }
    json!({"name": name, "ready": false, "started": false, "restartCount": 0,
           "state": {"terminated": state}})
}

fn conditions(initialized: bool, ready: bool) -> Value {
    let s = |b: bool| if b { "True" } else { "False" };
    json!([
        {"type": "PodScheduled", "status": "True"},
        {"type": "Initialized", "status": s(initialized)},
        {"type": "ContainersReady", "status": s(ready)},
        {"type": "Ready", "status": s(ready)}
    ])
}

/// READY, STATUS and RESTARTS cells of `pod`.
fn summary(pod: &Value) -> (String, String, String) {
    let row = cells(pod, now());
    let s = |i: usize| row[i].as_str().unwrap().to_string();
    (s(1), s(2), s(3))
}

fn status(pod: &Value) -> String {
    summary(pod).1
}

#[test]
fn columns_match_kubectl_get_pods_wide() {
    let names: Vec<_> = columns()
        .into_iter()
        .map(|c| (c.name, c.priority))
        .collect();
    let expected = [
        ("Name", 0),
        ("Ready", 0),
        ("Status", 0),
        ("Restarts", 0),
        ("Age", 0),
        ("IP", 1),
        ("Node", 1),
        ("Nominated Node", 1),
        ("Readiness Gates", 1),
    ];
    assert_eq!(names, expected.map(|(n, p)| (n.to_string(), p)));
    assert_eq!(columns()[3].type_, "string");
}

#[test]
fn pending_pod_without_statuses_shows_its_phase() {
    let pod = myapp_pod("Pending", vec![], vec![], json!([]));
    assert_eq!(summary(&pod), ("0/1".into(), "Pending".into(), "0".into()));
}

#[test]
fn myapp_pod_walks_init_0_of_2_to_running() {
    let first_init_running = myapp_pod(
        "Pending",
        vec![
            running("init-myservice", false),
            waiting("init-mydb", "PodInitializing"),
        ],
        vec![waiting("myapp-container", "PodInitializing")],
        conditions(false, false),
    );
    assert_eq!(
        summary(&first_init_running),
        ("0/1".into(), "Init:0/2".into(), "0".into())
    );

    let second_init_running = myapp_pod(
        "Pending",
        vec![
            terminated("init-myservice", 0, "Completed"),
            running("init-mydb", false),
        ],
        vec![waiting("myapp-container", "PodInitializing")],
        conditions(false, false),
    );
    assert_eq!(status(&second_init_running), "Init:1/2");

    let initialized = myapp_pod(
        "Pending",
        vec![
            terminated("init-myservice", 0, "Completed"),
            terminated("init-mydb", 0, "Completed"),
        ],
        vec![waiting("myapp-container", "PodInitializing")],
        conditions(true, false),
    );
    assert_eq!(
        summary(&initialized),
        ("0/1".into(), "PodInitializing".into(), "0".into())
    );

    let up = myapp_pod(
        "Running",
        vec![
            terminated("init-myservice", 0, "Completed"),
            terminated("init-mydb", 0, "Completed"),
        ],
        vec![running("myapp-container", true)],
        conditions(true, true),
    );
    assert_eq!(summary(&up), ("1/1".into(), "Running".into(), "0".into()));
}

#[test]
fn init_container_waiting_pod_initializing_counts_as_its_index() {
    let pod = myapp_pod(
        "Pending",
        vec![
            waiting("init-myservice", "PodInitializing"),
            waiting("init-mydb", "PodInitializing"),
        ],
        vec![],
        conditions(false, false),
    );
    assert_eq!(status(&pod), "Init:0/2");
}

#[test]
fn init_container_failures() {
    let with_init = |first: Value| {
        myapp_pod(
            "Pending",
            vec![first, waiting("init-mydb", "PodInitializing")],
            vec![],
            conditions(false, false),
        )
    };
    assert_eq!(
        status(&with_init(waiting("init-myservice", "CrashLoopBackOff"))),
        "Init:CrashLoopBackOff"
    );
    assert_eq!(
        status(&with_init(waiting("init-myservice", "ImagePullBackOff"))),
        "Init:ImagePullBackOff"
    );
    assert_eq!(
        status(&with_init(terminated("init-myservice", 1, "Error"))),
        "Init:Error"
    );
    assert_eq!(
        status(&with_init(terminated("init-myservice", 3, ""))),
        "Init:ExitCode:3"
    );
    let mut killed = terminated("init-myservice", 137, "");
    killed["state"]["terminated"]["signal"] = json!(9);
    assert_eq!(status(&with_init(killed)), "Init:Signal:9");
}

#[test]
fn crash_looping_init_container_reports_its_restarts() {
    let mut crashing = waiting("init-myservice", "CrashLoopBackOff");
    crashing["restartCount"] = json!(3);
    crashing["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2025-01-01T11:59:20Z"}});
    let pod = myapp_pod("Pending", vec![crashing], vec![], conditions(false, false));
    assert_eq!(
        summary(&pod),
        (
            "0/1".into(),
            "Init:CrashLoopBackOff".into(),
            "3 (40s ago)".into()
        )
    );
}

#[test]
fn crash_loop_back_off_with_restarts_ago() {
    let mut crashing = waiting("nginx", "CrashLoopBackOff");
    crashing["restartCount"] = json!(4);
    crashing["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2025-01-01T11:58:30Z"}});
    let pod = web_pod("Running", vec![crashing], conditions(true, false));
    assert_eq!(
        summary(&pod),
        (
            "0/1".into(),
            "CrashLoopBackOff".into(),
            "4 (90s ago)".into()
        )
    );
}

#[test]
fn restarts_without_a_last_termination_time_are_a_bare_number() {
    let mut restarted = running("nginx", true);
    restarted["restartCount"] = json!(2);
    let pod = web_pod("Running", vec![restarted], conditions(true, true));
    assert_eq!(summary(&pod), ("1/1".into(), "Running".into(), "2".into()));
}

#[test]
fn restart_time_is_the_latest_termination_across_containers() {
    let mut a = running("a", true);
    a["restartCount"] = json!(1);
    a["lastState"] = json!({"terminated": {"exitCode": 1, "finishedAt": "2025-01-01T09:00:00Z"}});
    let mut b = running("b", true);
    b["restartCount"] = json!(2);
    b["lastState"] = json!({"terminated": {"exitCode": 1, "finishedAt": "2025-01-01T11:55:00Z"}});
    let mut pod = web_pod("Running", vec![a, b], conditions(true, true));
    pod["spec"]["containers"] = json!([{"name": "a"}, {"name": "b"}]);
    assert_eq!(
        summary(&pod),
        ("2/2".into(), "Running".into(), "3 (5m ago)".into())
    );
}

#[test]
fn waiting_reasons_of_app_containers() {
    for reason in [
        "ContainerCreating",
        "ErrImagePull",
        "ImagePullBackOff",
        "CreateContainerConfigError",
    ] {
        let pod = web_pod(
            "Pending",
            vec![waiting("nginx", reason)],
            conditions(true, false),
        );
        assert_eq!(summary(&pod), ("0/1".into(), reason.into(), "0".into()));
    }
}

#[test]
fn completed_job_pod() {
    let pod = web_pod(
        "Succeeded",
        vec![terminated("nginx", 0, "Completed")],
        conditions(true, false),
    );
    assert_eq!(
        summary(&pod),
        ("0/1".into(), "Completed".into(), "0".into())
    );
}

#[test]
fn terminated_app_containers() {
    let failed = |c: Value| status(&web_pod("Failed", vec![c], conditions(true, false)));
    assert_eq!(failed(terminated("nginx", 1, "Error")), "Error");
    assert_eq!(failed(terminated("nginx", 137, "OOMKilled")), "OOMKilled");
    assert_eq!(failed(terminated("nginx", 2, "")), "ExitCode:2");
    let mut signalled = terminated("nginx", 143, "");
    signalled["state"]["terminated"]["signal"] = json!(15);
    assert_eq!(failed(signalled), "Signal:15");
}

#[test]
fn first_container_reason_wins_over_later_ones() {
    let mut pod = web_pod(
        "Running",
        vec![
            waiting("app", "CrashLoopBackOff"),
            waiting("proxy", "ImagePullBackOff"),
        ],
        conditions(true, false),
    );
    pod["spec"]["containers"] = json!([{"name": "app"}, {"name": "proxy"}]);
    assert_eq!(status(&pod), "CrashLoopBackOff");
}

#[test]
fn completed_container_next_to_a_running_one_is_running_or_not_ready() {
    let two = |ready_condition: bool| {
        let mut pod = web_pod(
            "Running",
            vec![
                terminated("migrate", 0, "Completed"),
                running("server", true),
            ],
            conditions(true, ready_condition),
        );
        pod["spec"]["containers"] = json!([{"name": "migrate"}, {"name": "server"}]);
        pod
    };
    assert_eq!(
        summary(&two(true)),
        ("1/2".into(), "Running".into(), "0".into())
    );
    assert_eq!(
        summary(&two(false)),
        ("1/2".into(), "NotReady".into(), "0".into())
    );
}

#[test]
fn running_but_unready_container_counts_zero_ready() {
    let pod = web_pod(
        "Running",
        vec![running("nginx", false)],
        conditions(true, false),
    );
    assert_eq!(summary(&pod), ("0/1".into(), "Running".into(), "0".into()));
}

#[test]
fn deletion_timestamp_means_terminating_until_terminal() {
    let mut pod = web_pod(
        "Running",
        vec![running("nginx", true)],
        conditions(true, true),
    );
    pod["metadata"]["deletionTimestamp"] = json!("2025-01-01T11:59:50Z");
    assert_eq!(status(&pod), "Terminating");

    let mut done = web_pod(
        "Succeeded",
        vec![terminated("nginx", 0, "Completed")],
        conditions(true, false),
    );
    done["metadata"]["deletionTimestamp"] = json!("2025-01-01T11:59:50Z");
    assert_eq!(status(&done), "Completed");
}

#[test]
fn pod_on_a_lost_node_being_deleted_is_unknown() {
    let mut pod = web_pod(
        "Running",
        vec![running("nginx", true)],
        conditions(true, true),
    );
    pod["status"]["reason"] = json!("NodeLost");
    pod["metadata"]["deletionTimestamp"] = json!("2025-01-01T11:59:50Z");
    assert_eq!(status(&pod), "Unknown");
}

#[test]
fn status_reason_replaces_the_phase() {
    let mut pod = web_pod("Failed", vec![], json!([]));
    pod["status"]["reason"] = json!("Evicted");
    assert_eq!(status(&pod), "Evicted");
}

#[test]
fn scheduling_gated_pod() {
    let pod = web_pod(
        "Pending",
        vec![],
        json!([{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]),
    );
    assert_eq!(status(&pod), "SchedulingGated");
}

/// A pod with a log-shipper sidecar (restartable init container) before a
/// one-shot init container.
fn sidecar_pod(init: Vec<Value>, containers: Vec<Value>, conditions: Value) -> Value {
    json!({
        "metadata": {"name": "api-0", "creationTimestamp": "2025-01-01T11:00:00Z"},
        "spec": {
            "initContainers": [
                {"name": "log-shipper", "image": "fluent-bit:3", "restartPolicy": "Always"},
                {"name": "migrate", "image": "api:1"}
            ],
            "containers": [{"name": "api", "image": "api:1"}]
        },
        "status": {"phase": "Running", "conditions": conditions,
                   "initContainerStatuses": init, "containerStatuses": containers}
    })
}

#[test]
fn sidecars_count_in_ready_and_total() {
    let pod = sidecar_pod(
        vec![
            running("log-shipper", true),
            terminated("migrate", 0, "Completed"),
        ],
        vec![running("api", true)],
        conditions(true, true),
    );
    assert_eq!(summary(&pod), ("2/2".into(), "Running".into(), "0".into()));
}

#[test]
fn started_sidecar_lets_the_next_init_container_show_progress() {
    let pod = sidecar_pod(
        vec![running("log-shipper", true), running("migrate", false)],
        vec![waiting("api", "PodInitializing")],
        conditions(false, false),
    );
    assert_eq!(summary(&pod), ("1/2".into(), "Init:1/2".into(), "0".into()));
}

#[test]
fn sidecar_not_yet_started_blocks_initialization() {
    let mut starting = running("log-shipper", false);
    starting["started"] = json!(false);
    let pod = sidecar_pod(vec![starting], vec![], conditions(false, false));
    assert_eq!(summary(&pod), ("0/2".into(), "Init:0/2".into(), "0".into()));
}

#[test]
fn sidecar_restarts_count_once_the_pod_is_initialized() {
    let mut shipper = running("log-shipper", true);
    shipper["restartCount"] = json!(2);
    shipper["lastState"] =
        json!({"terminated": {"exitCode": 1, "finishedAt": "2025-01-01T11:50:00Z"}});
    let mut migrate = terminated("migrate", 0, "Completed");
    migrate["restartCount"] = json!(5);
    let pod = sidecar_pod(
        vec![shipper, migrate],
        vec![running("api", true)],
        conditions(true, true),
    );
    assert_eq!(summary(&pod).2, "2 (10m ago)");
}

#[test]
fn wide_cells_show_ip_node_and_none_placeholders() {
    let pod = myapp_pod(
        "Running",
        vec![],
        vec![running("myapp-container", true)],
        conditions(true, true),
    );
    let row = cells(&pod, now());
    assert_eq!(row[0], json!("myapp-pod"));
    assert_eq!(row[4], json!("5m"));
    assert_eq!(
        &row[5..],
        [
            json!("10.244.1.7"),
            json!("sim-worker-1"),
            json!("<none>"),
            json!("<none>")
        ]
    );

    let bare = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}});
    let row = cells(&bare, now());
    assert_eq!(
        &row[4..],
        [
            json!("<unknown>"),
            json!("<none>"),
            json!("<none>"),
            json!("<none>"),
            json!("<none>")
        ]
    );
}

#[test]
fn readiness_gates_count_true_conditions() {
    let mut pod = web_pod(
        "Running",
        vec![running("nginx", true)],
        conditions(true, false),
    );
    pod["spec"]["readinessGates"] = json!([
        {"conditionType": "example.com/lb-registered"},
        {"conditionType": "example.com/warmed-up"}
    ]);
    pod["status"]["conditions"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "example.com/lb-registered", "status": "True"}));
    assert_eq!(cells(&pod, now())[8], json!("1/2"));
}

#[test]
fn summary_exposes_the_raw_restart_time() {
    let mut crashing = waiting("nginx", "CrashLoopBackOff");
    crashing["restartCount"] = json!(1);
    crashing["lastState"] =
        json!({"terminated": {"exitCode": 1, "finishedAt": "2025-01-01T11:58:30Z"}});
    let pod = web_pod("Running", vec![crashing], json!([]));
    let summary = summarize_pod(&pod);
    assert_eq!(summary.restarts, 1);
    assert_eq!(
        summary.last_restart,
        Some("2025-01-01T11:58:30Z".parse().unwrap())
    );
}
