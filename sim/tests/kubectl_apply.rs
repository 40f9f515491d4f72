//! Server-side apply as the real kubectl and kube-rs use it: managed fields,
//! conflicts with upstream's message, `--force-conflicts`, fields an
//! applier stops setting, and `kubectl diff` persisting nothing.

mod common;

use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;
use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};

const WEB: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web, tier: front}
spec:
  replicas: 2
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

/// The managers of `obj` and the fields each owns, as `(manager,
/// operation)` → FieldsV1.
fn owners(obj: &Value) -> Vec<(String, String, Value)> {
    obj["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["manager"].as_str().unwrap_or_default().to_string(),
                e["operation"].as_str().unwrap_or_default().to_string(),
                e["fieldsV1"].clone(),
            )
        })
        .collect()
}

/// `kubectl apply --server-side -f file`, which must succeed.
async fn apply(sim: &common::TestSim, file: &str) -> String {
    sim.kubectl_ok(&["apply", "--server-side", "-f", file])
        .await
}

/// `web`'s field at `jsonpath`, as kubectl prints it.
async fn web_field(sim: &common::TestSim, jsonpath: &str) -> String {
    let output = format!("jsonpath={jsonpath}");
    sim.kubectl_ok(&["get", "deploy", "web", "-n", "default", "-o", &output])
        .await
}

const GET_WEB: &[&str] = &[
    "get",
    "deploy",
    "web",
    "-n",
    "default",
    "--show-managed-fields",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applying_twice_records_the_applier_and_changes_nothing_the_second_time() {
    let sim = common::start().await;
    let file = sim.write("web.yaml", WEB);
    let out = sim
        .kubectl_ok(&["apply", "--server-side", "-f", &file])
        .await;
    assert_eq!(out.trim(), "deployment.apps/web serverside-applied");
    let first = sim.kubectl_json(GET_WEB).await;
    let applier = owners(&first)
        .into_iter()
        .find(|(m, op, _)| m == "kubectl" && op == "Apply")
        .expect("kubectl owns the applied fields");
    assert_eq!(applier.2["f:spec"]["f:replicas"], json!({}));
    assert_eq!(
        applier.2["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"nginx\"}"]["f:ports"]
            ["k:{\"containerPort\":80,\"protocol\":\"TCP\"}"]["f:containerPort"],
        json!({}),
        "ports are keyed by port and protocol: {applier:?}"
    );
    assert_eq!(
        first["spec"]["strategy"]["type"], "RollingUpdate",
        "defaults still apply"
    );

    // The deployment controller keeps writing the status meanwhile, so the
    // resourceVersion moves; the applier's entry, whose time is rewritten by
    // any write it makes (the simulated clock runs 20x), must not.
    let applied_at = |obj: &Value| {
        obj["metadata"]["managedFields"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["manager"] == "kubectl" && e["operation"] == "Apply")
            .map(|e| e["time"].clone())
    };
    apply(&sim, &file).await;
    let second = sim.kubectl_json(GET_WEB).await;
    assert!(applied_at(&first).is_some());
    assert_eq!(
        applied_at(&second),
        applied_at(&first),
        "the same configuration again writes nothing"
    );
    assert_eq!(
        second["metadata"]["generation"],
        first["metadata"]["generation"]
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_another_manager_changed_conflicts_until_the_applier_forces() {
    let sim = common::start().await;
    let file = sim.write("web.yaml", WEB);
    apply(&sim, &file).await;
    sim.kubectl_ok(&[
        "patch",
        "deploy",
        "web",
        "-n",
        "default",
        "-p",
        r#"{"spec":{"replicas":5}}"#,
    ])
    .await;

    let err = sim
        .kubectl_err(&["apply", "--server-side", "-f", &file])
        .await;
    assert!(
        err.contains(
            r#"Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.replicas"#
        ),
        "{err}"
    );
    assert!(
        err.contains("--force-conflicts"),
        "kubectl explains the way out: {err}"
    );
    let kept = sim.kubectl_json(GET_WEB).await;
    assert_eq!(
        kept["spec"]["replicas"], 5,
        "a refused apply changes nothing"
    );

    sim.kubectl_ok(&["apply", "--server-side", "--force-conflicts", "-f", &file])
        .await;
    let taken = sim.kubectl_json(GET_WEB).await;
    assert_eq!(taken["spec"]["replicas"], 2);
    assert!(
        owners(&taken)
            .iter()
            .all(|(m, _, fields)| m != "kubectl-patch" || fields["f:spec"]["f:replicas"].is_null()),
        "the forced apply took .spec.replicas over: {:?}",
        owners(&taken)
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_label_the_applier_stops_setting_is_removed() {
    let sim = common::start().await;
    let file = sim.write("web.yaml", WEB);
    apply(&sim, &file).await;
    let trimmed = sim.write("web2.yaml", &WEB.replace(", tier: front", ""));
    apply(&sim, &trimmed).await;
    let labels = web_field(&sim, "{.metadata.labels}").await;
    assert_eq!(labels, r#"{"app":"web"}"#);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_diff_shows_the_change_and_persists_nothing() {
    let sim = common::start().await;
    let file = sim.write("web.yaml", WEB);
    apply(&sim, &file).await;
    let changed = sim.write("web3.yaml", &WEB.replace("replicas: 2", "replicas: 4"));
    for extra in [&[][..], &["--server-side"][..]] {
        let mut args = vec!["diff", "-f", &changed];
        args.extend(extra);
        let out = sim.kubectl(&args).await;
        let shown = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(1),
            "kubectl diff exits 1 when there are differences: {shown}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(shown.contains("-  replicas: 2"), "{args:?}: {shown}");
        assert!(shown.contains("+  replicas: 4"), "{args:?}: {shown}");
        assert!(
            shown.contains("+  generation: 2"),
            "a dry run runs everything a write would, as upstream's does: {shown}"
        );
    }
    // A status the controllers are still writing would differ between
    // kubectl's read and its dry run: let the rollout finish first.
    sim.kubectl_ok(&[
        "rollout",
        "status",
        "deploy/web",
        "-n",
        "default",
        "--timeout=60s",
    ])
    .await;
    let unchanged = sim.kubectl(&["diff", "-f", &file]).await;
    assert_eq!(unchanged.status.code(), Some(0), "no difference, exit 0");
    let replicas = web_field(&sim, "{.spec.replicas}").await;
    assert_eq!(replicas, "2", "diff persisted nothing");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_rs_apply_creates_then_forces_over_another_manager() {
    let sim = common::start().await;
    let client = sim.client().await;
    let cms: Api<ConfigMap> = Api::namespaced(client, "default");
    let config = |v: &str| {
        serde_json::from_value::<ConfigMap>(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "settings"},
            "data": {"mode": v}
        }))
        .unwrap()
    };
    let made = cms
        .patch(
            "settings",
            &PatchParams::apply("deployer"),
            &Patch::Apply(config("a")),
        )
        .await
        .expect("apply creates the object");
    assert_eq!(made.data.unwrap()["mode"], "a");

    let refused = cms
        .patch(
            "settings",
            &PatchParams::apply("operator"),
            &Patch::Apply(config("b")),
        )
        .await
        .expect_err("another applier may not change the deployer's field");
    let kube::Error::Api(status) = refused else {
        panic!("an API error, got {refused:?}")
    };
    assert_eq!(status.code, 409);
    assert_eq!(
        status.message,
        r#"Apply failed with 1 conflict: conflict with "deployer": .data.mode"#
    );

    let forced = cms
        .patch(
            "settings",
            &PatchParams::apply("operator").force(),
            &Patch::Apply(config("b")),
        )
        .await
        .expect("a forced apply takes the field over");
    assert_eq!(forced.data.unwrap()["mode"], "b");
    let managers: Vec<String> = forced
        .metadata
        .managed_fields
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e.manager)
        .collect();
    assert_eq!(managers, ["operator"], "the deployer owned nothing else");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_without_a_field_manager_is_refused_like_upstream() {
    let sim = common::start().await;
    let client = sim.client().await;
    let request = http::Request::patch("/api/v1/namespaces/default/configmaps/x")
        .header("content-type", "application/apply-patch+yaml")
        .body(br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#.to_vec())
        .unwrap();
    let err = client
        .request::<ConfigMap>(request)
        .await
        .expect_err("fieldManager is required");
    let kube::Error::Api(status) = err else {
        panic!("an API error, got {err:?}")
    };
    assert_eq!(status.code, 422);
    assert_eq!(
        status.message,
        r#"PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch"#
    );
    sim.shutdown().await;
}
