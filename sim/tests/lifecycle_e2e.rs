//! Issue 3's lifecycle acceptance, end to end with every part of the
//! simulator running (seed, scheduler, kubelets, node lifecycle,
//! controllers) and observed only through the API:
//!
//! * the seeded `myapp-pod` walks `Init:0/2` → `Init:1/2` →
//!   `PodInitializing` → `Running`, as a watch from the simulator's first
//!   revision delivers it;
//! * the seeded Job `pi` gets a pod that completes;
//! * stopping a worker through the fault API makes it NotReady, its pods
//!   leave the Service's endpoints, are evicted once their 300 s
//!   tolerations run out on the sped-up clock, and their replacements run
//!   on the other workers until the `web` Deployment is fully available
//!   again, with the endpoints following.

mod common;

use std::collections::BTreeSet;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Endpoints, Node, Pod};
use kube::api::{Api, ListParams, WatchEvent, WatchParams};
use kube::runtime::watcher;

use common::*;

fn ready(pod: &Pod) -> bool {
    condition(pod, "Ready").as_deref() == Some("True")
}

fn phase(pod: &Pod) -> Option<&str> {
    pod.status.as_ref()?.phase.as_deref()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seeded_myapp_pod_walks_through_its_init_containers() {
    let sim = common::start().await;
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "demo");
    // Revision 1 is the simulator's first write: this watch replays the
    // pod's whole life, from the seed's create on.
    let params = WatchParams::default()
        .fields("metadata.name=myapp-pod")
        .timeout(290);
    let mut stream = pods.watch(&params, "1").await.unwrap().boxed();
    let mut seen: Vec<Pod> = Vec::new();
    let mut first_event = None;
    let finished = tokio::time::timeout(TIMEOUT, async {
        while let Some(event) = stream.next().await {
            let pod = match event.expect("watch event") {
                WatchEvent::Added(p) => {
                    first_event.get_or_insert("ADDED");
                    p
                }
                WatchEvent::Modified(p) => {
                    first_event.get_or_insert("MODIFIED");
                    p
                }
                other => panic!("unexpected {other:?}"),
            };
            let done = ready(&pod);
            seen.push(pod);
            if done {
                return;
            }
        }
    })
    .await;
    let walk = status_walk(&seen);
    assert!(finished.is_ok(), "myapp-pod never became Ready: {walk:?}");
    assert_eq!(first_event, Some("ADDED"), "the watch starts at the create");
    assert!(
        seen[0].spec.as_ref().unwrap().node_name.is_none(),
        "created unscheduled"
    );
    let after_pending: Vec<&str> = walk
        .iter()
        .map(String::as_str)
        .skip_while(|s| *s == "Pending")
        .collect();
    assert_eq!(
        after_pending,
        ["Init:0/2", "Init:1/2", "PodInitializing", "Running"],
        "STATUS as the watch delivered it: {walk:?}"
    );
    let table = sim
        .kubectl_ok(&["get", "pod", "myapp-pod", "-n", "demo"])
        .await;
    assert!(
        table.lines().nth(1).unwrap().contains("1/1     Running"),
        "{table}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seeded_pi_job_runs_a_pod_to_completion() {
    let sim = common::start().await;
    let client = sim.client().await;
    let completed = watch_for(
        Api::<Pod>::namespaced(client.clone(), "demo"),
        watcher::Config::default().labels("batch.kubernetes.io/job-name=pi"),
        "pi's pod to succeed",
        |p| phase(p) == Some("Succeeded"),
    )
    .await
    .await
    .unwrap();
    assert_eq!(status_column(&completed), "Completed");
    let terminated = completed.status.unwrap().container_statuses.unwrap()[0]
        .state
        .clone()
        .unwrap()
        .terminated
        .unwrap();
    assert_eq!(terminated.exit_code, 0);
    let job = watch_for(
        Api::<Job>::namespaced(client, "demo"),
        watcher::Config::default().fields("metadata.name=pi"),
        "pi to complete",
        |j| {
            j.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| {
                    c.iter()
                        .any(|c| c.type_ == "Complete" && c.status == "True")
                })
        },
    )
    .await
    .await
    .unwrap();
    assert_eq!(job.status.unwrap().succeeded, Some(1));
    let get = sim.kubectl_ok(&["get", "job", "pi", "-n", "demo"]).await;
    assert!(get.contains("Complete   1/1"), "{get}");
    sim.shutdown().await;
}

/// The addresses of the `web` Endpoints: (ready IPs, not-ready IPs).
fn addresses(ep: &Endpoints) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut ready = BTreeSet::new();
    let mut unready = BTreeSet::new();
    for s in ep.subsets.iter().flatten() {
        ready.extend(s.addresses.iter().flatten().map(|a| a.ip.clone()));
        unready.extend(s.not_ready_addresses.iter().flatten().map(|a| a.ip.clone()));
    }
    (ready, unready)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_worker_loses_its_pods_and_web_recovers_on_the_others() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "demo");
    let nodes: Api<Node> = Api::all(client.clone());
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "demo");
    let endpoints: Api<Endpoints> = Api::namespaced(client.clone(), "demo");
    sim.kubectl_ok(&[
        "rollout",
        "status",
        "deployment/web",
        "-n",
        "demo",
        "--timeout=90s",
    ])
    .await;
    let web = pods
        .list(&ListParams::default().labels("app=web"))
        .await
        .unwrap()
        .items;
    let node = web[0].spec.as_ref().unwrap().node_name.clone().unwrap();
    let victims: Vec<Pod> = web
        .into_iter()
        .filter(|p| p.spec.as_ref().unwrap().node_name.as_deref() == Some(node.as_str()))
        .collect();
    let victim_ips: BTreeSet<String> = victims
        .iter()
        .map(|p| p.status.as_ref().unwrap().pod_ip.clone().unwrap())
        .collect();
    let victim_names: Vec<String> = victims
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();

    // Endpoints: the lost node's pods become not ready, then go.
    let ips = victim_ips.clone();
    let unready = watch_for(
        endpoints.clone(),
        watcher::Config::default().fields("metadata.name=web"),
        "the lost node's pods under notReadyAddresses",
        move |ep| {
            let (ready, unready) = addresses(ep);
            unready == ips && ready.is_disjoint(&ips)
        },
    )
    .await;

    let (code, body) = sim_api(&client, "POST", &format!("/sim/v1/nodes/{node}/stop")).await;
    assert_eq!(code, 200, "{body}");
    eventually("the stopped node to be NotReady", || async {
        let n = nodes.get(&node).await.unwrap();
        let ready = n
            .status?
            .conditions?
            .into_iter()
            .find(|c| c.type_ == "Ready")?;
        (ready.status == "Unknown").then_some(())
    })
    .await;
    let table = sim.kubectl_ok(&["get", "node", &node]).await;
    assert!(table.contains("NotReady"), "{table}");
    unready.await.unwrap();

    // The default 300 s tolerations run out: the pods are evicted and stay
    // Terminating while their node is unreachable.
    for name in &victim_names {
        let evicted = wait_pod(&pods, name, "the eviction", |p| {
            p.metadata.deletion_timestamp.is_some()
        })
        .await;
        assert_eq!(status_column(&evicted), "Terminating");
        let events = pod_events(&client, "demo", name).await;
        assert!(
            events.iter().any(|(r, m)| r == "TaintManagerEviction"
                && m == &format!("Marking for deletion Pod demo/{name}")),
            "{events:?}"
        );
    }

    // Replacements run elsewhere until the Deployment is fully available.
    let replacements = eventually("web fully available on the other nodes", || async {
        let d = deployments.get("web").await.unwrap();
        let s = d.status?;
        let available = s.available_replicas == Some(3)
            && s.ready_replicas == Some(3)
            && s.updated_replicas == Some(3);
        let running: Vec<Pod> = pods
            .list(&ListParams::default().labels("app=web"))
            .await
            .unwrap()
            .items
            .into_iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none() && ready(p))
            .collect();
        (available && running.len() == 3).then_some(running)
    })
    .await;
    for p in &replacements {
        let on = p.spec.as_ref().unwrap().node_name.as_deref().unwrap();
        assert_ne!(
            on,
            node,
            "{} runs on the stopped node",
            p.metadata.name.clone().unwrap()
        );
    }
    let out = sim
        .kubectl_ok(&[
            "rollout",
            "status",
            "deployment/web",
            "-n",
            "demo",
            "--timeout=60s",
        ])
        .await;
    assert!(out.contains("successfully rolled out"), "{out}");

    // The endpoints list exactly the running replacements.
    let want: BTreeSet<String> = replacements
        .iter()
        .map(|p| p.status.as_ref().unwrap().pod_ip.clone().unwrap())
        .collect();
    eventually("the endpoints to follow the replacements", || async {
        let ep = endpoints.get("web").await.unwrap();
        let (ready, unready) = addresses(&ep);
        (ready == want && unready.is_empty()).then_some(())
    })
    .await;
    sim.shutdown().await;
}
