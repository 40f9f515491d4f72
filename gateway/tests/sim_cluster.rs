//! The gateway against a real cluster API over HTTP: the embedded cluster
//! (`sim`), reached through kube-rs exactly as any kubeconfig cluster.
//! Lists must match what the cluster itself lists, live views must follow
//! changes, and a cluster that goes away and comes back must converge with
//! no duplicate and no ghost row.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use gateway::cluster::{Cluster, ClusterSpec};
use gateway::query::ListQuery;
use gateway::status::ConnectionState;
use gateway::{Gateway, GatewayOptions, Subject};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use sim::{Sim, SimConfig, SimHandle};

const WAIT: Duration = Duration::from_secs(20);

fn alice() -> Subject {
    Subject {
        user_id: 1,
        username: "alice".into(),
    }
}

/// A cluster on a free port, or (given the address and certificate
/// authority of one that stopped) started again there with the same CA,
/// as a restarted cluster keeps its own.
async fn start_sim(
    again: Option<(std::net::SocketAddr, Option<Arc<sim::auth::Pki>>)>,
) -> SimHandle {
    let mut config = SimConfig::default();
    if let Some((addr, pki)) = again {
        config.listen = addr;
        config.pki = pki;
    }
    Sim::start(config).await.expect("sim starts")
}

fn spec(sim: &SimHandle) -> ClusterSpec {
    ClusterSpec {
        name: "sim".into(),
        origin: "test".into(),
        kubeconfig: kube::config::Kubeconfig::from_yaml(&sim.kubeconfig_yaml()).unwrap(),
        context: sim::server::CONTEXT_NAME.into(),
    }
}

async fn client(sim: &SimHandle) -> kube::Client {
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&sim.kubeconfig_yaml()).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

/// Waits (on the cluster's change signal) until `check` holds.
async fn until_state(
    cluster: &Arc<Cluster>,
    check: impl Fn(&ConnectionState) -> bool,
) -> ConnectionState {
    let mut changes = cluster.subscribe();
    tokio::time::timeout(WAIT, async {
        loop {
            let state = cluster.state();
            if check(&state) {
                return state;
            }
            changes.changed().await.unwrap();
        }
    })
    .await
    .unwrap_or_else(|_| panic!("cluster state stayed {:?}", cluster.state()))
}

async fn connected(gateway: &Gateway) -> Arc<Cluster> {
    let cluster = gateway.cluster(&alice(), "sim").unwrap();
    until_state(&cluster, |s| *s == ConnectionState::Connected).await;
    cluster
}

async fn pod_names_in_gateway(gateway: &Gateway, namespace: &str) -> BTreeSet<String> {
    let query = ListQuery {
        namespace: Some(namespace.into()),
        limit: 500,
        ..ListQuery::default()
    };
    let list = gateway.list(&alice(), "sim", "pods", &query).await.unwrap();
    assert_eq!(list.page.total, list.page.rows.len());
    list.page.rows.iter().map(|r| r.name.clone()).collect()
}

async fn pod_names_in_cluster(client: &kube::Client, namespace: &str) -> BTreeSet<String> {
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    api.list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .collect()
}

/// Waits until the gateway's pods of `namespace` equal the cluster's.
async fn converges(gateway: &Gateway, client: &kube::Client, namespace: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (ours, theirs) = (
            pod_names_in_gateway(gateway, namespace).await,
            pod_names_in_cluster(client, namespace).await,
        );
        if ours == theirs {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "gateway {ours:?} != cluster {theirs:?}"
        );
        let cluster = gateway.cluster(&alice(), "sim").unwrap();
        let watch = cluster
            .running_watch(&gateway::kind::KindKey::core("pods"))
            .unwrap();
        let _ = tokio::time::timeout(Duration::from_secs(1), watch.subscribe().changed()).await;
    }
}

fn pod(name: &str) -> Pod {
    serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": {"probe": "yes"}},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]}
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_match_the_cluster_and_live_views_follow_changes() {
    let sim = start_sim(None).await;
    let kube = client(&sim).await;
    let gateway = Gateway::start(vec![spec(&sim)], GatewayOptions::default());
    connected(&gateway).await;
    converges(&gateway, &kube, "demo").await;

    let query = ListQuery {
        namespace: Some("demo".into()),
        selector: "probe=yes".into(),
        ..ListQuery::default()
    };
    let mut live = gateway.live(&alice(), "sim", "pods", query).await.unwrap();
    let first = tokio::time::timeout(WAIT, live.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.total, 0);

    let pods: Api<Pod> = Api::namespaced(kube.clone(), "demo");
    pods.create(&PostParams::default(), &pod("probe-1"))
        .await
        .unwrap();
    let added = tokio::time::timeout(WAIT, live.next())
        .await
        .unwrap()
        .unwrap();
    assert!(
        added.upserts.iter().any(|r| r.name == "probe-1"),
        "{added:?}"
    );
    assert_eq!(added.total, 1);

    pods.delete("probe-1", &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    let gone = tokio::time::timeout(WAIT, async {
        loop {
            let diff = live.next().await.unwrap();
            if diff.total == 0 {
                return diff;
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(gone.removes.len(), 1, "{gone:?}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_viewers_share_one_upstream_watch() {
    let sim = start_sim(None).await;
    let gateway = Gateway::start(vec![spec(&sim)], GatewayOptions::default());
    let cluster = connected(&gateway).await;
    let mut views = Vec::new();
    for n in 0..50 {
        let subject = Subject {
            user_id: n,
            username: format!("user{n}"),
        };
        views.push(
            gateway
                .live(&subject, "sim", "pods", ListQuery::default())
                .await
                .unwrap(),
        );
    }
    let pods: Vec<_> = cluster
        .watch_summaries()
        .into_iter()
        .filter(|w| w.kind == "pods")
        .collect();
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0].viewers, 50);
    drop(views);
    let pods = cluster
        .watch_summaries()
        .into_iter()
        .find(|w| w.kind == "pods")
        .unwrap();
    assert_eq!(pods.viewers, 0);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_watches_and_compaction_relist_without_ghosts() {
    let sim = start_sim(None).await;
    let kube = client(&sim).await;
    let gateway = Gateway::start(vec![spec(&sim)], GatewayOptions::default());
    connected(&gateway).await;
    converges(&gateway, &kube, "demo").await;
    let pods: Api<Pod> = Api::namespaced(kube.clone(), "demo");
    pods.create(&PostParams::default(), &pod("ghost"))
        .await
        .unwrap();
    converges(&gateway, &kube, "demo").await;

    sim.faults().stall_watches(2);
    pods.delete("ghost", &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    pods.create(&PostParams::default(), &pod("newcomer"))
        .await
        .unwrap();
    sim.faults().compact();
    sim.faults().drop_watches();
    converges(&gateway, &kube, "demo").await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_that_goes_away_is_reported_and_recovers_on_return() {
    let sim = start_sim(None).await;
    let (addr, pki) = (sim.addr(), sim.pki());
    let gateway = Gateway::start(vec![spec(&sim)], GatewayOptions::default());
    let cluster = connected(&gateway).await;
    let kube = client(&sim).await;
    converges(&gateway, &kube, "demo").await;
    Api::<Pod>::namespaced(kube.clone(), "demo")
        .create(&PostParams::default(), &pod("before-the-crash"))
        .await
        .unwrap();
    converges(&gateway, &kube, "demo").await;

    sim.shutdown().await;
    let lost = until_state(&cluster, |s| {
        matches!(s, ConnectionState::Reconnecting { .. })
    })
    .await;
    assert!(lost.error().is_some_and(|e| !e.is_empty()));

    // A new cluster on the same address: same seeded names, new objects,
    // and no `before-the-crash`.
    let sim = start_sim(Some((addr, pki))).await;
    until_state(&cluster, |s| *s == ConnectionState::Connected).await;
    let kube = client(&sim).await;
    converges(&gateway, &kube, "demo").await;
    assert!(
        !pod_names_in_gateway(&gateway, "demo")
            .await
            .contains("before-the-crash")
    );
    sim.shutdown().await;
}

/// The names a detail page relates to its object as `relation`.
async fn related(
    gateway: &Gateway,
    kind: &str,
    ns: Option<&str>,
    name: &str,
    relation: &str,
) -> BTreeSet<String> {
    let detail = gateway
        .detail(&alice(), "sim", kind, ns, name)
        .await
        .unwrap();
    detail
        .related
        .into_iter()
        .filter(|r| r.relation == relation)
        .map(|r| format!("{}/{}", r.namespace.unwrap_or_default(), r.name))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nodes_page_lists_the_pods_it_runs_and_a_pods_page_names_its_node() {
    let sim = start_sim(None).await;
    let kube = client(&sim).await;
    let gateway = Gateway::start(vec![spec(&sim)], GatewayOptions::default());
    connected(&gateway).await;
    converges(&gateway, &kube, "demo").await;
    let all: Api<Pod> = Api::all(kube.clone());
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let pods = all.list(&ListParams::default()).await.unwrap().items;
        let placed = pods
            .iter()
            .find(|p| {
                p.metadata.namespace.as_deref() == Some("demo")
                    && p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_some()
            })
            .expect("a demo pod is scheduled once the lists converged");
        let node = placed.spec.as_ref().unwrap().node_name.clone().unwrap();
        let on_node: BTreeSet<String> = pods
            .iter()
            .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_ref()) == Some(&node))
            .map(|p| {
                format!(
                    "{}/{}",
                    p.metadata.namespace.clone().unwrap_or_default(),
                    p.metadata.name.clone().unwrap_or_default()
                )
            })
            .collect();
        let shown = related(&gateway, "nodes", None, &node, "pod").await;
        let pod_name = placed.metadata.name.clone().unwrap();
        let its_node = related(&gateway, "pods", Some("demo"), &pod_name, "node").await;
        if shown == on_node && its_node == BTreeSet::from([format!("/{node}")]) {
            assert!(
                shown.len() > 1,
                "the node runs its system pods and {pod_name}"
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "node {node}: page {shown:?} != cluster {on_node:?}; pod {pod_name}'s node: {its_node:?}"
        );
        let cluster = gateway.cluster(&alice(), "sim").unwrap();
        let watch = cluster
            .running_watch(&gateway::kind::KindKey::core("pods"))
            .unwrap();
        let _ = tokio::time::timeout(Duration::from_secs(1), watch.subscribe().changed()).await;
    }
    sim.shutdown().await;
}
