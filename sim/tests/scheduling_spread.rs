//! Scheduling like upstream's default profile (issue 9 point 8): least
//! allocation plus the default topology spread, so a workload's replicas
//! spread over the workers instead of piling onto the emptiest one.

mod common;

use std::collections::BTreeMap;

use common::eventually;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};

/// Nodes of the running `app=web` pods, and how many each has.
async fn web_nodes(pods: &Api<Pod>) -> Option<BTreeMap<String, usize>> {
    let list = pods
        .list(&ListParams::default().labels("app=web"))
        .await
        .ok()?;
    let mut nodes = BTreeMap::new();
    for p in list
        .items
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
    {
        *nodes
            .entry(p.spec.as_ref()?.node_name.clone()?)
            .or_default() += 1;
    }
    Some(nodes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_replicas_land_on_different_workers() {
    let sim = common::start().await;
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "demo");
    let spread = |want: usize| {
        let pods = pods.clone();
        async move {
            eventually(&format!("{want} web pods scheduled"), || async {
                let nodes = web_nodes(&pods).await?;
                (nodes.values().sum::<usize>() == want).then_some(nodes)
            })
            .await
        }
    };
    let three = spread(3).await;
    assert_eq!(
        three.keys().cloned().collect::<Vec<_>>(),
        ["worker-1", "worker-2", "worker-3"],
        "{three:?}"
    );
    sim.kubectl_ok(&["scale", "deployment", "web", "-n", "demo", "--replicas=6"])
        .await;
    let six = spread(6).await;
    assert!(six.values().all(|n| *n == 2), "{six:?}");
}

/// A pod of the `spread` app with a hard hostname spread of maxSkew 1.
fn hard_spread_pod(name: &str) -> serde_json::Value {
    serde_json::json!({
        "metadata": {"name": name, "labels": {"app": "spread"}},
        "spec": {
            "containers": [{"name": "app", "image": "nginx:1.27"}],
            "topologySpreadConstraints": [{
                "maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": {"app": "spread"}}
            }]
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_do_not_schedule_constraint_keeps_a_pod_pending_until_a_domain_frees_up() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    // Only worker-1 takes pods; the other hosts still count as domains
    // with no pods (taints and cordons do not remove a domain upstream).
    sim.kubectl_ok(&["cordon", "worker-2", "worker-3"]).await;
    common::create_pod(&pods, hard_spread_pod("first")).await;
    let first = common::wait_pod(&pods, "first", "first bound", |p| {
        p.spec.as_ref().and_then(|s| s.node_name.clone()).is_some()
    })
    .await;
    assert_eq!(first.spec.unwrap().node_name.as_deref(), Some("worker-1"));

    // A second pod on worker-1 would skew hosts by 2.
    common::create_pod(&pods, hard_spread_pod("second")).await;
    let message = eventually("a FailedScheduling event for second", || async {
        common::pod_events(&client, "default", "second")
            .await
            .into_iter()
            .find(|(r, _)| r == "FailedScheduling")
            .map(|(_, m)| m)
    })
    .await;
    assert_eq!(
        message,
        "0/4 nodes are available: 1 node(s) didn't match pod topology spread constraints, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) were unschedulable. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling."
    );

    sim.kubectl_ok(&["uncordon", "worker-2"]).await;
    let second = common::wait_pod(&pods, "second", "second bound", |p| {
        p.spec.as_ref().and_then(|s| s.node_name.clone()).is_some()
    })
    .await;
    assert_eq!(second.spec.unwrap().node_name.as_deref(), Some("worker-2"));
}
