//! JSON merge patch (RFC 7386, `application/merge-patch+json`): maps merge
//! recursively, `null` deletes, every other value (lists included) replaces.
//! `kubectl label`, `annotate`, `scale` and `patch --type=merge` send these,
//! as does `kubectl apply` for custom resources.

use serde_json::Value;

use super::PatchError;

/// Applies a JSON merge patch to `original`. kube-apiserver only accepts an
/// object as the patch (any other value would replace the whole object).
pub(crate) fn apply_merge_patch(original: &Value, patch: &Value) -> Result<Value, PatchError> {
    if !patch.is_object() {
        return Err(PatchError::Invalid("Invalid JSON Patch".into()));
    }
    let mut out = original.clone();
    json_patch::merge(&mut out, patch);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod() -> Value {
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-0", "labels": {"app": "web", "tier": "frontend"},
                         "annotations": {"owner": "team-a"}},
            "spec": {"containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]}]}
        })
    }

    #[test]
    fn kubectl_label_overwrites_and_removes_with_null() {
        let patch = json!({"metadata": {"labels": {"tier": null, "env": "prod", "app": "api"}}});
        let out = apply_merge_patch(&pod(), &patch).unwrap();
        assert_eq!(
            out["metadata"]["labels"],
            json!({"app": "api", "env": "prod"})
        );
        assert_eq!(out["metadata"]["annotations"], json!({"owner": "team-a"}));
    }

    #[test]
    fn lists_are_replaced_whole() {
        let patch = json!({"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}});
        let out = apply_merge_patch(&pod(), &patch).unwrap();
        // No merge by name: the ports are gone, which is why kubectl uses SMP for built-ins.
        assert_eq!(
            out["spec"]["containers"],
            json!([{"name": "web", "image": "nginx:1.27"}])
        );
    }

    #[test]
    fn nulls_inside_new_maps_are_not_stored() {
        let patch = json!({"metadata": {"annotations": {"owner": null}}, "spec": {"nodeSelector": {"disk": "ssd", "zone": null}}});
        let out = apply_merge_patch(&pod(), &patch).unwrap();
        assert_eq!(out["metadata"]["annotations"], json!({}));
        assert_eq!(out["spec"]["nodeSelector"], json!({"disk": "ssd"}));
    }

    #[test]
    fn non_object_patches_are_bad_requests() {
        for patch in [json!([1, 2]), json!("x"), json!(null)] {
            let err = apply_merge_patch(&pod(), &patch).unwrap_err();
            assert_eq!(err.to_string(), "Invalid JSON Patch");
            assert_eq!(err.status_code(), 400);
        }
    }
}
