//! StatefulSet and DaemonSet controllers through kubectl and kube-rs:
//! ordinals created in order with their claims, scale-down from the top,
//! rolling updates with ControllerRevisions; one daemon pod per eligible
//! node, following nodes that come and go.
//!
//! A fake kubelet (tests/common/kubelet.rs) binds and runs pods until the
//! simulated scheduler and kubelets are merged; where a test needs to hold
//! a pod back, it writes the pod's Ready status itself.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::kubelet::Fate;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, Patch, PatchParams};
use serde_json::{Value, json};

async fn json_of(sim: &common::TestSim, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    serde_json::from_str(&sim.kubectl_ok(&all).await).unwrap()
}

async fn pod_names(sim: &common::TestSim, selector: &str) -> Vec<String> {
    let pods = json_of(sim, &["get", "pods", "-l", selector]).await;
    let mut names: Vec<String> = pods["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// Plays the kubelet for one held pod: Running and Ready now.
async fn make_ready(sim: &common::TestSim, name: &str) {
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "default");
    let pod = serde_json::to_value(pods.get(name).await.unwrap()).unwrap();
    let now = sim.handle.store().clock().now_rfc3339();
    let status = sim::cluster::running_pod_status(&pod, "172.18.1.3", "10.244.1.50", &now);
    pods.patch_status(
        name,
        &PatchParams::default(),
        &Patch::Merge(json!({ "status": status })),
    )
    .await
    .unwrap();
}

const CACHE: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
spec:
  serviceName: cache
  replicas: 3
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
      - name: redis
        image: redis:7.2
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stateful_set_creates_ordinals_in_order_with_claims() {
    let sim = common::start().await;
    let hold = Arc::new(AtomicBool::new(true));
    let held = hold.clone();
    let _kubelet = sim
        .kubelet_with(move |_| {
            if held.load(Ordering::SeqCst) {
                Fate::Hold
            } else {
                Fate::Run
            }
        })
        .await;
    let file = sim.write("cache.yaml", CACHE);
    sim.kubectl_ok(&["apply", "-f", &file]).await;

    sim.eventually("cache-0", 20, || async {
        (pod_names(&sim, "app=cache").await == ["cache-0"]).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        pod_names(&sim, "app=cache").await,
        ["cache-0"],
        "cache-1 waits until cache-0 is Running and Ready"
    );
    make_ready(&sim, "cache-0").await;
    sim.eventually("cache-1", 20, || async {
        (pod_names(&sim, "app=cache").await == ["cache-0", "cache-1"]).then_some(())
    })
    .await;
    hold.store(false, Ordering::SeqCst);
    make_ready(&sim, "cache-1").await;
    let out = sim
        .kubectl_ok(&["rollout", "status", "statefulset/cache", "--timeout=60s"])
        .await;
    assert!(
        out.contains("partitioned roll out complete") || out.contains("rolling update complete"),
        "{out}"
    );

    let sts = json_of(&sim, &["get", "sts", "cache"]).await;
    let status = &sts["status"];
    assert_eq!(
        (
            status["replicas"].as_i64(),
            status["readyReplicas"].as_i64()
        ),
        (Some(3), Some(3))
    );
    assert_eq!(status["currentRevision"], status["updateRevision"]);
    let rev = status["updateRevision"].as_str().unwrap();
    assert!(rev.starts_with("cache-"), "{rev}");
    let pod = json_of(&sim, &["get", "pod", "cache-2"]).await;
    let labels = &pod["metadata"]["labels"];
    assert_eq!(labels["statefulset.kubernetes.io/pod-name"], "cache-2");
    assert_eq!(labels["apps.kubernetes.io/pod-index"], "2");
    assert_eq!(labels["controller-revision-hash"], rev);
    assert_eq!(pod["spec"]["hostname"], "cache-2");
    assert_eq!(pod["spec"]["subdomain"], "cache");
    let claim = pod["spec"]["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "data")
        .unwrap();
    assert_eq!(claim["persistentVolumeClaim"]["claimName"], "data-cache-2");

    let pvcs = sim
        .kubectl_ok(&[
            "get",
            "pvc",
            "-o",
            "custom-columns=NAME:.metadata.name,STATUS:.status.phase,CLASS:.spec.storageClassName",
        ])
        .await;
    for i in 0..3 {
        assert!(
            pvcs.lines()
                .any(|l| l.starts_with(&format!("data-cache-{i} "))
                    && l.contains("Bound")
                    && l.contains("standard")),
            "{pvcs}"
        );
    }
    let describe = sim.kubectl_ok(&["describe", "sts", "cache"]).await;
    assert!(
        describe.contains("create Pod cache-0 in StatefulSet cache successful"),
        "{describe}"
    );
    assert!(
        describe.contains("create Claim data-cache-0 Pod cache-0 in StatefulSet cache success"),
        "{describe}"
    );

    // A rolling update replaces pods from the highest ordinal, recorded as
    // a second ControllerRevision.
    sim.kubectl_ok(&["set", "image", "statefulset/cache", "redis=redis:7.4"])
        .await;
    sim.kubectl_ok(&["rollout", "status", "statefulset/cache", "--timeout=60s"])
        .await;
    let images = sim
        .kubectl_ok(&[
            "get",
            "pods",
            "-l",
            "app=cache",
            "-o",
            "jsonpath={.items[*].spec.containers[0].image}",
        ])
        .await;
    assert_eq!(images, "redis:7.4 redis:7.4 redis:7.4");
    let history = sim
        .kubectl_ok(&["rollout", "history", "statefulset/cache"])
        .await;
    let revisions: Vec<&str> = history
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert_eq!(revisions.len(), 2, "{history}");
    sim.kubectl_ok(&["rollout", "undo", "statefulset/cache"])
        .await;
    sim.eventually("undo back to redis 7.2", 30, || async {
        let images = sim
            .kubectl_ok(&[
                "get",
                "pods",
                "-l",
                "app=cache",
                "-o",
                "jsonpath={.items[*].spec.containers[0].image}",
            ])
            .await;
        (images == "redis:7.2 redis:7.2 redis:7.2").then_some(())
    })
    .await;

    // Scale down: the highest ordinals go; their claims stay (Retain).
    sim.kubectl_ok(&["scale", "statefulset/cache", "--replicas=1"])
        .await;
    sim.eventually("only cache-0 left", 30, || async {
        (pod_names(&sim, "app=cache").await == ["cache-0"]).then_some(())
    })
    .await;
    let pvcs = sim.kubectl_ok(&["get", "pvc", "-o", "name"]).await;
    assert_eq!(pvcs.lines().count(), 3, "{pvcs}");
    sim.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daemon_set_runs_one_pod_per_eligible_node() {
    let sim = common::start().await;
    let _kubelet = sim.kubelet().await;
    let ds = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: fluent/fluent-bit:3.1
"#;
    let file = sim.write("agent.yaml", ds);
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    let out = sim
        .kubectl_ok(&["rollout", "status", "daemonset/agent", "--timeout=60s"])
        .await;
    assert!(
        out.contains("daemon set \"agent\" successfully rolled out"),
        "{out}"
    );
    let nodes_of = || async {
        let pods = json_of(&sim, &["get", "pods", "-l", "app=agent"]).await;
        let mut nodes: Vec<String> = pods["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
            .map(|p| p["spec"]["nodeName"].as_str().unwrap_or("-").to_string())
            .collect();
        nodes.sort();
        nodes
    };
    assert_eq!(
        nodes_of().await,
        ["worker-1", "worker-2", "worker-3"],
        "not on the tainted control plane"
    );
    let pods = json_of(&sim, &["get", "pods", "-l", "app=agent"]).await;
    let pod = &pods["items"][0];
    let pinned = &pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"][0]["matchFields"][0];
    assert_eq!(pinned["key"], "metadata.name");
    assert_eq!(pinned["values"][0], pod["spec"]["nodeName"]);
    let tolerations = pod["spec"]["tolerations"].as_array().unwrap();
    for key in [
        "node.kubernetes.io/disk-pressure",
        "node.kubernetes.io/unschedulable",
        "node.kubernetes.io/not-ready",
    ] {
        assert!(tolerations.iter().any(|t| t["key"] == key), "{key}");
    }
    let ds = json_of(&sim, &["get", "ds", "agent"]).await;
    assert_eq!(ds["status"]["desiredNumberScheduled"], 3);
    assert_eq!(ds["status"]["numberReady"], 3);
    assert_eq!(ds["status"]["updatedNumberScheduled"], 3);

    // A new node gets a pod; a removed node's pod goes.
    let node = r#"
apiVersion: v1
kind: Node
metadata:
  name: worker-4
  labels: {kubernetes.io/hostname: worker-4, kubernetes.io/os: linux}
"#;
    let file = sim.write("node.yaml", node);
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    sim.eventually("a pod on worker-4", 30, || async {
        (nodes_of().await == ["worker-1", "worker-2", "worker-3", "worker-4"]).then_some(())
    })
    .await;
    sim.kubectl_ok(&["delete", "node", "worker-4"]).await;
    sim.eventually("worker-4's pod gone", 30, || async {
        (nodes_of().await == ["worker-1", "worker-2", "worker-3"]).then_some(())
    })
    .await;

    // A template change rolls through the nodes.
    sim.kubectl_ok(&[
        "set",
        "image",
        "daemonset/agent",
        "agent=fluent/fluent-bit:3.2",
    ])
    .await;
    sim.kubectl_ok(&["rollout", "status", "daemonset/agent", "--timeout=60s"])
        .await;
    let images = sim
        .kubectl_ok(&[
            "get",
            "pods",
            "-l",
            "app=agent",
            "-o",
            "jsonpath={.items[*].spec.containers[0].image}",
        ])
        .await;
    assert_eq!(
        images
            .split(' ')
            .filter(|i| *i == "fluent/fluent-bit:3.2")
            .count(),
        3,
        "{images}"
    );
    let history = sim
        .kubectl_ok(&["rollout", "history", "daemonset/agent"])
        .await;
    assert_eq!(
        history
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
            .count(),
        2,
        "{history}"
    );
    sim.handle.shutdown().await;
}
