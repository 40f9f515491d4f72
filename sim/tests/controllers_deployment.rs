//! Deployment and ReplicaSet controllers through the real kubectl and
//! kube-rs: replica sets and pods appear, scaling, rolling updates within
//! maxUnavailable, rollout status/history/undo/restart, and deletion with
//! each propagation policy. The real scheduler and kubelets run the pods.

mod common;

use std::collections::HashMap;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kube::runtime::watcher;
use serde_json::Value;

const WEB: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    kubernetes.io/change-cause: first
spec:
  replicas: 4
  strategy:
    rollingUpdate: {maxSurge: 1, maxUnavailable: 1}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
"#;

/// (name, replicas, revision) of the ReplicaSets in `default`, oldest first.
async fn replica_sets(sim: &common::TestSim) -> Vec<(String, i64, String)> {
    let list = sim
        .kubectl_json(&["get", "rs", "--sort-by=.metadata.creationTimestamp"])
        .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rs| {
            (
                rs["metadata"]["name"].as_str().unwrap().to_string(),
                rs["spec"]["replicas"].as_i64().unwrap(),
                rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

async fn running_pods(sim: &common::TestSim) -> usize {
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "default");
    pods.list(&ListParams::default().labels("app=web"))
        .await
        .unwrap()
        .items
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployment_creates_replica_set_and_pods_and_scales() {
    let sim = common::start().await;
    let file = sim.write("web.yaml", WEB);
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    let out = sim
        .kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    assert!(
        out.contains("deployment \"web\" successfully rolled out"),
        "{out}"
    );

    let rss = replica_sets(&sim).await;
    assert_eq!(rss.len(), 1, "{rss:?}");
    let (rs_name, replicas, revision) = &rss[0];
    assert_eq!((*replicas, revision.as_str()), (4, "1"));
    let rs = sim.kubectl_json(&["get", "rs", rs_name]).await;
    let hash = rs["metadata"]["labels"]["pod-template-hash"]
        .as_str()
        .unwrap();
    assert_eq!(rs_name, &format!("web-{hash}"));
    assert_eq!(rs["metadata"]["ownerReferences"][0]["kind"], "Deployment");
    assert_eq!(rs["metadata"]["ownerReferences"][0]["controller"], true);
    assert_eq!(
        rs["metadata"]["annotations"]["kubernetes.io/change-cause"],
        "first"
    );
    assert_eq!(
        rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"],
        "4"
    );
    assert_eq!(
        rs["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"],
        "5"
    );

    let pods = sim.kubectl_json(&["get", "pods", "-l", "app=web"]).await;
    let items = pods["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    for p in items {
        let name = p["metadata"]["name"].as_str().unwrap();
        let suffix = name
            .strip_prefix(&format!("{rs_name}-"))
            .expect("named after the RS");
        assert_eq!(suffix.len(), 5, "{name}");
        assert!(
            suffix
                .chars()
                .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c))
        );
        assert_eq!(p["metadata"]["labels"]["pod-template-hash"], hash);
    }
    let d = sim.kubectl_json(&["get", "deploy", "web"]).await;
    assert_eq!(d["status"]["availableReplicas"], 4);
    assert_eq!(d["status"]["updatedReplicas"], 4);
    assert_eq!(
        d["status"]["observedGeneration"],
        d["metadata"]["generation"]
    );
    let conditions: HashMap<String, String> = d["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["type"].as_str().unwrap().into(),
                c["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(conditions["Available"], "MinimumReplicasAvailable");
    assert_eq!(conditions["Progressing"], "NewReplicaSetAvailable");
    let get = sim.kubectl_ok(&["get", "deploy", "web"]).await;
    assert!(
        get.lines()
            .nth(1)
            .unwrap()
            .starts_with("web    4/4     4            4"),
        "{get}"
    );
    let describe = sim.kubectl_ok(&["describe", "deploy", "web"]).await;
    assert!(
        describe.contains(&format!("Scaled up replica set {rs_name} from 0 to 4")),
        "{describe}"
    );
    let rs_events = sim.kubectl_ok(&["describe", "rs", rs_name]).await;
    assert!(
        rs_events.contains("SuccessfulCreate") && rs_events.contains("Created pod: web-"),
        "{rs_events}"
    );

    sim.kubectl_ok(&["scale", "deployment/web", "--replicas=6"])
        .await;
    common::eventually("6 pods", || async {
        (running_pods(&sim).await == 6).then_some(())
    })
    .await;
    sim.kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    sim.kubectl_ok(&["scale", "deployment/web", "--replicas=2"])
        .await;
    common::eventually("2 pods", || async {
        (running_pods(&sim).await == 2).then_some(())
    })
    .await;
    sim.kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    assert_eq!(replica_sets(&sim).await[0].1, 2);
    let rs_events = sim.kubectl_ok(&["describe", "rs", rs_name]).await;
    assert!(rs_events.contains("Deleted pod: web-"), "{rs_events}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_image_rolls_out_within_max_unavailable_and_undo_restart_work() {
    let sim = common::start().await;
    let file = sim.write("web.yaml", WEB);
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    sim.kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;

    // Watch the pods through the rollout: ready, not terminating pods must
    // never drop below replicas - maxUnavailable = 3.
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "default");
    let mut stream = watcher(pods, watcher::Config::default().labels("app=web")).boxed();
    let min_ready = std::sync::Arc::new(std::sync::Mutex::new(usize::MAX));
    let max_total = std::sync::Arc::new(std::sync::Mutex::new(0usize));
    let (min2, max2) = (min_ready.clone(), max_total.clone());
    let observer = tokio::spawn(async move {
        let mut state: HashMap<String, (bool, bool)> = HashMap::new();
        let mut synced = false;
        while let Some(Ok(event)) = stream.next().await {
            match event {
                watcher::Event::Apply(p) | watcher::Event::InitApply(p) => {
                    let ready = p
                        .status
                        .as_ref()
                        .and_then(|s| s.conditions.as_ref())
                        .is_some_and(|c| {
                            c.iter().any(|c| c.type_ == "Ready" && c.status == "True")
                        });
                    let alive = p.metadata.deletion_timestamp.is_none();
                    state.insert(p.metadata.name.clone().unwrap(), (ready && alive, alive));
                }
                watcher::Event::Delete(p) => {
                    state.remove(p.metadata.name.as_ref().unwrap());
                }
                watcher::Event::InitDone => synced = true,
                watcher::Event::Init => {}
            }
            if synced {
                let ready = state.values().filter(|(r, _)| *r).count();
                let alive = state.values().filter(|(_, a)| *a).count();
                let mut m = min2.lock().unwrap();
                *m = (*m).min(ready);
                let mut t = max2.lock().unwrap();
                *t = (*t).max(alive);
            }
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    sim.kubectl_ok(&["set", "image", "deployment/web", "nginx=nginx:1.28"])
        .await;
    // As upstream, the controller copies the annotation to the current
    // (new) ReplicaSet only: annotating after `set image` is the usual way.
    sim.kubectl_ok(&[
        "annotate",
        "deploy/web",
        "kubernetes.io/change-cause=nginx 1.28",
        "--overwrite",
    ])
    .await;
    let out = sim
        .kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    assert!(
        out.trim_end()
            .ends_with("deployment \"web\" successfully rolled out"),
        "{out}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    observer.abort();
    let min_ready = *min_ready.lock().unwrap();
    let max_total = *max_total.lock().unwrap();
    assert!(
        min_ready >= 3 && min_ready != usize::MAX,
        "ready pods dropped to {min_ready}"
    );
    assert!(
        max_total <= 5,
        "more than replicas + maxSurge pods: {max_total}"
    );

    let rss = replica_sets(&sim).await;
    assert_eq!(rss.len(), 2, "{rss:?}");
    assert_eq!((rss[0].1, rss[0].2.as_str()), (0, "1"));
    assert_eq!((rss[1].1, rss[1].2.as_str()), (4, "2"));
    let images = sim
        .kubectl_ok(&[
            "get",
            "pods",
            "-l",
            "app=web",
            "-o",
            "jsonpath={.items[*].spec.containers[0].image}",
        ])
        .await;
    assert_eq!(
        images.split(' ').filter(|i| *i == "nginx:1.28").count(),
        4,
        "{images}"
    );

    let history = sim
        .kubectl_ok(&["rollout", "history", "deployment/web"])
        .await;
    let rows: Vec<&str> = history
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert_eq!(rows.len(), 2, "{history}");
    assert!(
        rows[0].starts_with("1 ") && rows[0].contains("first"),
        "{history}"
    );
    assert!(
        rows[1].starts_with("2 ") && rows[1].contains("nginx 1.28"),
        "{history}"
    );

    // Undo: the first ReplicaSet comes back as revision 3.
    sim.kubectl_ok(&["rollout", "undo", "deployment/web"]).await;
    sim.kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    let rss = replica_sets(&sim).await;
    assert_eq!(rss.len(), 2, "undo reuses the old ReplicaSet: {rss:?}");
    assert_eq!((rss[0].1, rss[0].2.as_str()), (4, "3"));
    assert_eq!(rss[1].1, 0);
    let d = sim.kubectl_json(&["get", "deploy", "web"]).await;
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "3"
    );
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
    let history = sim
        .kubectl_ok(&["rollout", "history", "deployment/web"])
        .await;
    assert!(history.lines().any(|l| l.starts_with("3 ")), "{history}");
    assert!(!history.lines().any(|l| l.starts_with("1 ")), "{history}");

    // Restart: a new template annotation, so a third ReplicaSet.
    let out = sim
        .kubectl_ok(&["rollout", "restart", "deployment/web"])
        .await;
    assert!(out.contains("restarted"), "{out}");
    sim.kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    let rss = replica_sets(&sim).await;
    assert_eq!(rss.len(), 3, "{rss:?}");
    assert_eq!((rss[2].1, rss[2].2.as_str()), (4, "4"));
    let pods = sim.kubectl_json(&["get", "pods", "-l", "app=web"]).await;
    let restarted: Vec<&Value> = pods["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .collect();
    assert_eq!(restarted.len(), 4);
    assert!(
        restarted
            .iter()
            .all(|p| p["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"].is_string())
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revision_history_limit_and_recreate() {
    let sim = common::start().await;
    let manifest = WEB
        .replace("replicas: 4", "replicas: 2\n  revisionHistoryLimit: 1")
        .replace(
            "    rollingUpdate: {maxSurge: 1, maxUnavailable: 1}",
            "    type: Recreate",
        );
    let file = sim.write("web.yaml", &manifest);
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    sim.kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    for tag in ["1.28", "1.29", "1.30"] {
        sim.kubectl_ok(&[
            "set",
            "image",
            "deployment/web",
            &format!("nginx=nginx:{tag}"),
        ])
        .await;
        sim.kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
            .await;
    }
    let rss = common::eventually("history trimmed to one old ReplicaSet", || async {
        let rss = replica_sets(&sim).await;
        (rss.len() == 2).then_some(rss)
    })
    .await;
    assert_eq!(rss[0].2, "3");
    assert_eq!((rss[1].1, rss[1].2.as_str()), (2, "4"));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_deployment_with_each_propagation() {
    let sim = common::start().await;
    let client = sim.client().await;
    let rs_api: Api<ReplicaSet> = Api::namespaced(client.clone(), "default");
    let deploys: Api<Deployment> = Api::namespaced(client.clone(), "default");
    for (cascade, rs_left, pods_left) in
        [("background", 0, 0), ("foreground", 0, 0), ("orphan", 1, 4)]
    {
        let file = sim.write("web.yaml", WEB);
        sim.kubectl_ok(&["apply", "-f", &file]).await;
        sim.kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
            .await;
        sim.kubectl_ok(&[
            "delete",
            "deployment",
            "web",
            &format!("--cascade={cascade}"),
            "--wait=true",
        ])
        .await;
        assert!(deploys.get_opt("web").await.unwrap().is_none(), "{cascade}");
        let (rss, pods) = common::eventually(&format!("{cascade} deletion settles"), || async {
            let rss = rs_api.list(&ListParams::default()).await.unwrap().items;
            let pods = running_pods(&sim).await;
            (rss.len() == rs_left && pods == pods_left).then_some((rss, pods))
        })
        .await;
        assert_eq!(pods, pods_left);
        if cascade == "orphan" {
            assert!(
                rss[0]
                    .metadata
                    .owner_references
                    .as_ref()
                    .is_none_or(|r| r.is_empty())
            );
            let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
            let owned_by_rs = pods
                .list(&ListParams::default().labels("app=web"))
                .await
                .unwrap()
                .items
                .iter()
                .all(|p| {
                    p.metadata
                        .owner_references
                        .as_ref()
                        .is_some_and(|r| r[0].kind == "ReplicaSet")
                });
            assert!(
                owned_by_rs,
                "orphaning the deployment keeps the pods with their RS"
            );
        }
    }
    sim.shutdown().await;
}
