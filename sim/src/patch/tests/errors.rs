//! Malformed and unsupported strategic merge patches: the error messages and
//! HTTP statuses must match kube-apiserver's.

use serde_json::{Value, json};

use super::workloads::deployment;
use super::{smp, smp_err};

#[test]
fn retain_keys_must_list_every_patched_field() {
    let patch = json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}});
    let err = smp_err("apps", "Deployment", &deployment(), patch);
    assert_eq!(err.to_string(), "invalid patch format of retainKeys");
    assert_eq!((err.status_code(), err.reason()), (400, "BadRequest"));
}

#[test]
fn patch_merge_is_refused_like_upstream() {
    let err = smp_err(
        "apps",
        "Deployment",
        &deployment(),
        json!({"metadata": {"labels": {"$patch": "merge", "a": "b"}}}),
    );
    assert_eq!(
        err.to_string(),
        "unknown patch type: merge in map: map[$patch:merge a:b]"
    );
    let list = json!({"spec": {"template": {"spec": {"containers": [{"$patch": "merge"}]}}}});
    let err = smp_err("apps", "Deployment", &deployment(), list);
    assert_eq!(
        err.to_string(),
        "merging lists cannot yet be specified in the patch"
    );
    let err = smp_err(
        "apps",
        "Deployment",
        &deployment(),
        json!({"spec": {"$patch": "explode"}}),
    );
    assert_eq!(
        err.to_string(),
        "unknown patch type: explode in map: map[$patch:explode]"
    );
}

#[test]
fn list_items_without_their_merge_key_are_rejected() {
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"image": "nginx"}]}}}});
    let err = smp_err("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        err.to_string(),
        "map: map[image:nginx] does not contain declared merge key: name"
    );
    assert_eq!(err.status_code(), 500);
}

#[test]
fn malformed_patch_documents_get_upstream_errors() {
    let d = deployment();
    let cases = [
        (
            json!([{"op": "add"}]),
            "json: cannot unmarshal array into Go value of type map[string]interface {}",
            400,
        ),
        (
            json!({"spec": {"template": {"spec": {"$setElementOrder/containers": {"name": "web"}}}}}),
            "invalid patch format of setElementOrder list",
            400,
        ),
        (
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": "a"}}),
            "invalid patch format of primitive list",
            400,
        ),
        (
            json!({"metadata": {"$retainKeys": "name"}}),
            "invalid patch format of retainKeys",
            400,
        ),
        (
            json!({"metadata": {"finalizers": [["a"]]}}),
            "lists of lists are not supported",
            422,
        ),
    ];
    for (patch, message, status) in cases {
        let err = smp_err("apps", "Deployment", &d, patch);
        assert_eq!(
            (err.to_string().as_str(), err.status_code()),
            (message, status)
        );
    }
}

#[test]
fn set_element_order_must_agree_with_the_patch_list() {
    let patch = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "web"}, {"name": "metrics"}],
        "containers": [{"name": "metrics", "image": "m:2"}, {"name": "web", "image": "w:2"}]
    }}}});
    let err = smp_err("apps", "Deployment", &deployment(), patch);
    assert!(err.to_string().starts_with("The order in patch list:\n[map[image:m:2 name:metrics] map[image:w:2 name:web]]\n doesn't match $setElementOrder list:"), "{err}");
}

#[test]
fn a_null_patch_changes_nothing() {
    assert_eq!(
        smp("apps", "Deployment", &deployment(), Value::Null),
        deployment()
    );
    assert_eq!(
        smp("apps", "Deployment", &deployment(), json!({})),
        deployment()
    );
}

#[test]
fn maps_in_a_primitive_merge_list_are_rejected() {
    let patch = json!({"metadata": {"finalizers": [{"name": "example.com/x"}]}});
    let err = smp_err("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        err.to_string(),
        "cannot merge lists without merge key for finalizers"
    );
}

#[test]
fn mixing_element_types_in_a_merge_list_is_rejected() {
    let patch = json!({"spec": {"template": {"spec": {"containers": ["web"]}}}});
    let err = smp_err("apps", "Deployment", &deployment(), patch);
    let message = err.to_string();
    assert!(
        message.starts_with("list element types are not identical: [[map["),
        "{message}"
    );
    assert!(message.ends_with("] [web]]"), "{message}");
}

#[test]
fn duplicate_live_finalizers_collapse_when_the_list_is_merged() {
    let pod = json!({"kind": "Pod", "metadata": {"finalizers": ["a", "a", "b"]}});
    let out = smp("", "Pod", &pod, json!({"metadata": {"finalizers": ["c"]}}));
    assert_eq!(out["metadata"]["finalizers"], json!(["c", "a", "b"]));
}
