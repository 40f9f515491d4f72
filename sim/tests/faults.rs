//! Fault injection through `/sim/v1`: a stopped kubelet makes its node
//! NotReady and its pods get evicted; starting it again heals the node;
//! crashed containers restart; compaction and dropped watches make clients
//! relist or resume; errors come back as `Status` objects.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{ConfigMap, Node, Pod};
use kube::api::{Api, PostParams, WatchEvent, WatchParams};
use kube::runtime::{WatchStreamExt, reflector, watcher};
use serde_json::json;

fn node_condition(node: &Node, ty: &str) -> Option<(String, Option<String>)> {
    node.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == ty)
        .map(|c| (c.status.clone(), c.message.clone()))
}

fn taint_keys(node: &Node) -> Vec<(String, String)> {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.effect))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_node_goes_unknown_its_pods_are_evicted_and_it_recovers() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let nodes: Api<Node> = Api::all(client.clone());
    // Pinned to worker-2; one tolerates unreachable nodes for 20 s, one forever.
    for (name, seconds) in [("short", json!(20)), ("forever", json!(null))] {
        let mut toleration = json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"});
        if !seconds.is_null() {
            toleration["tolerationSeconds"] = seconds;
        }
        create_pod(
            &pods,
            json!({"metadata": {"name": name},
                   "spec": {"nodeSelector": {"kubernetes.io/hostname": "worker-2"}, "tolerations": [toleration],
                            "containers": [{"name": "app", "image": "nginx:1.27"}]}}),
        )
        .await;
        wait_pod(&pods, name, "the pod to run", |p| {
            condition(p, "Ready").as_deref() == Some("True")
        })
        .await;
    }
    // Admission adds the default 300 s tolerations to pods that have none.
    let plain = create_pod(
        &pods,
        json!({"metadata": {"name": "plain"}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}),
    )
    .await;
    let tolerations = plain.spec.unwrap().tolerations.unwrap();
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        assert!(
            tolerations.iter().any(|t| t.key.as_deref() == Some(key)
                && t.effect.as_deref() == Some("NoExecute")
                && t.toleration_seconds == Some(300)),
            "{tolerations:?}"
        );
    }

    let (code, body) = sim_api(&client, "POST", "/sim/v1/nodes/worker-2/stop").await;
    assert_eq!(code, 200, "{body}");
    let node = eventually("worker-2 to become NotReady", || async {
        let n = nodes.get("worker-2").await.unwrap();
        let tainted = taint_keys(&n).len() == 2;
        (node_condition(&n, "Ready").unwrap().0 == "Unknown" && tainted).then_some(n)
    })
    .await;
    assert_eq!(
        node_condition(&node, "Ready").unwrap().1.as_deref(),
        Some("Kubelet stopped posting node status.")
    );
    let mut taints = taint_keys(&node);
    taints.sort();
    assert_eq!(
        taints,
        [
            (
                "node.kubernetes.io/unreachable".to_string(),
                "NoExecute".to_string()
            ),
            (
                "node.kubernetes.io/unreachable".to_string(),
                "NoSchedule".to_string()
            ),
        ]
    );
    let table = sim.kubectl_ok(&["get", "node", "worker-2"]).await;
    assert!(table.contains("NotReady"), "{table}");
    wait_pod(
        &pods,
        "forever",
        "pods of the lost node to be marked not ready",
        |p| condition(p, "Ready").as_deref() == Some("False"),
    )
    .await;

    // After its 20 s toleration the pod is evicted; the other one stays.
    let evicted = wait_pod(&pods, "short", "short to be evicted", |p| {
        p.metadata.deletion_timestamp.is_some()
    })
    .await;
    assert_eq!(status_column(&evicted), "Terminating");
    let events = pod_events(&client, "default", "short").await;
    assert!(
        events
            .iter()
            .any(|(r, m)| r == "TaintManagerEviction"
                && m == "Marking for deletion Pod default/short"),
        "{events:?}"
    );
    let forever = pods.get("forever").await.unwrap();
    assert!(forever.metadata.deletion_timestamp.is_none());
    // New pods avoid the unreachable node.
    create_pod(
        &pods,
        json!({"metadata": {"name": "newcomer"},
               "spec": {"nodeSelector": {"kubernetes.io/hostname": "worker-2"}, "containers": [{"name": "app", "image": "nginx:1.27"}]}}),
    )
    .await;
    wait_pod(&pods, "newcomer", "newcomer to be unschedulable", |p| {
        condition(p, "PodScheduled").as_deref() == Some("False")
    })
    .await;
    let (_, faults) = sim_api(&client, "GET", "/sim/v1/faults").await;
    assert_eq!(faults["stoppedNodes"], json!(["worker-2"]));

    let (code, _) = sim_api(&client, "POST", "/sim/v1/nodes/worker-2/start").await;
    assert_eq!(code, 200);
    eventually("worker-2 to be Ready without taints", || async {
        let n = nodes.get("worker-2").await.unwrap();
        (node_condition(&n, "Ready").unwrap().0 == "True" && taint_keys(&n).is_empty())
            .then_some(())
    })
    .await;
    // The kubelet finishes the eviction, and the waiting pod gets the node.
    eventually("short to be gone", || async {
        pods.get_opt("short").await.unwrap().is_none().then_some(())
    })
    .await;
    wait_pod(&pods, "newcomer", "newcomer to run on worker-2", |p| {
        condition(p, "Ready").as_deref() == Some("True")
    })
    .await;
    wait_pod(&pods, "forever", "forever to be Ready again", |p| {
        condition(p, "Ready").as_deref() == Some("True")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crashing_a_container_restarts_it_and_errors_are_statuses() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    create_pod(
        &pods,
        json!({"metadata": {"name": "victim"}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}, {"name": "side", "image": "busybox:1.36"}]}}),
    )
    .await;
    wait_pod(&pods, "victim", "victim to run", |p| {
        condition(p, "Ready").as_deref() == Some("True")
    })
    .await;
    let (code, body) = sim_api(
        &client,
        "POST",
        "/sim/v1/namespaces/default/pods/victim/crash?container=side",
    )
    .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["exitCode"], 137);
    let pod = wait_pod(&pods, "victim", "side to restart", |p| {
        let statuses = p
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.clone())
            .unwrap_or_default();
        statuses
            .iter()
            .any(|c| c.name == "side" && c.restart_count == 1 && c.ready)
    })
    .await;
    let side = pod
        .status
        .unwrap()
        .container_statuses
        .unwrap()
        .into_iter()
        .find(|c| c.name == "side")
        .unwrap();
    assert_eq!(side.last_state.unwrap().terminated.unwrap().exit_code, 137);

    let (code, body) = sim_api(&client, "POST", "/sim/v1/nodes/nope/stop").await;
    assert_eq!(code, 404, "{body}");
    assert_eq!(body["reason"], "NotFound");
    let (code, body) = sim_api(
        &client,
        "POST",
        "/sim/v1/namespaces/default/pods/victim/crash?container=ghost",
    )
    .await;
    assert_eq!(code, 409, "{body}");
    let (code, _) = sim_api(&client, "GET", "/sim/v1/nodes/worker-1/stop").await;
    assert_eq!(code, 405);
    let (code, _) = sim_api(&client, "POST", "/sim/v1/unknown").await;
    assert_eq!(code, 404);

    // Failing image pulls: a new pod with a fresh image backs off.
    create_pod(
        &pods,
        json!({"metadata": {"name": "later"}, "spec": {"nodeName": "worker-1", "containers": [{"name": "app", "image": "registry.example/later:1.0"}]}}),
    )
    .await;
    let (code, _) = sim_api(
        &client,
        "POST",
        "/sim/v1/namespaces/default/pods/later/image-pull-failure",
    )
    .await;
    assert_eq!(code, 200);
    wait_pod(&pods, "later", "later to back off", |p| {
        status_column(p) == "ImagePullBackOff"
    })
    .await;
    let (code, _) = sim_api(
        &client,
        "DELETE",
        "/sim/v1/namespaces/default/pods/later/image-pull-failure",
    )
    .await;
    assert_eq!(code, 200);
    wait_pod(&pods, "later", "later to run once pulls work", |p| {
        condition(p, "Ready").as_deref() == Some("True")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_and_dropped_watches_make_clients_relist_or_resume() {
    let sim = common::start().await;
    let client = sim.client().await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let cm = |name: &str| -> ConfigMap {
        serde_json::from_value(json!({"metadata": {"name": name}, "data": {"k": "v"}})).unwrap()
    };
    let (reader, writer) = reflector::store();
    let inits = Arc::new(AtomicUsize::new(0));
    let counter = inits.clone();
    let stream = reflector(writer, watcher(api.clone(), watcher::Config::default()))
        .inspect_ok(move |e| {
            if matches!(e, watcher::Event::Init) {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        })
        .applied_objects();
    let task = tokio::spawn(stream.for_each(|_| async {}));
    within(
        "the reflector's first list",
        TIMEOUT,
        reader.wait_until_ready(),
    )
    .await
    .unwrap();
    api.create(&PostParams::default(), &cm("before"))
        .await
        .unwrap();

    // Compaction: the open watch gets an in-stream 410 and relists.
    let (code, _) = sim_api(&client, "POST", "/sim/v1/compact").await;
    assert_eq!(code, 200);
    api.create(&PostParams::default(), &cm("after-compaction"))
        .await
        .unwrap();
    eventually("a relist after the 410", || async {
        (inits.load(Ordering::SeqCst) >= 2).then_some(())
    })
    .await;
    let has = |name: &'static str| {
        let reader = reader.clone();
        move || {
            let reader = reader.clone();
            async move {
                reader
                    .state()
                    .iter()
                    .any(|c| c.metadata.name.as_deref() == Some(name))
                    .then_some(())
            }
        }
    };
    eventually(
        "the reflector to see after-compaction",
        has("after-compaction"),
    )
    .await;

    // Dropping watches ends a raw stream; the watcher resumes and keeps up.
    let raw = api
        .watch(&WatchParams::default(), "0")
        .await
        .unwrap()
        .boxed();
    let relists_before = inits.load(Ordering::SeqCst);
    let (code, _) = sim_api(&client, "POST", "/sim/v1/watches/drop").await;
    assert_eq!(code, 200);
    ends("the dropped stream", raw).await;
    api.create(&PostParams::default(), &cm("after-drop"))
        .await
        .unwrap();
    eventually("the reflector to see after-drop", has("after-drop")).await;
    assert_eq!(
        inits.load(Ordering::SeqCst),
        relists_before,
        "a dropped watch resumes from its resourceVersion without relisting"
    );

    // Stalled watches deliver late, but deliver.
    let (code, body) = sim_api(&client, "POST", "/sim/v1/watches/stall?seconds=20").await;
    assert_eq!(code, 200, "{body}");
    assert!(body["stalledUntil"].is_string());
    let mut raw = api
        .watch(
            &WatchParams::default(),
            &api.list(&Default::default())
                .await
                .unwrap()
                .metadata
                .resource_version
                .unwrap(),
        )
        .await
        .unwrap()
        .boxed();
    api.create(&PostParams::default(), &cm("during-stall"))
        .await
        .unwrap();
    let event = within("the stalled watch to deliver", TIMEOUT, raw.try_next())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(event, WatchEvent::Added(c) if c.metadata.name.as_deref() == Some("during-stall"))
    );
    task.abort();
}
