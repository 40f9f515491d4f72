//! `kubectl create token`: the cluster issues a service account token that
//! then signs kubectl in as the account, with the account's RBAC, until the
//! account is deleted (or the token expires).

mod common;

/// `kubectl ARGS` signed in with `token` instead of the admin certificate.
fn with_token<'a>(kubeconfig: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--kubeconfig", kubeconfig];
    all.extend(args);
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_token_signs_in_as_the_service_account_until_it_is_deleted() {
    let sim = common::start().await;
    sim.kubectl_ok(&["create", "serviceaccount", "robot", "-n", "demo"])
        .await;
    sim.kubectl_ok(&[
        "create",
        "rolebinding",
        "robot-view",
        "--clusterrole=view",
        "--serviceaccount=demo:robot",
        "-n",
        "demo",
    ])
    .await;
    let token = sim
        .kubectl_ok(&["create", "token", "robot", "-n", "demo"])
        .await;
    let token = token.trim();
    assert_eq!(token.matches('.').count(), 2, "a JWT: {token}");
    let kubeconfig = sim.write("robot.yaml", &sim.handle.kubeconfig_yaml_with_token(token));

    let me = sim
        .kubectl_ok(&with_token(
            &kubeconfig,
            &[
                "auth",
                "whoami",
                "-o",
                "jsonpath={.status.userInfo.username} {.status.userInfo.groups}",
            ],
        ))
        .await;
    assert_eq!(
        me,
        r#"system:serviceaccount:demo:robot ["system:serviceaccounts","system:serviceaccounts:demo","system:authenticated"]"#
    );
    let pods = sim
        .kubectl_ok(&with_token(
            &kubeconfig,
            &["get", "pods", "-n", "demo", "-o", "name"],
        ))
        .await;
    assert!(pods.contains("pod/myapp-pod"), "{pods}");
    let refused = sim
        .kubectl_err(&with_token(
            &kubeconfig,
            &["delete", "pod", "myapp-pod", "-n", "demo"],
        ))
        .await;
    assert!(
        refused
            .contains(r#"User "system:serviceaccount:demo:robot" cannot delete resource "pods""#),
        "{refused}"
    );

    sim.kubectl_ok(&["delete", "serviceaccount", "robot", "-n", "demo"])
        .await;
    let gone = sim
        .kubectl_err(&with_token(&kubeconfig, &["get", "pods", "-n", "demo"]))
        .await;
    assert!(
        gone.contains("You must be logged in to the server"),
        "a token of a deleted account is refused: {gone}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_refused_for_missing_accounts_and_too_short_lives() {
    let sim = common::start().await;
    let err = sim
        .kubectl_err(&["create", "token", "nobody", "-n", "demo"])
        .await;
    assert!(
        err.contains(r#"serviceaccounts "nobody" not found"#),
        "{err}"
    );
    let err = sim
        .kubectl_err(&["create", "token", "default", "-n", "demo", "--duration=1m"])
        .await;
    assert!(
        err.contains("may not specify a duration less than 10 minutes"),
        "{err}"
    );
    let forged = sim.write(
        "forged.yaml",
        &sim.handle
            .kubeconfig_yaml_with_token("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"),
    );
    let err = sim
        .kubectl_err(&with_token(&forged, &["get", "pods", "-n", "demo"]))
        .await;
    assert!(err.contains("You must be logged in to the server"), "{err}");
    sim.shutdown().await;
}
