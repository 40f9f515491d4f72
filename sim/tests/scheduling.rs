//! The default scheduler as a user sees it: pods that fit nowhere stay
//! Pending with upstream's reason, cordoned nodes and the control-plane
//! taint are respected, tolerations and requests are honoured.

mod common;

use common::*;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use serde_json::json;

fn node_of(pod: &Pod) -> Option<String> {
    pod.spec.as_ref()?.node_name.clone()
}

async fn failed_scheduling(client: &kube::Client, name: &str) -> String {
    eventually("a FailedScheduling event", || async {
        pod_events(client, "default", name)
            .await
            .into_iter()
            .find(|(r, _)| r == "FailedScheduling")
            .map(|(_, m)| m)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pod_that_fits_nowhere_stays_pending_and_says_why() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    create_pod(
        &pods,
        json!({"metadata": {"name": "picky"},
               "spec": {"nodeSelector": {"disktype": "ssd"}, "containers": [{"name": "app", "image": "nginx:1.27"}]}}),
    )
    .await;
    let message = failed_scheduling(&client, "picky").await;
    assert_eq!(
        message,
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."
    );
    let pod = wait_pod(&pods, "picky", "PodScheduled=False", |p| {
        condition(p, "PodScheduled").as_deref() == Some("False")
    })
    .await;
    let cond = pod.status.as_ref().unwrap().conditions.as_ref().unwrap()[0].clone();
    assert_eq!(cond.reason.as_deref(), Some("Unschedulable"));
    assert_eq!(cond.message.as_deref(), Some(message.as_str()));
    assert_eq!(node_of(&pod), None);
    assert_eq!(status_column(&pod), "Pending");
    let described = sim.kubectl_ok(&["describe", "pod", "picky"]).await;
    assert!(described.contains("FailedScheduling"), "{described}");

    // Too big for any worker: the reason is the resource.
    create_pod(
        &pods,
        json!({"metadata": {"name": "huge"},
               "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "6"}}}]}}),
    )
    .await;
    let message = failed_scheduling(&client, "huge").await;
    assert!(
        message.starts_with("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu."),
        "{message}"
    );

    // Labelling a node makes room: the pending pod is retried and bound.
    sim.kubectl_ok(&["label", "node", "worker-2", "disktype=ssd"])
        .await;
    let pod = wait_pod(&pods, "picky", "picky to be scheduled", |p| {
        node_of(p).is_some()
    })
    .await;
    assert_eq!(node_of(&pod).as_deref(), Some("worker-2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cordoned_nodes_and_the_control_plane_get_no_new_pods() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    sim.kubectl_ok(&["cordon", "worker-1"]).await;
    sim.kubectl_ok(&["cordon", "worker-2"]).await;
    for i in 0..6 {
        create_pod(
            &pods,
            json!({"metadata": {"name": format!("p{i}")},
                   "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}),
        )
        .await;
    }
    for i in 0..6 {
        let pod = wait_pod(&pods, &format!("p{i}"), "a node", |p| node_of(p).is_some()).await;
        assert_eq!(node_of(&pod).as_deref(), Some("worker-3"), "p{i}");
    }
    let scheduled = pod_events(&client, "default", "p0").await;
    assert!(
        scheduled
            .iter()
            .any(|(r, m)| r == "Scheduled" && m == "Successfully assigned default/p0 to worker-3"),
        "{scheduled:?}"
    );

    sim.kubectl_ok(&["cordon", "worker-3"]).await;
    create_pod(
        &pods,
        json!({"metadata": {"name": "nowhere"}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}),
    )
    .await;
    let message = failed_scheduling(&client, "nowhere").await;
    assert!(
        message.starts_with("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) were unschedulable."),
        "{message}"
    );

    // A pod that tolerates the control-plane taint and asks for it lands there.
    create_pod(
        &pods,
        json!({"metadata": {"name": "admin"},
               "spec": {"nodeSelector": {"node-role.kubernetes.io/control-plane": ""},
                        "tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}],
                        "containers": [{"name": "app", "image": "nginx:1.27"}]}}),
    )
    .await;
    let pod = wait_pod(&pods, "admin", "admin to run", |p| {
        condition(p, "Ready").as_deref() == Some("True")
    })
    .await;
    assert_eq!(node_of(&pod).as_deref(), Some("control-plane"));

    sim.kubectl_ok(&["uncordon", "worker-1"]).await;
    let pod = wait_pod(&pods, "nowhere", "nowhere to be scheduled", |p| {
        node_of(p).is_some()
    })
    .await;
    assert_eq!(node_of(&pod).as_deref(), Some("worker-1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_fill_a_node_and_required_affinity_is_honoured() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    // Each worker has 4 CPUs: two 1500m pods per worker fit, a seventh does not.
    let affinity = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "NotIn", "values": ["worker-3"]}]}]}}});
    for i in 0..5 {
        create_pod(
            &pods,
            json!({"metadata": {"name": format!("big{i}")},
                   "spec": {"affinity": affinity,
                            "containers": [{"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "1500m"}}}]}}),
        )
        .await;
    }
    let mut per_node = std::collections::BTreeMap::<String, usize>::new();
    for i in 0..4 {
        let pod = wait_pod(&pods, &format!("big{i}"), "a node", |p| {
            node_of(p).is_some()
        })
        .await;
        *per_node.entry(node_of(&pod).unwrap()).or_default() += 1;
    }
    assert_eq!(
        per_node,
        [("worker-1".to_string(), 2), ("worker-2".to_string(), 2)].into(),
        "least requested spreads, NotIn keeps worker-3 out"
    );
    let message = failed_scheduling(&client, "big4").await;
    assert!(
        message.contains("2 Insufficient cpu")
            && message.contains("1 node(s) didn't match Pod's node affinity/selector"),
        "{message}"
    );
    // Deleting one makes room for the waiting pod.
    sim.kubectl_ok(&["delete", "pod", "big0"]).await;
    wait_pod(&pods, "big4", "big4 to be scheduled", |p| {
        node_of(p).is_some()
    })
    .await;
}
