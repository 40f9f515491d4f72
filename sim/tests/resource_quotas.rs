//! `kubectl create quota`: a namespace's ResourceQuota refuses creates past
//! its limits with upstream's message, and its status shows what is used.

mod common;

fn pod(name: &str, cpu: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: limited\nspec:\n  containers:\n  - name: main\n    image: busybox\n    resources:\n      requests: {{cpu: {cpu}}}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quota_refuses_pods_past_its_limits_and_reports_its_use() {
    let sim = common::start().await;
    sim.kubectl_ok(&["create", "namespace", "limited"]).await;
    sim.kubectl_ok(&[
        "create",
        "quota",
        "small",
        "--hard=pods=2,requests.cpu=1",
        "-n",
        "limited",
    ])
    .await;

    sim.kubectl_ok(&["apply", "-f", &sim.write("a.yaml", &pod("a", "600m"))])
        .await;
    let err = sim
        .kubectl_err(&["apply", "-f", &sim.write("b.yaml", &pod("b", "600m"))])
        .await;
    assert!(
        err.contains(r#"pods "b" is forbidden: exceeded quota: small, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1"#),
        "{err}"
    );
    sim.kubectl_ok(&["apply", "-f", &sim.write("c.yaml", &pod("c", "400m"))])
        .await;
    let err = sim
        .kubectl_err(&["run", "d", "--image=busybox", "-n", "limited"])
        .await;
    assert!(
        err.contains(r#"pods "d" is forbidden: exceeded quota: small, requested: pods=1, used: pods=2, limited: pods=2"#),
        "{err}"
    );

    common::eventually("the quota's status to count both pods", || async {
        let used = sim
            .kubectl_ok(&[
                "get",
                "quota",
                "small",
                "-n",
                "limited",
                "-o",
                "jsonpath={.status.used.pods} {.status.used.requests\\.cpu} {.status.hard.pods}",
            ])
            .await;
        (used == "2 1 2").then_some(())
    })
    .await;

    sim.kubectl_ok(&[
        "delete",
        "pod",
        "a",
        "-n",
        "limited",
        "--grace-period=0",
        "--force",
    ])
    .await;
    common::eventually("the freed pod to be creatable again", || async {
        let out = sim
            .kubectl(&["run", "d", "--image=busybox", "-n", "limited"])
            .await;
        out.status.success().then_some(())
    })
    .await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replicaset_past_the_quota_makes_what_fits_and_says_why() {
    let sim = common::start().await;
    sim.kubectl_ok(&["create", "namespace", "limited"]).await;
    sim.kubectl_ok(&["create", "quota", "two", "--hard=pods=2", "-n", "limited"])
        .await;
    sim.kubectl_ok(&[
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "--replicas=3",
        "-n",
        "limited",
    ])
    .await;
    let message = common::eventually("the ReplicaSet's FailedCreate event", || async {
        let events = sim
            .kubectl_ok(&[
                "get",
                "events",
                "-n",
                "limited",
                "--field-selector=reason=FailedCreate",
                "-o",
                "jsonpath={.items[*].message}",
            ])
            .await;
        (!events.is_empty()).then_some(events)
    })
    .await;
    assert!(
        message.contains(
            "is forbidden: exceeded quota: two, requested: pods=1, used: pods=2, limited: pods=2"
        ),
        "{message}"
    );
    let pods = sim.kubectl_names(&["pods", "-n", "limited"]).await;
    assert_eq!(pods.len(), 2, "only what the quota allows: {pods:?}");
    sim.shutdown().await;
}
