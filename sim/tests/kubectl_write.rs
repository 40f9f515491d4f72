//! The real kubectl changing things: apply, create/replace/delete -f, edit,
//! patch, label, annotate, scale, cordon, delete cascades and finalizers.

mod common;

use std::time::Duration;

const DEPLOYMENT: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web}
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
          name: http
      - name: sidecar
        image: busybox:1.36
        ports:
        - containerPort: 9000
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_three_times_creates_configures_and_keeps_ports() {
    let sim = common::start().await;
    let file = sim.write("web.yaml", DEPLOYMENT);
    assert_eq!(
        sim.kubectl_ok(&["apply", "-f", &file]).await.trim(),
        "deployment.apps/web created"
    );
    let changed = sim.write(
        "web2.yaml",
        &DEPLOYMENT.replace("replicas: 2", "replicas: 3"),
    );
    assert_eq!(
        sim.kubectl_ok(&["apply", "-f", &changed]).await.trim(),
        "deployment.apps/web configured"
    );
    assert_eq!(
        sim.kubectl_ok(&["apply", "-f", &changed]).await.trim(),
        "deployment.apps/web unchanged"
    );
    let ports = sim
        .kubectl_ok(&[
            "get",
            "deploy",
            "web",
            "-n",
            "default",
            "-o",
            "jsonpath={.spec.replicas} {.spec.template.spec.containers[*].ports[*].containerPort}",
        ])
        .await;
    assert_eq!(ports, "3 80 9000");
    let strategy = sim
        .kubectl_ok(&[
            "get",
            "deploy",
            "web",
            "-n",
            "default",
            "-o",
            "jsonpath={.spec.strategy.type} {.spec.revisionHistoryLimit}",
        ])
        .await;
    assert_eq!(strategy, "RollingUpdate 10");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_replace_and_delete_from_files() {
    let sim = common::start().await;
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: fast\n";
    let file = sim.write("cm.yaml", cm);
    assert_eq!(
        sim.kubectl_ok(&["create", "-f", &file]).await.trim(),
        "configmap/settings created"
    );
    let again = sim.kubectl_err(&["create", "-f", &file]).await;
    assert!(
        again.contains("Error from server (AlreadyExists): error when creating")
            && again.contains("configmaps \"settings\" already exists"),
        "{again}"
    );
    let replaced = sim.write("cm2.yaml", &cm.replace("fast", "slow"));
    assert_eq!(
        sim.kubectl_ok(&["replace", "-f", &replaced]).await.trim(),
        "configmap/settings replaced"
    );
    assert_eq!(
        sim.kubectl_ok(&[
            "get",
            "cm",
            "settings",
            "-n",
            "default",
            "-o",
            "jsonpath={.data.mode}"
        ])
        .await,
        "slow"
    );
    // A stale resourceVersion in the file is a conflict.
    let live = sim
        .kubectl_ok(&["get", "cm", "settings", "-n", "default", "-o", "yaml"])
        .await;
    let stale = sim.write("stale.yaml", &live.replace("slow", "stale"));
    sim.kubectl_ok(&["replace", "-f", &replaced]).await;
    sim.kubectl_ok(&["annotate", "cm", "settings", "-n", "default", "touched=yes"])
        .await;
    let conflict = sim.kubectl_err(&["replace", "-f", &stale]).await;
    assert!(
        conflict.contains("Error from server (Conflict)")
            && conflict.contains("the object has been modified"),
        "{conflict}"
    );
    assert_eq!(
        sim.kubectl_ok(&["delete", "-f", &file]).await.trim(),
        "configmap \"settings\" deleted"
    );
    let gone = sim
        .kubectl_err(&["get", "cm", "settings", "-n", "default"])
        .await;
    assert!(gone.contains("configmaps \"settings\" not found"), "{gone}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_patch_label_annotate_and_scale() {
    let sim = common::start().await;
    let file = sim.write("web.yaml", DEPLOYMENT);
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    let editor = sim.write(
        "editor.sh",
        "#!/bin/sh\nsed -i 's/replicas: 2/replicas: 5/' \"$1\"\n",
    );
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = sim
        .kubectl_with(&["edit", "deployment/web", "-n", "default"], |cmd| {
            cmd.env("EDITOR", &editor);
        })
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "deployment.apps/web edited"
    );
    let replicas = || {
        sim.kubectl_ok(&[
            "get",
            "deploy",
            "web",
            "-n",
            "default",
            "-o",
            "jsonpath={.spec.replicas}",
        ])
    };
    assert_eq!(replicas().await, "5");

    let smp =
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}"#;
    assert_eq!(
        sim.kubectl_ok(&["patch", "deploy", "web", "-n", "default", "-p", smp])
            .await
            .trim(),
        "deployment.apps/web patched"
    );
    let images = sim
        .kubectl_ok(&[
            "get",
            "deploy",
            "web",
            "-n",
            "default",
            "-o",
            "jsonpath={.spec.template.spec.containers[*].image}",
        ])
        .await;
    assert_eq!(
        images, "nginx:1.28 busybox:1.36",
        "strategic merge keeps the other container"
    );
    sim.kubectl_ok(&[
        "patch",
        "deploy",
        "web",
        "-n",
        "default",
        "--type=merge",
        "-p",
        r#"{"spec":{"replicas":1}}"#,
    ])
    .await;
    assert_eq!(replicas().await, "1");
    sim.kubectl_ok(&[
        "patch",
        "deploy",
        "web",
        "-n",
        "default",
        "--type=json",
        "-p",
        r#"[{"op":"replace","path":"/spec/replicas","value":4}]"#,
    ])
    .await;
    assert_eq!(replicas().await, "4");
    let failed = sim
        .kubectl_err(&[
            "patch",
            "deploy",
            "web",
            "-n",
            "default",
            "--type=json",
            "-p",
            r#"[{"op":"test","path":"/spec/replicas","value":9}]"#,
        ])
        .await;
    assert!(failed.contains("value did not match"), "{failed}");
    assert_eq!(replicas().await, "4");

    assert_eq!(
        sim.kubectl_ok(&["label", "deploy", "web", "-n", "default", "tier=frontend"])
            .await
            .trim(),
        "deployment.apps/web labeled"
    );
    assert_eq!(
        sim.kubectl_ok(&["annotate", "deploy", "web", "-n", "default", "owner=team-a"])
            .await
            .trim(),
        "deployment.apps/web annotated"
    );
    let meta = sim
        .kubectl_ok(&[
            "get",
            "deploy",
            "-n",
            "default",
            "-l",
            "tier=frontend",
            "-o",
            "jsonpath={.items[0].metadata.annotations.owner}",
        ])
        .await;
    assert_eq!(meta, "team-a");
    sim.kubectl_ok(&["label", "deploy", "web", "-n", "default", "tier-"])
        .await;
    assert!(
        sim.kubectl_ok(&["get", "deploy", "-n", "default", "-l", "tier", "-o", "name"])
            .await
            .trim()
            .is_empty()
    );

    assert_eq!(
        sim.kubectl_ok(&["scale", "deploy", "web", "-n", "default", "--replicas=7"])
            .await
            .trim(),
        "deployment.apps/web scaled"
    );
    assert_eq!(replicas().await, "7");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cordon_and_uncordon_a_node() {
    let sim = common::start().await;
    assert_eq!(
        sim.kubectl_ok(&["cordon", "worker-2"]).await.trim(),
        "node/worker-2 cordoned"
    );
    let status = sim.kubectl_ok(&["get", "node", "worker-2"]).await;
    assert!(status.contains("Ready,SchedulingDisabled"), "{status}");
    assert_eq!(
        sim.kubectl_ok(&[
            "get",
            "nodes",
            "--field-selector",
            "spec.unschedulable=true",
            "-o",
            "name"
        ])
        .await
        .trim(),
        "node/worker-2"
    );
    assert_eq!(
        sim.kubectl_ok(&["uncordon", "worker-2"]).await.trim(),
        "node/worker-2 uncordoned"
    );
    let unschedulable = sim
        .kubectl_ok(&[
            "get",
            "node",
            "worker-2",
            "-o",
            "jsonpath={.spec.unschedulable}",
        ])
        .await;
    assert!(
        unschedulable.is_empty() || unschedulable == "false",
        "{unschedulable}"
    );
    assert!(
        !sim.kubectl_ok(&["get", "node", "worker-2"])
            .await
            .contains("SchedulingDisabled")
    );
}

/// Creates an owner ConfigMap and two dependents pointing at it.
async fn owner_with_dependents(sim: &common::TestSim, owner: &str) {
    sim.kubectl_ok(&[
        "create",
        "-f",
        &sim.write(
            &format!("{owner}.yaml"),
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {owner}\n  namespace: default\n"
            ),
        ),
    ])
    .await;
    let uid = sim
        .kubectl_ok(&[
            "get",
            "cm",
            owner,
            "-n",
            "default",
            "-o",
            "jsonpath={.metadata.uid}",
        ])
        .await;
    for i in 1..=2 {
        let dep = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {owner}-dep{i}\n  namespace: default\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: {owner}\n    uid: {uid}\n    blockOwnerDeletion: true\n"
        );
        sim.kubectl_ok(&[
            "create",
            "-f",
            &sim.write(&format!("{owner}-dep{i}.yaml"), &dep),
        ])
        .await;
    }
}

/// Names of the ConfigMaps in `default` starting with `prefix`.
async fn names(sim: &common::TestSim, prefix: &str) -> Vec<String> {
    sim.kubectl_names(&["cm", "-n", "default"])
        .await
        .into_iter()
        .map(|l| l.trim_start_matches("configmap/").to_string())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_cascades_background_foreground_and_orphan() {
    let sim = common::start().await;
    for owner in ["bg", "fg", "or"] {
        owner_with_dependents(&sim, owner).await;
    }
    assert_eq!(
        sim.kubectl_ok(&[
            "delete",
            "cm",
            "fg",
            "-n",
            "default",
            "--cascade=foreground"
        ])
        .await
        .trim(),
        "configmap \"fg\" deleted"
    );
    assert!(
        names(&sim, "fg").await.is_empty(),
        "foreground deletion removes dependents before the owner"
    );
    sim.kubectl_ok(&["delete", "cm", "or", "-n", "default", "--cascade=orphan"])
        .await;
    assert_eq!(names(&sim, "or").await, ["or-dep1", "or-dep2"]);
    let refs = sim
        .kubectl_ok(&[
            "get",
            "cm",
            "or-dep1",
            "-n",
            "default",
            "-o",
            "jsonpath={.metadata.ownerReferences}",
        ])
        .await;
    assert!(
        refs.is_empty() || refs == "[]",
        "orphaned dependents lose their owner reference: {refs}"
    );
    sim.kubectl_ok(&["delete", "cm", "bg", "-n", "default"])
        .await;
    for _ in 0..50 {
        if names(&sim, "bg").await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        names(&sim, "bg").await.is_empty(),
        "background deletion collects the dependents"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_finalizer_holds_deletion_until_removed() {
    let sim = common::start().await;
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  namespace: default\n  finalizers: [example.com/hold]\n";
    sim.kubectl_ok(&["create", "-f", &sim.write("held.yaml", cm)])
        .await;
    assert_eq!(
        sim.kubectl_ok(&["delete", "cm", "held", "-n", "default", "--wait=false"])
            .await
            .trim(),
        "configmap \"held\" deleted"
    );
    let ts = sim
        .kubectl_ok(&[
            "get",
            "cm",
            "held",
            "-n",
            "default",
            "-o",
            "jsonpath={.metadata.deletionTimestamp}",
        ])
        .await;
    assert!(!ts.is_empty(), "the object stays, marked for deletion");
    let mut waiter = sim.kubectl_cmd(&[
        "wait",
        "--for=delete",
        "cm/held",
        "-n",
        "default",
        "--timeout=20s",
    ]);
    let waiting = tokio::spawn(async move { waiter.output().await.unwrap() });
    tokio::time::sleep(Duration::from_millis(500)).await;
    sim.kubectl_ok(&[
        "patch",
        "cm",
        "held",
        "-n",
        "default",
        "--type=json",
        "-p",
        r#"[{"op":"remove","path":"/metadata/finalizers"}]"#,
    ])
    .await;
    let waited = common::within(
        "`kubectl wait --for=delete cm/held` to exit",
        common::KUBECTL_TIMEOUT,
        waiting,
    )
    .await
    .unwrap();
    assert!(
        waited.status.success(),
        "{}",
        String::from_utf8_lossy(&waited.stderr)
    );
    assert!(
        sim.kubectl_err(&["get", "cm", "held", "-n", "default"])
            .await
            .contains("not found")
    );
}
