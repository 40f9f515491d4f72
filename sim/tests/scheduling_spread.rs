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
