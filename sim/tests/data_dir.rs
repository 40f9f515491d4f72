//! `--data-dir` (issue 9 point 10): a cluster started again on the same
//! data directory has the objects it had, with the same uids, revisions
//! that keep growing, and the same CA, so a kubeconfig written before the
//! restart still works; a corrupt state file stops start-up and is kept;
//! without a data directory nothing is written.

mod common;

use std::path::{Path, PathBuf};

use common::{TIMEOUT, TestSim, within};
use serde_json::Value;
use sim::{Sim, SimConfig};

const CRD: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
"#;

const WORKLOAD: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: keep}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: keep}
data: {colour: blue}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: keep}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
"#;

const WIDGET: &str = r#"
apiVersion: example.com/v1
kind: Widget
metadata: {name: gear, namespace: keep}
spec: {teeth: 12}
"#;

/// A ConfigMap manifest (`kubectl create configmap` would send protobuf,
/// which the simulator does not read).
fn config_map(name: &str) -> String {
    format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"{name}\"}},\"data\":{{\"a\":\"b\"}}}}"
    )
}

fn config(data_dir: &Path) -> SimConfig {
    SimConfig {
        clock_factor: 20.0,
        data_dir: Some(data_dir.to_owned()),
        ..SimConfig::default()
    }
}

/// Stops `sim` and starts a cluster on the same address and data
/// directory; its kubectl uses the kubeconfig `sim` wrote (copied into
/// `keep` first), so the old CA and admin certificate must still work.
async fn restart(sim: TestSim, data_dir: &Path, keep: &Path) -> TestSim {
    let old_kubeconfig = keep.join("kubeconfig-before-restart");
    std::fs::copy(&sim.kubeconfig, &old_kubeconfig).expect("copy the kubeconfig");
    let addr = sim.handle.addr();
    within("the simulator to shut down", TIMEOUT, sim.handle.shutdown()).await;
    let mut again = common::start_with(SimConfig {
        listen: addr,
        ..config(data_dir)
    })
    .await;
    again.kubeconfig = old_kubeconfig;
    again
}

/// `metadata.uid` of what `kubectl get ARGS` prints.
async fn uid(sim: &TestSim, args: &[&str]) -> String {
    let mut all = vec!["get"];
    all.extend(args);
    sim.kubectl_json(&all).await["metadata"]["uid"]
        .as_str()
        .expect("a uid")
        .to_owned()
}

/// (name, uid, phase) of the pods of `app=web` in `keep`.
async fn web_pods(sim: &TestSim) -> Vec<(String, String, String)> {
    let list = sim
        .kubectl_json(&["get", "pods", "-n", "keep", "-l", "app=web"])
        .await;
    let mut pods: Vec<_> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| {
            let field = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            (
                field(&p["metadata"]["name"]),
                field(&p["metadata"]["uid"]),
                field(&p["status"]["phase"]),
            )
        })
        .collect();
    pods.sort();
    pods
}

/// The revision a list of config maps is served at.
async fn list_revision(sim: &TestSim) -> u64 {
    let list = sim
        .kubectl_ok(&["get", "--raw", "/api/v1/configmaps"])
        .await;
    serde_json::from_str::<Value>(&list).expect("a list")["metadata"]["resourceVersion"]
        .as_str()
        .and_then(|rv| rv.parse().ok())
        .expect("a list resourceVersion")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_survive_a_restart_and_the_old_kubeconfig_still_works() {
    let outer = tempfile::tempdir().expect("tempdir");
    let data = outer.path().join("data");
    let sim = common::start_with(config(&data)).await;
    let workload = sim.write("workload.yaml", WORKLOAD);
    sim.kubectl_ok(&["apply", "-f", &workload]).await;
    let crd = sim.write("crd.yaml", CRD);
    sim.kubectl_ok(&["apply", "-f", &crd]).await;
    let widget = sim.write("widget.yaml", WIDGET);
    common::eventually("the Widget type to be served", || async {
        sim.kubectl(&["apply", "-f", &widget])
            .await
            .status
            .success()
            .then_some(())
    })
    .await;
    sim.kubectl_ok(&[
        "rollout",
        "status",
        "deployment/web",
        "-n",
        "keep",
        "--timeout=90s",
    ])
    .await;
    let pods = common::eventually("both web pods to run", || async {
        let pods = web_pods(&sim).await;
        (pods.len() == 2 && pods.iter().all(|p| p.2 == "Running")).then_some(pods)
    })
    .await;
    let before = [
        uid(&sim, &["namespace", "keep"]).await,
        uid(&sim, &["configmap", "settings", "-n", "keep"]).await,
        uid(&sim, &["deployment", "web", "-n", "keep"]).await,
        uid(&sim, &["crd", "widgets.example.com"]).await,
        uid(&sim, &["widget", "gear", "-n", "keep"]).await,
    ];
    let created = sim
        .kubectl_json(&["get", "configmap", "settings", "-n", "keep"])
        .await["metadata"]["creationTimestamp"]
        .clone();

    let sim = restart(sim, &data, outer.path()).await;

    let after = [
        uid(&sim, &["namespace", "keep"]).await,
        uid(&sim, &["configmap", "settings", "-n", "keep"]).await,
        uid(&sim, &["deployment", "web", "-n", "keep"]).await,
        uid(&sim, &["crd", "widgets.example.com"]).await,
        uid(&sim, &["widget", "gear", "-n", "keep"]).await,
    ];
    assert_eq!(after, before, "the same objects, with the same uids");
    let settings = sim
        .kubectl_json(&["get", "configmap", "settings", "-n", "keep"])
        .await;
    assert_eq!(settings["data"]["colour"], "blue");
    assert_eq!(settings["metadata"]["creationTimestamp"], created);
    let gear = sim.kubectl_json(&["get", "wd", "gear", "-n", "keep"]).await;
    assert_eq!(gear["spec"]["teeth"], 12, "{gear}");
    assert_eq!(web_pods(&sim).await, pods, "the same pods, still running");
    let ready = sim
        .kubectl_json(&["get", "deployment", "web", "-n", "keep"])
        .await;
    assert_eq!(ready["status"]["readyReplicas"], 2, "{ready}");
    // The cluster still works, for the old admin certificate too.
    sim.kubectl_ok(&["scale", "deployment", "web", "-n", "keep", "--replicas=3"])
        .await;
    common::eventually("a third web pod to run", || async {
        let pods = web_pods(&sim).await;
        (pods.len() == 3 && pods.iter().all(|p| p.2 == "Running")).then_some(())
    })
    .await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revisions_keep_growing_across_a_restart() {
    let outer = tempfile::tempdir().expect("tempdir");
    let data = outer.path().join("data");
    let sim = common::start_with(config(&data)).await;
    sim.kubectl_ok(&[
        "apply",
        "-f",
        &sim.write("first.yaml", &config_map("first")),
    ])
    .await;
    let first_rv: u64 =
        sim.kubectl_json(&["get", "configmap", "first"]).await["metadata"]["resourceVersion"]
            .as_str()
            .and_then(|rv| rv.parse().ok())
            .expect("a resourceVersion");
    let before = list_revision(&sim).await;
    assert!(before >= first_rv);

    let sim = restart(sim, &data, outer.path()).await;

    let kept = sim.kubectl_json(&["get", "configmap", "first"]).await;
    assert_eq!(
        kept["metadata"]["resourceVersion"],
        first_rv.to_string(),
        "an object keeps its resourceVersion"
    );
    let after = list_revision(&sim).await;
    assert!(
        after >= before,
        "a list after the restart is at {after}, before it at {before}"
    );
    sim.kubectl_ok(&[
        "apply",
        "-f",
        &sim.write("second.yaml", &config_map("second")),
    ])
    .await;
    let second: u64 =
        sim.kubectl_json(&["get", "configmap", "second"]).await["metadata"]["resourceVersion"]
            .as_str()
            .and_then(|rv| rv.parse().ok())
            .expect("a resourceVersion");
    assert!(
        second > before,
        "a write after the restart got {second}, the last before it {before}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_state_is_saved_while_running_and_kept_private() {
    let outer = tempfile::tempdir().expect("tempdir");
    let data = outer.path().join("data");
    let sim = common::start_with(config(&data)).await;
    let secret = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"hush\"},\"stringData\":{\"k\":\"v\"}}";
    sim.kubectl_ok(&["apply", "-f", &sim.write("secret.json", secret)])
        .await;
    let state = data.join(sim::persist::STATE_FILE);
    common::eventually("the secret to be saved without a shutdown", || async {
        let text = std::fs::read_to_string(&state).ok()?;
        text.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .any(|l| l["resource"] == "secrets" && l["object"]["metadata"]["name"] == "hush")
            .then_some(())
    })
    .await;
    #[cfg(unix)]
    for file in [
        state.clone(),
        data.join(sim::persist::CA_CERT_FILE),
        data.join(sim::persist::CA_KEY_FILE),
    ] {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&file)
            .expect("saved")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file.display());
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_state_file_stops_start_up_and_is_kept() {
    let _limit = common::TestLimit::arm(common::TEST_LIMIT);
    let outer = tempfile::tempdir().expect("tempdir");
    let data = outer.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let state = data.join(sim::persist::STATE_FILE);
    let corrupt = "{\"format\":\"pilothouse-sim-state\",\"version\":1,\"revision\":4,\"time\":\"2026-01-02T03:04:05Z\"}\n{\"group\":\"\",\"resource\":\"configmaps\",\"object\":{\"metadata\":\n";
    std::fs::write(&state, corrupt).expect("write the state");
    let result = within(
        "the simulator to refuse",
        TIMEOUT,
        Sim::start(config(&data)),
    )
    .await;
    let error = match result {
        Ok(_) => panic!("a corrupt state must stop start-up"),
        Err(e) => e.to_string(),
    };
    assert!(error.contains(&state.display().to_string()), "{error}");
    assert!(error.contains("line 2"), "{error}");
    assert_eq!(error.lines().count(), 1, "one line: {error}");
    assert_eq!(std::fs::read_to_string(&state).expect("kept"), corrupt);
    let entries: Vec<PathBuf> = std::fs::read_dir(&data)
        .expect("data dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(entries, [state], "nothing else is written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_data_dir_nothing_is_written() {
    let cwd_before = std::fs::read_dir(".").expect("cwd").count();
    let sim = common::start().await;
    sim.kubectl_ok(&[
        "apply",
        "-f",
        &sim.write("passing.yaml", &config_map("passing")),
    ])
    .await;
    let dir = sim.dir.path().to_owned();
    within("the simulator to shut down", TIMEOUT, sim.handle.shutdown()).await;
    let written: Vec<String> = std::fs::read_dir(&dir)
        .expect("test dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with(".tmp") && !name.ends_with(".yaml"))
        .collect();
    assert_eq!(written, ["kubeconfig"], "only the kubeconfig asked for");
    assert_eq!(std::fs::read_dir(".").expect("cwd").count(), cwd_before);
}
