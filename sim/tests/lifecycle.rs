//! Pods on the simulated nodes, seen through the API like a user sees them:
//! init containers one at a time, readiness, pod IPs from the node's CIDR,
//! run-to-completion exit codes, crash loops, image pull failures, events
//! in `kubectl describe`, and graceful deletion.

mod common;

use std::net::Ipv4Addr;

use common::*;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::Api;
use serde_json::json;

fn in_cidr(ip: &str, cidr: &str) -> bool {
    let (net, bits) = cidr.split_once('/').expect("cidr");
    let (net, bits): (Ipv4Addr, u32) = (net.parse().unwrap(), bits.parse().unwrap());
    let mask = u32::MAX << (32 - bits);
    (u32::from(ip.parse::<Ipv4Addr>().unwrap()) & mask) == (u32::from(net) & mask)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_containers_run_one_at_a_time_then_the_pod_is_ready() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let recording = record_pod(&pods, "myapp-pod", "myapp-pod to be Ready", |p| {
        condition(p, "Ready").as_deref() == Some("True")
    })
    .await;
    create_pod(
        &pods,
        json!({"metadata": {"name": "myapp-pod", "labels": {"app.kubernetes.io/name": "MyApp"}},
               "spec": {
                   "initContainers": [
                       {"name": "init-myservice", "image": "busybox:1.28", "command": ["sh", "-c", "until nslookup myservice; do sleep 2; done"]},
                       {"name": "init-mydb", "image": "busybox:1.28", "command": ["sh", "-c", "until nslookup mydb; do sleep 2; done"]}],
                   "containers": [{"name": "myapp-container", "image": "busybox:1.28", "command": ["sh", "-c", "echo The app is running! && sleep 3600"]}]}}),
    )
    .await;
    let seen = recording.await.unwrap();
    let pod = seen.last().unwrap().clone();
    let statuses = status_walk(&seen);
    let walk: Vec<&str> = statuses
        .iter()
        .map(String::as_str)
        .filter(|s| *s != "Pending")
        .collect();
    assert_eq!(
        walk,
        ["Init:0/2", "Init:1/2", "PodInitializing", "Running"],
        "STATUS as seen through the watch: {statuses:?}"
    );
    let status = pod.status.clone().unwrap();
    assert_eq!(status.phase.as_deref(), Some("Running"));
    for ty in ["PodScheduled", "Initialized", "ContainersReady", "Ready"] {
        assert_eq!(condition(&pod, ty).as_deref(), Some("True"), "{ty}");
    }
    let node_name = pod.spec.as_ref().unwrap().node_name.clone().unwrap();
    assert_ne!(node_name, "control-plane", "the control plane is tainted");
    let node = Api::<Node>::all(client).get(&node_name).await.unwrap();
    let cidr = node.spec.unwrap().pod_cidr.unwrap();
    let ip = status.pod_ip.unwrap();
    assert!(in_cidr(&ip, &cidr), "{ip} is in {cidr}");
    assert!(status.start_time.is_some());
    assert!(status.host_ip.is_some());
    let inits = status.init_container_statuses.unwrap();
    assert!(inits.iter().all(|s| {
        s.state
            .as_ref()
            .unwrap()
            .terminated
            .as_ref()
            .unwrap()
            .exit_code
            == 0
    }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_to_completion_pods_succeed_or_fail_by_exit_code() {
    let sim = common::start().await;
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "default");
    for (name, code) in [("ok", "0"), ("fails", "3")] {
        create_pod(
            &pods,
            json!({"metadata": {"name": name, "annotations": {"sim.pilothouse.dev/exit-code": code, "sim.pilothouse.dev/run-seconds": "2"}},
                   "spec": {"restartPolicy": "Never", "containers": [{"name": "job", "image": "busybox:1.36"}]}}),
        )
        .await;
    }
    let finished = |p: &Pod| {
        matches!(
            p.status.as_ref().and_then(|s| s.phase.as_deref()),
            Some("Succeeded" | "Failed")
        )
    };
    let ok = wait_pod(&pods, "ok", "ok to finish", finished).await;
    assert_eq!(
        ok.status.as_ref().unwrap().phase.as_deref(),
        Some("Succeeded")
    );
    assert_eq!(status_column(&ok), "Completed");
    let failed = wait_pod(&pods, "fails", "fails to finish", finished).await;
    assert_eq!(
        failed.status.as_ref().unwrap().phase.as_deref(),
        Some("Failed")
    );
    assert_eq!(status_column(&failed), "Error");
    let terminated = failed.status.unwrap().container_statuses.unwrap()[0]
        .state
        .clone()
        .unwrap()
        .terminated
        .unwrap();
    assert_eq!(terminated.exit_code, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_readiness_delay_holds_ready_back_while_the_container_runs() {
    let sim = common::start().await;
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "default");
    create_pod(
        &pods,
        json!({"metadata": {"name": "slow"},
               "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                   "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 20}}]}}),
    )
    .await;
    let mut running_unready = false;
    watch_pod_until(
        &pods,
        "slow",
        "slow to become Ready",
        |p| {
            running_unready |=
                status_column(p) == "Running" && condition(p, "Ready").as_deref() == Some("False");
        },
        |p| condition(p, "Ready").as_deref() == Some("True"),
    )
    .await;
    assert!(
        running_unready,
        "Running but not Ready during initialDelaySeconds"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_shows_the_scheduler_and_kubelet_events() {
    let sim = common::start().await;
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "default");
    create_pod(
        &pods,
        json!({"metadata": {"name": "web"}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}),
    )
    .await;
    wait_pod(&pods, "web", "web to be Ready", |p| {
        condition(p, "Ready").as_deref() == Some("True")
    })
    .await;
    let out = sim.kubectl_ok(&["describe", "pod", "web"]).await;
    let events = out.split("Events:").nth(1).expect("an Events section");
    for (reason, message) in [
        ("Scheduled", "Successfully assigned default/web to worker-"),
        ("Pulling", "Pulling image \"nginx:1.27\""),
        ("Pulled", "Successfully pulled image \"nginx:1.27\""),
        ("Created", "Created container: nginx"),
        ("Started", "Started container nginx"),
    ] {
        let line = events
            .lines()
            .find(|l| l.contains(&format!(" {reason} ")))
            .unwrap_or_else(|| panic!("no {reason} event in:\n{out}"));
        assert!(line.contains(message), "{line}");
    }
    assert!(out.contains("Status:           Running"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_loops_back_off_and_bad_images_back_off() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let crasher = record_pod(&pods, "crasher", "crasher to back off twice", |p| {
        let restarts = p
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .map_or(0, |c| c[0].restart_count);
        restarts >= 2 && status_column(p) == "CrashLoopBackOff"
    })
    .await;
    let badimage = record_pod(&pods, "badimage", "badimage to back off", |p| {
        status_column(p) == "ImagePullBackOff"
    })
    .await;
    create_pod(
        &pods,
        json!({"metadata": {"name": "crasher", "annotations": {"sim.pilothouse.dev/crash-loop": "true", "sim.pilothouse.dev/run-seconds": "1"}},
               "spec": {"containers": [{"name": "app", "image": "busybox:1.36"}]}}),
    )
    .await;
    create_pod(
        &pods,
        json!({"metadata": {"name": "badimage", "annotations": {"sim.pilothouse.dev/image-pull": "fail"}},
               "spec": {"containers": [{"name": "app", "image": "registry.example/nope:1.0"}]}}),
    )
    .await;

    let seen = crasher.await.unwrap();
    let crashed = seen.last().unwrap().clone();
    let seen = status_walk(&seen);
    assert!(seen.iter().any(|s| s == "Error"), "{seen:?}");
    let cs = &crashed.status.unwrap().container_statuses.unwrap()[0];
    let last = cs.last_state.as_ref().unwrap().terminated.as_ref().unwrap();
    assert_eq!(last.exit_code, 1);
    let table = sim.kubectl_ok(&["get", "pod", "crasher"]).await;
    assert!(table.contains("CrashLoopBackOff"), "{table}");

    let seen = status_walk(&badimage.await.unwrap());
    assert!(seen.iter().any(|s| s == "ErrImagePull"), "{seen:?}");
    let events = pod_events(&client, "default", "badimage").await;
    assert!(
        events.iter().any(|(r, m)| r == "Failed"
            && m.starts_with("Failed to pull image \"registry.example/nope:1.0\"")),
        "{events:?}"
    );
    assert!(events.iter().any(|(r, _)| r == "BackOff"), "{events:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_delete_waits_for_graceful_termination() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    create_pod(
        &pods,
        json!({"metadata": {"name": "goner"}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}),
    )
    .await;
    wait_pod(&pods, "goner", "goner to run", |p| {
        condition(p, "Ready").as_deref() == Some("True")
    })
    .await;
    let watch = record_pod(&pods, "goner", "goner to be Terminating", |p| {
        p.metadata.deletion_timestamp.is_some()
    })
    .await;
    let out = sim.kubectl_ok(&["delete", "pod", "goner"]).await;
    assert!(out.contains("pod \"goner\" deleted"), "{out}");
    let terminating = watch.await.unwrap().last().unwrap().clone();
    assert_eq!(status_column(&terminating), "Terminating");
    assert!(pods.get_opt("goner").await.unwrap().is_none());
    let events = pod_events(&client, "default", "goner").await;
    assert!(
        events
            .iter()
            .any(|(r, m)| r == "Killing" && m == "Stopping container app"),
        "{events:?}"
    );
}
