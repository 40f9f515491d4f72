//! `kubectl describe` of a node and of a Service, with their events (pods
//! and deployments are described in `lifecycle.rs` and
//! `controllers_deployment.rs`).

mod common;

/// The lines of the `Events:` section of a `kubectl describe` output.
fn events_section(out: &str) -> Vec<&str> {
    out.split("\nEvents:")
        .nth(1)
        .unwrap_or_else(|| panic!("no Events section:\n{out}"))
        .lines()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_node_shows_its_pods_lease_and_lifecycle_events() {
    let sim = common::start().await;
    let client = sim.client().await;
    let node_ready = |want: &'static str| {
        let sim = &sim;
        move || async move {
            let status = sim
                .kubectl_ok(&["get", "node", "worker-3", "--no-headers"])
                .await;
            (status.split_whitespace().nth(1) == Some(want)).then_some(())
        }
    };
    let (code, body) = common::sim_api(&client, "POST", "/sim/v1/nodes/worker-3/stop").await;
    assert_eq!(code, 200, "{body}");
    common::eventually("worker-3 NotReady", node_ready("NotReady")).await;
    let (code, body) = common::sim_api(&client, "POST", "/sim/v1/nodes/worker-3/start").await;
    assert_eq!(code, 200, "{body}");
    common::eventually("worker-3 Ready", node_ready("Ready")).await;

    let out = sim.kubectl_ok(&["describe", "node", "worker-3"]).await;
    assert!(out.starts_with("Name:               worker-3\n"), "{out}");
    assert!(out.contains("HolderIdentity:  worker-3"), "{out}");
    assert!(
        out.contains("kube-system                 kube-proxy-"),
        "the node's pods are listed:\n{out}"
    );
    let events = events_section(&out);
    for (reason, from, message) in [
        (
            "NodeNotReady",
            "node-controller",
            "Node worker-3 status is now: NodeNotReady",
        ),
        ("Starting", "kubelet", "Starting kubelet."),
        (
            "NodeReady",
            "kubelet",
            "Node worker-3 status is now: NodeReady",
        ),
    ] {
        assert!(
            events.iter().any(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                words.get(1) == Some(&reason) && l.contains(from) && l.ends_with(message)
            }),
            "no {reason} event from {from}:\n{out}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_service_shows_its_endpoints_and_only_its_own_events() {
    let sim = common::start().await;
    sim.kubectl_ok(&[
        "rollout",
        "status",
        "deployment/web",
        "-n",
        "demo",
        "--timeout=90s",
    ])
    .await;
    let uid = sim
        .kubectl_ok(&[
            "get",
            "svc",
            "web",
            "-n",
            "demo",
            "-o",
            "jsonpath={.metadata.uid}",
        ])
        .await;
    // Another client (a load-balancer prober, say) reports on the Service.
    let now = sim.handle.store().clock().now_rfc3339();
    let event = format!(
        "apiVersion: v1\nkind: Event\nmetadata:\n  name: web.probe\n  namespace: demo\ninvolvedObject:\n  apiVersion: v1\n  kind: Service\n  name: web\n  namespace: demo\n  uid: {uid}\nreason: ProbeFailed\nmessage: external probe of web failed\ntype: Warning\nsource:\n  component: lb-prober\ncount: 1\nfirstTimestamp: \"{now}\"\nlastTimestamp: \"{now}\"\n"
    );
    sim.kubectl_ok(&["create", "-f", &sim.write("event.yaml", &event)])
        .await;

    let ips = sim
        .kubectl_ok(&[
            "get",
            "pods",
            "-n",
            "demo",
            "-l",
            "app=web",
            "-o",
            "jsonpath={.items[*].status.podIP}",
        ])
        .await;
    let out = common::eventually("all three endpoints in describe", || async {
        let out = sim
            .kubectl_ok(&["describe", "svc", "web", "-n", "demo"])
            .await;
        ips.split_whitespace()
            .all(|ip| out.contains(&format!("{ip}:80")))
            .then_some(out)
    })
    .await;
    let field = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {name} in:\n{out}"))
            .to_string()
    };
    assert_eq!(field("Selector:"), "app=web");
    assert_eq!(field("TargetPort:"), "http/TCP");
    let events = events_section(&out);
    assert!(
        events.iter().any(|l| l.contains("Warning")
            && l.contains("ProbeFailed")
            && l.contains("lb-prober")
            && l.ends_with("external probe of web failed")),
        "{out}"
    );
    // The Deployment of the same name has events of its own; they are not
    // the Service's.
    assert!(!out.contains("ScalingReplicaSet"), "{out}");
    let deploy = sim
        .kubectl_ok(&["describe", "deploy", "web", "-n", "demo"])
        .await;
    assert!(
        events_section(&deploy)
            .iter()
            .any(|l| l.contains("ScalingReplicaSet")),
        "{deploy}"
    );
    assert!(!deploy.contains("ProbeFailed"), "{deploy}");
}
