//! `GET /sim/v1/watches`: the open watch streams per resource type rise
//! when a client starts watching and fall when it stops, for kube-rs and
//! for the real kubectl alike.

mod common;

use std::process::Stdio;

use common::{TIMEOUT, open_watches, sim_api, wait_for_watches, within};
use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, WatchParams};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kube_rs_watch_is_counted_while_it_is_open() {
    let sim = common::start().await;
    let client = sim.client().await;
    assert_eq!(open_watches(&client, "configmaps").await, 0);

    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "demo");
    let first = cms
        .watch(&WatchParams::default(), "0")
        .await
        .unwrap()
        .boxed();
    let all: Api<ConfigMap> = Api::all(client.clone());
    let second = all
        .watch(&WatchParams::default(), "0")
        .await
        .unwrap()
        .boxed();
    wait_for_watches(&client, "configmaps", 2).await;
    let (_, body) = sim_api(&client, "GET", "/sim/v1/watches").await;
    let entry = body["watches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["resource"] == "configmaps")
        .cloned();
    assert_eq!(
        entry,
        Some(json!({"group": "", "version": "v1", "resource": "configmaps", "count": 2}))
    );

    drop(first);
    wait_for_watches(&client, "configmaps", 1).await;
    drop(second);
    wait_for_watches(&client, "configmaps", 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kubectl_watch_is_counted_until_kubectl_exits() {
    let sim = common::start().await;
    let client = sim.client().await;
    let mut child = sim
        .kubectl_cmd(&["get", "deployments", "-n", "demo", "-w"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_watches(&client, "deployments", 1).await;
    let (_, body) = sim_api(&client, "GET", "/sim/v1/watches").await;
    assert!(
        body["watches"].as_array().unwrap().contains(
            &json!({"group": "apps", "version": "v1", "resource": "deployments", "count": 1})
        ),
        "{body}"
    );
    within("kubectl get -w to be killed", TIMEOUT, child.kill())
        .await
        .unwrap();
    wait_for_watches(&client, "deployments", 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_streams_leave_the_count() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<k8s_openapi::api::core::v1::Pod> = Api::all(client.clone());
    let mut stream = pods
        .watch(&WatchParams::default(), "0")
        .await
        .unwrap()
        .boxed();
    wait_for_watches(&client, "pods", 1).await;
    let (code, _) = sim_api(&client, "POST", "/sim/v1/watches/drop").await;
    assert_eq!(code, 200);
    wait_for_watches(&client, "pods", 0).await;
    // The client sees its stream end.
    common::ends("the dropped pods watch", &mut stream).await;
    assert_eq!(sim.handle.open_watches().to_json(), json!({"watches": []}));
}
