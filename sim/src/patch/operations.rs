//! JSON patch (RFC 6902, `application/json-patch+json`): a list of `add`,
//! `remove`, `replace`, `move`, `copy` and `test` operations, applied all or
//! nothing by the `json-patch` crate.

use serde_json::Value;

use super::PatchError;

/// kube-apiserver refuses JSON patches with more operations than this.
pub(crate) const MAX_OPERATIONS: usize = 10_000;

/// Applies a JSON patch document to `original`.
pub(crate) fn apply_json_patch(original: &Value, patch: &Value) -> Result<Value, PatchError> {
    if let Value::Array(ops) = patch
        && ops.len() > MAX_OPERATIONS
    {
        return Err(PatchError::JsonPatch(format!(
            "The allowed maximum operations in a JSON patch is {MAX_OPERATIONS}, got {}",
            ops.len()
        )));
    }
    let ops: json_patch::Patch = serde_json::from_value(patch.clone())
        .map_err(|e| PatchError::Invalid(format!("invalid JSON patch: {e}")))?;
    let mut out = original.clone();
    json_patch::patch(&mut out, &ops).map_err(|e| PatchError::JsonPatch(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn deployment() -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [
                {"name": "web", "image": "nginx:1.25"},
                {"name": "sidecar", "image": "busybox"}
            ]}}}
        })
    }

    #[test]
    fn kubectl_patch_type_json_replaces_by_index_and_adds_labels() {
        let patch = json!([
            {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "nginx:1.27"},
            {"op": "add", "path": "/metadata/labels/tier", "value": "frontend"},
            {"op": "remove", "path": "/spec/template/spec/containers/1"}
        ]);
        let out = apply_json_patch(&deployment(), &patch).unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name": "web", "image": "nginx:1.27"}])
        );
        assert_eq!(
            out["metadata"]["labels"],
            json!({"app": "web", "tier": "frontend"})
        );
    }

    #[test]
    fn failed_test_operation_leaves_nothing_applied() {
        let patch = json!([
            {"op": "replace", "path": "/spec/replicas", "value": 5},
            {"op": "test", "path": "/spec/replicas", "value": 3}
        ]);
        let err = apply_json_patch(&deployment(), &patch).unwrap_err();
        assert!(matches!(err, PatchError::JsonPatch(_)), "{err:?}");
        assert!(err.to_string().contains("/spec/replicas"), "{err}");
        assert_eq!(err.status_code(), 422);
    }

    #[test]
    fn removing_a_missing_path_is_rejected() {
        let patch = json!([{"op": "remove", "path": "/metadata/annotations/missing"}]);
        let err = apply_json_patch(&deployment(), &patch).unwrap_err();
        assert!(matches!(err, PatchError::JsonPatch(_)), "{err:?}");
    }

    #[test]
    fn unknown_operations_and_non_lists_are_bad_requests() {
        for patch in [
            json!([{"op": "frobnicate", "path": "/spec"}]),
            json!({"op": "add", "path": "/spec/replicas", "value": 1}),
            json!([{"op": "add", "value": 1}]),
        ] {
            let err = apply_json_patch(&deployment(), &patch).unwrap_err();
            assert!(matches!(err, PatchError::Invalid(_)), "{patch}: {err:?}");
            assert_eq!(err.status_code(), 400);
        }
    }

    #[test]
    fn oversized_patches_are_refused_like_kube_apiserver() {
        let op = json!({"op": "test", "path": "/kind", "value": "Deployment"});
        let patch = Value::Array(vec![op; MAX_OPERATIONS + 1]);
        let err = apply_json_patch(&deployment(), &patch).unwrap_err();
        assert_eq!(
            err.to_string(),
            "The allowed maximum operations in a JSON patch is 10000, got 10001"
        );
    }
}
