//! StatefulSet and DaemonSet controllers through kubectl and kube-rs, with
//! the real scheduler and kubelets running the pods: ordinals created in
//! order with their claims, scale-down from the top, rolling updates with
//! ControllerRevisions; one daemon pod per eligible node, following nodes
//! that come and go.

mod common;

use std::sync::{Arc, Mutex};

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use kube::runtime::watcher;

async fn pod_names(sim: &common::TestSim, selector: &str) -> Vec<String> {
    let pods = sim.kubectl_json(&["get", "pods", "-l", selector]).await;
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

/// Records, in watch order, every version of the pods matching `selector`
/// as (name, Ready). The watch is established when this returns.
async fn record_pods(
    sim: &common::TestSim,
    selector: &str,
) -> (Arc<Mutex<Vec<(String, bool)>>>, tokio::task::JoinHandle<()>) {
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "default");
    let mut stream = watcher(pods, watcher::Config::default().labels(selector)).boxed();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let mut ready_tx = Some(ready_tx);
        while let Some(Ok(event)) = stream.next().await {
            match event {
                watcher::Event::InitDone => {
                    if let Some(tx) = ready_tx.take() {
                        let _ = tx.send(());
                    }
                }
                watcher::Event::Apply(p) | watcher::Event::InitApply(p) => {
                    let ready = common::condition(&p, "Ready").as_deref() == Some("True");
                    record
                        .lock()
                        .unwrap()
                        .push((p.metadata.name.clone().unwrap(), ready));
                }
                _ => {}
            }
        }
    });
    let listed = format!("the watch of pods {selector} to list");
    common::within(&listed, common::TIMEOUT, ready_rx)
        .await
        .expect("the watch starts");
    (seen, task)
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
      annotations: {sim.pilothouse.dev/ready-after-seconds: "10"}
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
    let (seen, recorder) = record_pods(&sim, "app=cache").await;
    let file = sim.write("cache.yaml", CACHE);
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    let out = sim
        .kubectl_ok(&["rollout", "status", "statefulset/cache", "--timeout=60s"])
        .await;
    assert!(
        out.contains("partitioned roll out complete") || out.contains("rolling update complete"),
        "{out}"
    );
    // Each ordinal appears only after the previous one was seen Ready (one
    // watch, in resourceVersion order).
    let order = seen.lock().unwrap().clone();
    for (prev, next) in [("cache-0", "cache-1"), ("cache-1", "cache-2")] {
        let first_next = order
            .iter()
            .position(|(n, _)| n == next)
            .unwrap_or_else(|| panic!("{next} never seen: {order:?}"));
        assert!(
            order[..first_next].iter().any(|(n, r)| n == prev && *r),
            "{next} created before {prev} was Ready: {order:?}"
        );
    }
    recorder.abort();

    let sts = sim.kubectl_json(&["get", "sts", "cache"]).await;
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
    let pod = sim.kubectl_json(&["get", "pod", "cache-2"]).await;
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
    common::eventually("undo back to redis 7.2", || async {
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
    common::eventually("only cache-0 left", || async {
        (pod_names(&sim, "app=cache").await == ["cache-0"]).then_some(())
    })
    .await;
    let pvcs = sim.kubectl_ok(&["get", "pvc", "-o", "name"]).await;
    assert_eq!(pvcs.lines().count(), 3, "{pvcs}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daemon_set_runs_one_pod_per_eligible_node() {
    let sim = common::start().await;
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
        let pods = sim.kubectl_json(&["get", "pods", "-l", "app=agent"]).await;
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
    let pods = sim.kubectl_json(&["get", "pods", "-l", "app=agent"]).await;
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
    let ds = sim.kubectl_json(&["get", "ds", "agent"]).await;
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
    common::eventually("a pod on worker-4", || async {
        (nodes_of().await == ["worker-1", "worker-2", "worker-3", "worker-4"]).then_some(())
    })
    .await;
    sim.kubectl_ok(&["delete", "node", "worker-4"]).await;
    common::eventually("worker-4's pod gone", || async {
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
    sim.shutdown().await;
}
