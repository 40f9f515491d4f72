//! Endpoints and EndpointSlices follow pod readiness; the seed's demo and
//! system workloads come up under the controllers, the scheduler and the
//! kubelets.

mod common;

use k8s_openapi::api::core::v1::Endpoints;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::Api;
use kube::runtime::watcher;
use serde_json::{Value, json};
use sim::SimConfig;
use sim::cluster::ClusterConfig;

const SHOP: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
      annotations: {sim.pilothouse.dev/ready-after-seconds: "100"}
    spec:
      containers:
      - name: app
        image: shop:1.0
        ports: [{name: web, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  selector: {app: shop}
  ports: [{name: http, port: 80, targetPort: web}]
"#;

fn count(v: &Value) -> usize {
    v.as_array().map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_and_slices_follow_pod_readiness() {
    let sim = common::start().await;
    let file = sim.write("shop.yaml", SHOP);
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    sim.kubectl_ok(&["rollout", "status", "deployment/shop", "--timeout=60s"])
        .await;
    let ep = common::eventually("two ready addresses", || async {
        let ep = sim.kubectl_json(&["get", "endpoints", "shop"]).await;
        (count(&ep["subsets"][0]["addresses"]) == 2).then_some(ep)
    })
    .await;
    assert_eq!(
        ep["subsets"][0]["ports"],
        json!([{"name": "http", "port": 8080, "protocol": "TCP"}])
    );
    assert_eq!(ep["subsets"][0]["addresses"][0]["targetRef"]["kind"], "Pod");
    let get = sim.kubectl_ok(&["get", "endpoints", "shop"]).await;
    assert!(get.contains(":8080,") && get.contains(":8080"), "{get}");

    let slices = sim
        .kubectl_json(&[
            "get",
            "endpointslices",
            "-l",
            "kubernetes.io/service-name=shop",
        ])
        .await;
    let slice = &slices["items"][0];
    assert_eq!(count(&slices["items"]), 1);
    assert!(
        slice["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("shop-")
    );
    assert_eq!(slice["addressType"], "IPv4");
    assert_eq!(
        slice["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"],
        "endpointslice-controller.k8s.io"
    );
    assert_eq!(slice["metadata"]["ownerReferences"][0]["kind"], "Service");
    assert_eq!(slice["ports"][0]["port"], 8080);
    assert_eq!(count(&slice["endpoints"]), 2);

    // One pod's container crashes: it restarts and is not ready for 100
    // simulated seconds, during which it is under notReadyAddresses.
    let victim = ep["subsets"][0]["addresses"][0]["targetRef"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let victim_ip = ep["subsets"][0]["addresses"][0]["ip"]
        .as_str()
        .unwrap()
        .to_string();
    let client = sim.client().await;
    let ip = victim_ip.clone();
    let unready_endpoints = common::watch_for(
        Api::<Endpoints>::namespaced(client.clone(), "default"),
        watcher::Config::default().fields("metadata.name=shop"),
        "the unready pod under notReadyAddresses",
        move |ep| {
            let subsets = ep.subsets.clone().unwrap_or_default();
            let ready = subsets
                .iter()
                .flat_map(|s| s.addresses.clone().unwrap_or_default())
                .count();
            let unready: Vec<String> = subsets
                .iter()
                .flat_map(|s| s.not_ready_addresses.clone().unwrap_or_default())
                .map(|a| a.ip)
                .collect();
            ready == 1 && unready == [ip.clone()]
        },
    )
    .await;
    let ip = victim_ip.clone();
    let unready_slice = common::watch_for(
        Api::<EndpointSlice>::namespaced(client.clone(), "default"),
        watcher::Config::default().labels("kubernetes.io/service-name=shop"),
        "the unready endpoint in the slice",
        move |slice| {
            slice.endpoints.iter().flatten().any(|e| {
                e.addresses == [ip.clone()]
                    && e.conditions.as_ref().and_then(|c| c.ready) == Some(false)
            })
        },
    )
    .await;
    let (code, body) = common::sim_api(
        &client,
        "POST",
        &format!("/sim/v1/namespaces/default/pods/{victim}/crash"),
    )
    .await;
    assert_eq!(code, 200, "{body}");
    unready_endpoints.await.unwrap();
    let slice = serde_json::to_value(unready_slice.await.unwrap()).unwrap();
    let endpoint = slice["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["addresses"][0] == victim_ip.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        endpoint["conditions"],
        json!({"ready": false, "serving": false, "terminating": false})
    );
    // Ready again after the delay: back under addresses.
    common::eventually("the restarted pod ready again", || async {
        let ep = sim.kubectl_json(&["get", "endpoints", "shop"]).await;
        (count(&ep["subsets"][0]["addresses"]) == 2).then_some(())
    })
    .await;

    // The pod is deleted: its address goes, the replacement's comes.
    sim.kubectl_ok(&["delete", "pod", &victim]).await;
    common::eventually(
        "the deleted pod's address gone, two ready again",
        || async {
            let ep = sim.kubectl_json(&["get", "endpoints", "shop"]).await;
            let ips: Vec<&str> = ep["subsets"][0]["addresses"]
                .as_array()
                .map(|a| a.iter().map(|a| a["ip"].as_str().unwrap()).collect())
                .unwrap_or_default();
            (ips.len() == 2
                && !ips.contains(&victim_ip.as_str())
                && ep["subsets"][0]["notReadyAddresses"].is_null())
            .then_some(())
        },
    )
    .await;

    // Deleting the Service removes its Endpoints and slices.
    sim.kubectl_ok(&["delete", "service", "shop"]).await;
    common::eventually("endpoints gone", || async {
        let eps = sim
            .kubectl_ok(&["get", "endpoints,endpointslices", "-o", "name"])
            .await;
        (!eps.contains("shop")).then_some(())
    })
    .await;

    let k = sim.kubectl_json(&["get", "endpoints", "kubernetes"]).await;
    assert_eq!(k["subsets"][0]["addresses"][0]["ip"], "172.18.1.2");
    assert_eq!(k["subsets"][0]["ports"][0]["port"], 6443);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_runs_the_demo_and_system_workloads() {
    let sim = common::start().await;
    let all = sim.kubectl_ok(&["get", "all", "-n", "demo"]).await;
    for expected in [
        "pod/myapp-pod",
        "service/web",
        "service/db",
        "deployment.apps/web",
        "statefulset.apps/db",
        "job.batch/pi",
        "cronjob.batch/report",
    ] {
        assert!(all.contains(expected), "{expected} missing:\n{all}");
    }
    for workload in ["deployment/web", "statefulset/db"] {
        sim.kubectl_ok(&["rollout", "status", workload, "-n", "demo", "--timeout=60s"])
            .await;
    }
    sim.kubectl_ok(&[
        "wait",
        "--for=condition=complete",
        "job/pi",
        "-n",
        "demo",
        "--timeout=60s",
    ])
    .await;
    for workload in ["deployment/coredns", "daemonset/kube-proxy"] {
        sim.kubectl_ok(&[
            "rollout",
            "status",
            workload,
            "-n",
            "kube-system",
            "--timeout=60s",
        ])
        .await;
    }
    let all = sim.kubectl_ok(&["get", "all", "-n", "demo"]).await;
    assert!(all.contains("replicaset.apps/web-"), "{all}");
    assert!(
        all.lines()
            .any(|l| l.starts_with("deployment.apps/web") && l.contains("3/3")),
        "{all}"
    );
    let proxy = sim
        .kubectl_json(&["get", "ds", "kube-proxy", "-n", "kube-system"])
        .await;
    assert_eq!(
        proxy["status"]["numberReady"], 4,
        "kube-proxy tolerates the control plane's taint"
    );
    let web = common::eventually("web endpoints", || async {
        let ep = sim
            .kubectl_json(&["get", "endpoints", "web", "-n", "demo"])
            .await;
        (count(&ep["subsets"][0]["addresses"]) == 3).then_some(ep)
    })
    .await;
    assert_eq!(web["subsets"][0]["ports"][0]["port"], 80);
    let pvcs = sim
        .kubectl_ok(&["get", "pvc", "-n", "demo", "-o", "name"])
        .await;
    assert_eq!(
        pvcs.trim(),
        "persistentvolumeclaim/data-db-0\npersistentvolumeclaim/data-db-1"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_node_mode_has_the_same_demo() {
    let sim = common::start_with(SimConfig {
        clock_factor: 20.0,
        cluster: ClusterConfig {
            single_node: true,
            ..ClusterConfig::default()
        },
        ..SimConfig::default()
    })
    .await;
    sim.kubectl_ok(&[
        "rollout",
        "status",
        "deployment/web",
        "-n",
        "demo",
        "--timeout=60s",
    ])
    .await;
    sim.kubectl_ok(&[
        "rollout",
        "status",
        "daemonset/kube-proxy",
        "-n",
        "kube-system",
        "--timeout=60s",
    ])
    .await;
    let nodes = sim
        .kubectl_ok(&[
            "get",
            "pods",
            "-n",
            "demo",
            "-l",
            "app=web",
            "-o",
            "jsonpath={.items[*].spec.nodeName}",
        ])
        .await;
    assert_eq!(nodes, "control-plane control-plane control-plane");
    sim.shutdown().await;
}
