//! Issue 9 point 2: RBAC with upstream's semantics, the default roles,
//! impersonation and the access reviews. A user from a token with only a
//! RoleBinding to `view` in `demo` may read there and nothing more; the
//! 403s read like upstream's; `--as` from the admin behaves the same; the
//! reviews agree with what real requests get.

mod common;

use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
    SelfSubjectRulesReview, SelfSubjectRulesReviewSpec,
};
use k8s_openapi::api::rbac::v1::ClusterRole;
use kube::api::{Api, PostParams};
use sim::SimConfig;
use sim::auth::{TokenUser, UserInfo};

const VIEWER_TOKEN: &str = "viewer-token-1";

/// A cluster that knows the viewer's token.
fn with_viewer() -> SimConfig {
    SimConfig {
        clock_factor: 20.0,
        tokens: vec![TokenUser {
            token: VIEWER_TOKEN.into(),
            user: UserInfo::authenticated("viewer", "", &[]),
        }],
        ..SimConfig::default()
    }
}

/// Binds the viewer to `view` in `demo`.
async fn grant_view(sim: &common::TestSim) {
    let binding = sim.write(
        "binding.json",
        r#"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "viewer-views", "namespace": "demo"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "viewer"}]}"#,
    );
    sim.kubectl_ok(&["apply", "-f", &binding]).await;
}

/// A kubeconfig file for the viewer's token.
fn viewer_kubeconfig(sim: &common::TestSim) -> String {
    sim.write(
        "viewer.yaml",
        &sim.handle.kubeconfig_yaml_with_token(VIEWER_TOKEN),
    )
}

async fn viewer_client(sim: &common::TestSim) -> kube::Client {
    let kubeconfig =
        kube::config::Kubeconfig::from_yaml(&sim.handle.kubeconfig_yaml_with_token(VIEWER_TOKEN))
            .unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_reads_its_namespace_and_is_refused_the_rest_in_upstreams_words() {
    let sim = common::start_with(with_viewer()).await;
    grant_view(&sim).await;
    let viewer = viewer_kubeconfig(&sim);
    let as_viewer = |args: &[&'static str]| {
        let mut all = vec!["--kubeconfig", viewer.as_str()];
        all.extend(args);
        all
    };
    let pods = sim
        .kubectl_ok(&as_viewer(&["get", "pods", "-n", "demo", "-o", "name"]))
        .await;
    assert!(pods.contains("pod/myapp-pod"), "{pods}");
    sim.kubectl_ok(&as_viewer(&["get", "deployments,services", "-n", "demo"]))
        .await;

    let err = sim
        .kubectl_err(&as_viewer(&["delete", "pod", "myapp-pod", "-n", "demo"]))
        .await;
    assert!(
        err.contains(r#"pods "myapp-pod" is forbidden: User "viewer" cannot delete resource "pods" in API group "" in the namespace "demo""#),
        "{err}"
    );
    let err = sim
        .kubectl_err(&as_viewer(&["get", "secrets", "-n", "demo"]))
        .await;
    assert!(
        err.contains(r#"secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "demo""#),
        "{err}"
    );
    let err = sim
        .kubectl_err(&as_viewer(&["get", "pods", "-n", "kube-system"]))
        .await;
    assert!(
        err.contains(r#"User "viewer" cannot list resource "pods" in API group "" in the namespace "kube-system""#),
        "{err}"
    );
    let err = sim.kubectl_err(&as_viewer(&["get", "nodes"])).await;
    assert!(
        err.contains(r#"nodes is forbidden: User "viewer" cannot list resource "nodes" in API group "" at the cluster scope"#),
        "{err}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_acting_as_the_viewer_gets_what_the_viewer_gets() {
    let sim = common::start_with(with_viewer()).await;
    grant_view(&sim).await;
    let pods = sim
        .kubectl_ok(&["--as=viewer", "get", "pods", "-n", "demo", "-o", "name"])
        .await;
    assert!(pods.contains("pod/myapp-pod"), "{pods}");
    let err = sim
        .kubectl_err(&["--as=viewer", "delete", "pod", "myapp-pod", "-n", "demo"])
        .await;
    assert!(
        err.contains(r#"pods "myapp-pod" is forbidden: User "viewer" cannot delete resource "pods" in API group "" in the namespace "demo""#),
        "{err}"
    );
    // The viewer may not impersonate anyone. (`--raw`, because kubectl's
    // discovery prints such a refusal as "unknown".)
    let viewer = viewer_kubeconfig(&sim);
    let err = sim
        .kubectl_err(&[
            "--kubeconfig",
            &viewer,
            "--as=kubernetes-admin",
            "get",
            "--raw",
            "/api/v1/namespaces/demo/pods",
        ])
        .await;
    assert!(
        err.contains(r#"users "kubernetes-admin" is forbidden: User "viewer" cannot impersonate resource "users" in API group "" at the cluster scope"#),
        "{err}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reviews_agree_with_real_requests() {
    let sim = common::start_with(with_viewer()).await;
    grant_view(&sim).await;
    let viewer = viewer_client(&sim).await;

    let whoami = Api::<SelfSubjectReview>::all(viewer.clone())
        .create(&PostParams::default(), &SelfSubjectReview::default())
        .await
        .unwrap();
    let info = whoami.status.unwrap().user_info.unwrap();
    assert_eq!(info.username.as_deref(), Some("viewer"));
    assert_eq!(info.groups.unwrap_or_default(), ["system:authenticated"]);

    let can = |verb: &str, resource: &str, namespace: &str| SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                verb: Some(verb.into()),
                resource: Some(resource.into()),
                namespace: Some(namespace.into()),
                ..ResourceAttributes::default()
            }),
            ..SelfSubjectAccessReviewSpec::default()
        },
        ..SelfSubjectAccessReview::default()
    };
    let reviews = Api::<SelfSubjectAccessReview>::all(viewer.clone());
    for (verb, resource, namespace, allowed) in [
        ("list", "pods", "demo", true),
        ("get", "pods", "demo", true),
        ("delete", "pods", "demo", false),
        ("list", "secrets", "demo", false),
        ("list", "pods", "kube-system", false),
    ] {
        let review = reviews
            .create(&PostParams::default(), &can(verb, resource, namespace))
            .await
            .unwrap();
        assert_eq!(
            review.status.unwrap().allowed,
            allowed,
            "{verb} {resource} in {namespace}"
        );
    }

    let rules = Api::<SelfSubjectRulesReview>::all(viewer)
        .create(
            &PostParams::default(),
            &SelfSubjectRulesReview {
                spec: SelfSubjectRulesReviewSpec {
                    namespace: Some("demo".into()),
                },
                ..SelfSubjectRulesReview::default()
            },
        )
        .await
        .unwrap()
        .status
        .unwrap();
    assert!(
        rules.resource_rules.iter().any(|r| {
            r.resources.iter().flatten().any(|x| x == "pods") && r.verbs.contains(&"list".into())
        }),
        "{rules:?}"
    );
    assert!(
        !rules
            .resource_rules
            .iter()
            .any(|r| r.verbs.iter().any(|v| v == "delete" || v == "*")),
        "a viewer has no delete rule: {rules:?}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn view_aggregates_a_role_labelled_for_it() {
    let sim = common::start_with(with_viewer()).await;
    grant_view(&sim).await;
    let admin = sim.client().await;
    let roles = Api::<ClusterRole>::all(admin);
    let view = roles.get("view").await.unwrap();
    let rules = view.rules.unwrap_or_default();
    assert!(
        rules
            .iter()
            .any(|r| r.resources.iter().flatten().any(|x| x == "pods")),
        "view holds the rules of system:aggregate-to-view from the start"
    );
    let widgets = sim.write(
        "widgets.json",
        r#"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "widgets-view",
                         "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
            "rules": [{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get", "list"]}]}"#,
    );
    sim.kubectl_ok(&["apply", "-f", &widgets]).await;
    for role in ["view", "edit", "admin"] {
        let roles = roles.clone();
        common::eventually(&format!("{role} to aggregate widgets"), move || {
            let roles = roles.clone();
            async move {
                let role = roles.get(role).await.ok()?;
                role.rules
                    .unwrap_or_default()
                    .iter()
                    .any(|r| r.resources.iter().flatten().any(|x| x == "widgets"))
                    .then_some(())
            }
        })
        .await;
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_auth_can_i_and_whoami_agree_with_real_requests() {
    let sim = common::start_with(with_viewer()).await;
    grant_view(&sim).await;
    let viewer = viewer_kubeconfig(&sim);
    let as_viewer = |args: &[&'static str]| {
        let mut all = vec!["--kubeconfig", viewer.as_str()];
        all.extend(args);
        all
    };
    let answer = |out: std::process::Output| {
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        )
    };
    for (who, args) in [
        (
            "the viewer",
            as_viewer(&["auth", "can-i", "list", "pods", "-n", "demo"]),
        ),
        (
            "the admin as the viewer",
            vec!["--as=viewer", "auth", "can-i", "list", "pods", "-n", "demo"],
        ),
    ] {
        assert_eq!(
            answer(sim.kubectl(&args).await),
            (Some(0), "yes".into()),
            "{who}"
        );
    }
    for (who, args) in [
        (
            "the viewer",
            as_viewer(&["auth", "can-i", "delete", "pods", "-n", "demo"]),
        ),
        (
            "the admin as the viewer",
            vec![
                "--as=viewer",
                "auth",
                "can-i",
                "delete",
                "pods",
                "-n",
                "demo",
            ],
        ),
        (
            "the viewer, secrets",
            as_viewer(&["auth", "can-i", "get", "secrets", "-n", "demo"]),
        ),
    ] {
        assert_eq!(
            answer(sim.kubectl(&args).await),
            (Some(1), "no".into()),
            "{who}"
        );
    }
    assert_eq!(
        answer(
            sim.kubectl(&["auth", "can-i", "delete", "pods", "-n", "demo"])
                .await
        ),
        (Some(0), "yes".into()),
        "the admin"
    );

    let list = sim
        .kubectl_ok(&as_viewer(&["auth", "can-i", "--list", "-n", "demo"]))
        .await;
    let pods = list
        .lines()
        .find(|l| l.split_whitespace().next() == Some("pods"))
        .unwrap_or_else(|| panic!("no pods row in:\n{list}"));
    assert!(pods.ends_with("[get list watch]"), "{list}");
    assert!(
        !list.contains("[*]"),
        "a viewer has no wildcard verbs:\n{list}"
    );

    let whoami = sim.kubectl_ok(&as_viewer(&["auth", "whoami"])).await;
    assert!(
        whoami.contains("viewer") && whoami.contains("system:authenticated"),
        "{whoami}"
    );
    let admin = sim.kubectl_ok(&["auth", "whoami"]).await;
    assert!(
        admin.contains("kubernetes-admin") && admin.contains("system:masters"),
        "{admin}"
    );
    sim.shutdown().await;
}
