//! Server-side apply and update tracking, as a sequence of writes by
//! several managers to one Deployment.

use serde_json::{Value, json};

use super::*;

fn cx(now: &str) -> Context<'_> {
    Context {
        schema: Context::schema_of("apps", "Deployment"),
        api_version: "apps/v1",
        now,
        has_status: true,
        status: false,
    }
}

fn config(replicas: i64, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "demo", "labels": {"app": "web"}},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [
            {"name": "nginx", "image": image}]}}}
    })
}

fn managers(obj: &Value) -> Vec<(String, Operation, Vec<String>)> {
    managed::read(obj)
        .into_iter()
        .map(|e| {
            let paths = e.fields.iter().map(|p| path::display(p)).collect();
            (e.manager, e.operation, paths)
        })
        .collect()
}

/// What the store adds around an apply: identity and a status.
fn stored(mut obj: Value) -> Value {
    obj["metadata"]["uid"] = json!("u-1");
    obj["metadata"]["resourceVersion"] = json!("7");
    obj["status"] = json!({"replicas": 2});
    obj
}

#[test]
fn a_first_apply_creates_the_object_and_owns_what_it_set() {
    let obj = apply(None, &config(2, "nginx:1"), "kubectl", false, &cx("t1")).unwrap();
    assert_eq!(obj["spec"]["replicas"], 2);
    assert_eq!(obj["metadata"]["name"], "web");
    assert_eq!(
        managers(&obj),
        [(
            "kubectl".to_string(),
            Operation::Apply,
            vec![
                ".metadata.labels.app".to_string(),
                ".spec.replicas".into(),
                r#".spec.template.spec.containers[name="nginx"]"#.into(),
                r#".spec.template.spec.containers[name="nginx"].image"#.into(),
                r#".spec.template.spec.containers[name="nginx"].name"#.into(),
            ]
        )]
    );
}

#[test]
fn applying_the_same_configuration_again_changes_nothing() {
    let first = stored(apply(None, &config(2, "nginx:1"), "kubectl", false, &cx("t1")).unwrap());
    let second = apply(
        Some(&first),
        &config(2, "nginx:1"),
        "kubectl",
        false,
        &cx("t2"),
    )
    .unwrap();
    assert_eq!(
        second, first,
        "same fields, same time, same identity and status"
    );
}

#[test]
fn changing_a_field_another_manager_set_is_a_conflict_until_forced() {
    let first = stored(apply(None, &config(2, "nginx:1"), "kubectl", false, &cx("t1")).unwrap());
    let mut edited = first.clone();
    edited["spec"]["replicas"] = json!(5);
    record_update(Some(&first), &mut edited, "kubectl-edit", &cx("t2"));
    assert_eq!(
        managers(&edited)[1],
        (
            "kubectl-edit".to_string(),
            Operation::Update,
            vec![".spec.replicas".to_string()]
        )
    );
    assert!(
        !managers(&edited)[0]
            .2
            .contains(&".spec.replicas".to_string()),
        "an update takes the field from the applier"
    );

    let mut other = config(3, "nginx:1");
    other["metadata"].as_object_mut().unwrap().remove("labels");
    let err = apply(Some(&edited), &other, "ci", false, &cx("t3")).unwrap_err();
    assert_eq!(
        err.message(),
        r#"Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas"#
    );
    assert_eq!(err.causes()[0]["field"], ".spec.replicas");

    let forced = apply(Some(&edited), &other, "ci", true, &cx("t3")).unwrap();
    assert_eq!(forced["spec"]["replicas"], 3);
    let owners = managers(&forced);
    assert!(
        owners.iter().all(|(m, ..)| m != "kubectl-edit"),
        "{owners:?}"
    );
    assert!(
        owners
            .iter()
            .any(|(m, _, paths)| m == "ci" && paths.contains(&".spec.replicas".to_string()))
    );
}

#[test]
fn two_appliers_setting_the_same_value_share_the_field() {
    let first = stored(apply(None, &config(2, "nginx:1"), "kubectl", false, &cx("t1")).unwrap());
    let shared = apply(Some(&first), &config(2, "nginx:1"), "ci", false, &cx("t2")).unwrap();
    let err = apply(Some(&shared), &config(4, "nginx:1"), "ci", false, &cx("t3")).unwrap_err();
    assert_eq!(
        err.message(),
        r#"Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas"#
    );
}

#[test]
fn several_conflicts_are_listed_per_manager() {
    let first = stored(apply(None, &config(2, "nginx:1"), "kubectl", false, &cx("t1")).unwrap());
    let err = apply(Some(&first), &config(4, "nginx:2"), "ci", false, &cx("t2")).unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 2 conflicts: conflicts with \"kubectl\":\n- .spec.replicas\n\
         - .spec.template.spec.containers[name=\"nginx\"].image"
    );
}

#[test]
fn a_field_the_applier_stops_setting_is_removed_unless_someone_else_owns_it() {
    let mut with_sidecar = config(2, "nginx:1");
    with_sidecar["spec"]["template"]["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "log", "image": "busybox"}));
    with_sidecar["spec"]["paused"] = json!(false);
    let first = stored(apply(None, &with_sidecar, "kubectl", false, &cx("t1")).unwrap());

    let mut edited = first.clone();
    edited["spec"]["paused"] = json!(true);
    record_update(Some(&first), &mut edited, "kubectl-edit", &cx("t2"));

    let trimmed = apply(
        Some(&edited),
        &config(2, "nginx:1"),
        "kubectl",
        false,
        &cx("t3"),
    )
    .unwrap();
    let containers = trimmed["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    assert_eq!(containers.len(), 1, "the sidecar only kubectl set is gone");
    assert_eq!(
        trimmed["spec"]["paused"], true,
        "kubectl-edit still owns paused"
    );
    assert_eq!(
        trimmed["status"],
        json!({"replicas": 2}),
        "status is left alone"
    );
}

#[test]
fn a_create_credits_its_manager_with_every_field() {
    let mut obj = config(1, "nginx:1");
    record_update(None, &mut obj, "kubectl-create", &cx("t1"));
    let owners = managers(&obj);
    assert_eq!(owners.len(), 1);
    assert_eq!(owners[0].1, Operation::Update);
    assert!(owners[0].2.contains(&".spec.replicas".to_string()));
}

#[test]
fn the_manager_defaults_to_the_user_agent_product() {
    assert_eq!(
        manager_of_request(None, Some("kubectl/v1.32.4 (linux/amd64) kubernetes/abc")).as_deref(),
        Some("kubectl")
    );
    assert_eq!(
        manager_of_request(Some("helm"), Some("kubectl/v1")).as_deref(),
        Some("helm")
    );
    assert_eq!(manager_of_request(None, None), None);
}
