//! The real kubectl against the simulator: version, discovery and `get`.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_reports_1_32() {
    let sim = common::start().await;
    let out = sim.kubectl_ok(&["version", "-o", "json"]).await;
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["serverVersion"]["gitVersion"], "v1.32.2");
    assert_eq!(v["serverVersion"]["minor"], "32");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_resources_lists_kinds_with_short_names() {
    let sim = common::start().await;
    let out = sim.kubectl_ok(&["api-resources"]).await;
    let row = |name: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name} missing:\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        row("deployments"),
        ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    );
    assert_eq!(row("pods"), ["pods", "po", "v1", "true", "Pod"]);
    assert_eq!(row("nodes"), ["nodes", "no", "v1", "false", "Node"]);
    assert_eq!(
        row("customresourcedefinitions"),
        [
            "customresourcedefinitions",
            "crd,crds",
            "apiextensions.k8s.io/v1",
            "false",
            "CustomResourceDefinition"
        ]
    );
    for name in [
        "endpointslices",
        "leases",
        "poddisruptionbudgets",
        "cronjobs",
        "networkpolicies",
        "clusterrolebindings",
        "storageclasses",
    ] {
        row(name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_prints_tables_and_every_output_format() {
    let sim = common::start().await;
    let nodes = sim.kubectl_ok(&["get", "nodes"]).await;
    let header: Vec<&str> = nodes.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]);
    assert!(
        nodes.lines().any(|l| l.starts_with("control-plane")
            && l.contains("Ready")
            && l.contains("control-plane")
            && l.contains("v1.32.2")),
        "{nodes}"
    );
    assert_eq!(
        nodes.lines().filter(|l| l.starts_with("worker-")).count(),
        3
    );
    let wide = sim.kubectl_ok(&["get", "nodes", "-o", "wide"]).await;
    assert!(
        wide.contains("INTERNAL-IP")
            && wide.contains("172.18.1.2")
            && wide.contains("containerd://1.7.24"),
        "{wide}"
    );

    let names = sim
        .kubectl_ok(&["get", "pods", "-n", "kube-system", "-o", "name"])
        .await;
    // The static pods, next to the coredns and kube-proxy pods the
    // controllers create.
    let static_pods: Vec<&str> = names
        .lines()
        .filter(|l| l.ends_with("-control-plane"))
        .collect();
    assert_eq!(
        static_pods,
        [
            "pod/etcd-control-plane",
            "pod/kube-apiserver-control-plane",
            "pod/kube-controller-manager-control-plane",
            "pod/kube-scheduler-control-plane"
        ]
    );
    let json = sim
        .kubectl_ok(&[
            "get",
            "pod",
            "etcd-control-plane",
            "-n",
            "kube-system",
            "-o",
            "json",
        ])
        .await;
    let pod: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(pod["status"]["phase"], "Running");
    assert_eq!(pod["spec"]["restartPolicy"], "Always");
    let yaml = sim
        .kubectl_ok(&[
            "get",
            "pod",
            "etcd-control-plane",
            "-n",
            "kube-system",
            "-o",
            "yaml",
        ])
        .await;
    assert!(
        yaml.contains("kind: Pod") && yaml.contains("nodeName: control-plane"),
        "{yaml}"
    );
    let jp = sim
        .kubectl_ok(&["get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"])
        .await;
    assert_eq!(jp, "control-plane worker-1 worker-2 worker-3");

    let all = sim.kubectl_ok(&["get", "pods", "-A"]).await;
    assert!(
        all.starts_with("NAMESPACE") && all.contains("kube-system   etcd-control-plane"),
        "{all}"
    );
    let pods = sim.kubectl_ok(&["get", "pods", "-n", "kube-system"]).await;
    assert!(
        pods.lines().any(|l| l.starts_with("etcd-control-plane")
            && l.contains("1/1")
            && l.contains("Running")),
        "{pods}"
    );
    let labelled = sim
        .kubectl_ok(&[
            "get",
            "pods",
            "-A",
            "-l",
            "component in (etcd,kube-scheduler)",
            "-o",
            "name",
        ])
        .await;
    assert_eq!(labelled.lines().count(), 2, "{labelled}");
    let not = sim
        .kubectl_ok(&[
            "get",
            "pods",
            "-A",
            "-l",
            "component!=etcd,tier",
            "-o",
            "name",
        ])
        .await;
    assert_eq!(not.lines().count(), 3, "{not}");
    // Every pod the field selector returns matches it, and the static pods
    // are among them (the scheduler may put coredns and kube-proxy there too).
    let selected = sim
        .kubectl_json(&[
            "get",
            "pods",
            "-A",
            "--field-selector",
            "spec.nodeName=control-plane,status.phase=Running",
        ])
        .await;
    let selected = selected["items"].as_array().unwrap();
    assert!(
        selected
            .iter()
            .all(|p| p["spec"]["nodeName"] == "control-plane" && p["status"]["phase"] == "Running"),
        "{selected:?}"
    );
    let selected_names: Vec<&str> = selected
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap())
        .collect();
    for name in static_pods {
        let name = name.trim_start_matches("pod/");
        assert!(selected_names.contains(&name), "{name}: {selected_names:?}");
    }
    let none = sim
        .kubectl_names(&["pods", "-A", "--field-selector", "spec.nodeName=worker-9"])
        .await;
    assert!(none.is_empty(), "{none:?}");
    let bad = sim
        .kubectl_err(&["get", "pods", "--field-selector", "spec.bogus=1"])
        .await;
    assert!(
        bad.contains("field label not supported: spec.bogus"),
        "{bad}"
    );
    let chunked = sim
        .kubectl_ok(&["get", "namespaces", "--chunk-size=2", "-o", "name"])
        .await;
    assert_eq!(
        chunked.lines().collect::<Vec<_>>(),
        [
            "namespace/default",
            "namespace/demo",
            "namespace/kube-node-lease",
            "namespace/kube-public",
            "namespace/kube-system"
        ]
    );
    let missing = sim.kubectl_err(&["get", "deployment", "nope"]).await;
    assert!(
        missing.contains("Error from server (NotFound): deployments.apps \"nope\" not found"),
        "{missing}"
    );
    let unknown = sim.kubectl_err(&["get", "widgets"]).await;
    assert!(
        unknown.contains("the server doesn't have a resource type \"widgets\""),
        "{unknown}"
    );
}
