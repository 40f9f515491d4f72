//! The Eviction API and PodDisruptionBudgets (issue 9 point 6): budgets
//! report their health, an eviction that would break one is refused with
//! upstream's 429, one that fits spends a disruption, and `kubectl drain`
//! evicts through it, retrying until a blocking budget is relaxed.

mod common;

use common::eventually;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

const VIOLATES: &str = "Cannot evict pod as it would violate the pod's disruption budget.";

async fn budget(client: &kube::Client, app: &str, min_available: i32) -> Api<PodDisruptionBudget> {
    let pdbs: Api<PodDisruptionBudget> = Api::namespaced(client.clone(), "demo");
    let pdb = serde_json::from_value(json!({
        "metadata": {"name": app},
        "spec": {"minAvailable": min_available, "selector": {"matchLabels": {"app": app}}}
    }))
    .unwrap();
    pdbs.create(&PostParams::default(), &pdb).await.unwrap();
    pdbs
}

/// Waits until `app`'s budget reports `allowed` disruptions with 3 healthy pods.
async fn wait_allowed(
    pdbs: &Api<PodDisruptionBudget>,
    app: &str,
    allowed: i32,
) -> PodDisruptionBudget {
    eventually(&format!("{app}'s budget to allow {allowed}"), || async {
        let pdb = pdbs.get(app).await.ok()?;
        let s = pdb.status.clone()?;
        (s.disruptions_allowed == Some(allowed) && s.current_healthy == Some(3)).then_some(pdb)
    })
    .await
}

async fn running_pods(pods: &Api<Pod>, app: &str) -> Vec<String> {
    pods.list(&ListParams::default().labels(&format!("app={app}")))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| p.metadata.name.unwrap())
        .collect()
}

/// POSTs an Eviction with kubectl (kube-rs would retry the 429 itself);
/// Ok(answer) or Err(stderr).
async fn evict(sim: &common::TestSim, pod: &str) -> Result<String, String> {
    let body = json!({"apiVersion": "policy/v1", "kind": "Eviction",
                      "metadata": {"name": pod, "namespace": "demo"}});
    let file = sim.write(&format!("evict-{pod}.json"), &body.to_string());
    let path = format!("/api/v1/namespaces/demo/pods/{pod}/eviction");
    let out = sim.kubectl(&["create", "--raw", &path, "-f", &file]).await;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A Deployment `slow` of 3 pods that become ready 100 simulated seconds
/// (5 real) after they start, so a replacement stays unready for a while.
const SLOW: &str = r#"{"apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "slow", "namespace": "demo"},
  "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "slow"}},
    "template": {"metadata": {"labels": {"app": "slow"},
        "annotations": {"sim.pilothouse.dev/ready-after-seconds": "100"}},
      "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_eviction_spends_a_disruption_or_is_refused_with_429() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "demo");
    sim.kubectl_ok(&["create", "-f", &sim.write("slow.json", SLOW)])
        .await;
    let pdbs = budget(&client, "slow", 3).await;
    let pdb = wait_allowed(&pdbs, "slow", 0).await;
    let status = pdb.status.unwrap();
    assert_eq!(
        (status.expected_pods, status.desired_healthy),
        (Some(3), Some(3))
    );
    let cond = &status.conditions.unwrap()[0];
    assert_eq!(
        (
            cond.type_.as_str(),
            cond.status.as_str(),
            cond.reason.as_str()
        ),
        ("DisruptionAllowed", "False", "InsufficientPods")
    );
    let table = sim.kubectl_ok(&["get", "pdb", "slow", "-n", "demo"]).await;
    assert!(
        table.contains("slow   3               N/A               0"),
        "{table}"
    );

    let names = running_pods(&pods, "slow").await;
    let refused = evict(&sim, &names[0]).await.unwrap_err();
    assert!(
        refused.contains(&format!("Error from server (TooManyRequests): {VIOLATES}")),
        "{refused}"
    );
    assert!(running_pods(&pods, "slow").await.contains(&names[0]));

    pdbs.patch(
        "slow",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"minAvailable": 2}})),
    )
    .await
    .unwrap();
    wait_allowed(&pdbs, "slow", 1).await;
    let answer = evict(&sim, &names[0]).await.unwrap();
    assert!(answer.contains(r#""status":"Success""#), "{answer}");
    let evicted = pods.get(&names[0]).await.unwrap();
    assert!(evicted.metadata.deletion_timestamp.is_some());
    assert_eq!(
        common::condition(&evicted, "DisruptionTarget").as_deref(),
        Some("True")
    );
    // The one disruption is spent: the next eviction waits while the
    // replacement is not ready yet.
    let second = evict(&sim, &names[1]).await.unwrap_err();
    assert!(second.contains(VIOLATES), "{second}");
    assert_eq!(
        pdbs.get("slow")
            .await
            .unwrap()
            .status
            .unwrap()
            .disruptions_allowed,
        Some(0)
    );
    // The replacement becomes ready and the budget allows one again.
    wait_allowed(&pdbs, "slow", 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_drain_evicts_and_waits_for_a_blocking_budget() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::all(client.clone());
    let pdbs = budget(&client, "web", 3).await;
    wait_allowed(&pdbs, "web", 0).await;
    let on_worker_1 = |pods: Vec<Pod>| {
        pods.into_iter()
            .filter(|p| {
                p.spec.as_ref().unwrap().node_name.as_deref() == Some("worker-1")
                    && p.metadata.namespace.as_deref() == Some("demo")
                    && p.metadata
                        .labels
                        .as_ref()
                        .unwrap()
                        .get("app")
                        .map(String::as_str)
                        == Some("web")
            })
            .count()
    };
    let lp = ListParams::default();
    assert_eq!(
        on_worker_1(pods.list(&lp).await.unwrap().items),
        1,
        "web spreads over the workers"
    );

    let mut drain = sim
        .kubectl_cmd(&[
            "drain",
            "worker-1",
            "--ignore-daemonsets",
            "--delete-emptydir-data",
            // The scheduler may put the controller-less myapp-pod on this
            // worker; without --force kubectl refuses to drain before it
            // ever reaches the budget this test is about.
            "--force",
            "--timeout=80s",
        ])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut errors = BufReader::new(drain.stderr.take().unwrap()).lines();
    let retry = common::within("kubectl drain to meet the budget", common::TIMEOUT, async {
        let mut seen = Vec::new();
        while let Some(line) = errors.next_line().await.unwrap() {
            if line.contains(VIOLATES) {
                return line;
            }
            seen.push(line);
        }
        panic!("drain ended without meeting the budget: {seen:#?}");
    })
    .await;
    assert!(retry.contains("(will retry after 5s)"), "{retry}");
    pdbs.patch(
        "web",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"minAvailable": 2}})),
    )
    .await
    .unwrap();
    let out = common::within(
        "kubectl drain to finish",
        common::TIMEOUT,
        drain.wait_with_output(),
    )
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("node/worker-1 drained"), "{stdout}");
    assert!(stdout.contains("evicting pod demo/web-"), "{stdout}");
    let node = sim.kubectl_json(&["get", "node", "worker-1"]).await;
    assert_eq!(node["spec"]["unschedulable"], true);
    eventually("worker-1 to hold no web pod", || async {
        (on_worker_1(pods.list(&lp).await.unwrap().items) == 0).then_some(())
    })
    .await;
}
