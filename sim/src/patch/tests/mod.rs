//! Strategic merge patch tests with the bodies kubectl actually sends
//! (`apply`, `set image`, `rollout restart`, `cordon`, `edit`, …) against
//! real-shaped objects, plus apimachinery's own fixtures.

mod cluster_objects;
mod errors;
mod upstream_fixtures;
mod workloads;

use serde_json::Value;

use super::{PatchError, PatchType, apply};

/// Applies a strategic merge patch and fails the test on error.
pub(super) fn smp(group: &str, kind: &str, original: &Value, patch: Value) -> Value {
    let out = apply(PatchType::StrategicMerge, original, &patch, group, kind)
        .unwrap_or_else(|e| panic!("patch {patch} failed: {e}"));
    assert_no_directives(&out, "");
    out
}

pub(super) fn smp_err(group: &str, kind: &str, original: &Value, patch: Value) -> PatchError {
    apply(PatchType::StrategicMerge, original, &patch, group, kind).expect_err("patch should fail")
}

/// A patched object must never store `$patch`, `$setElementOrder/…` and friends.
pub(super) fn assert_no_directives(value: &Value, path: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                assert!(!k.starts_with('$'), "directive {k} stored at {path}");
                assert_no_directives(v, &format!("{path}.{k}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| assert_no_directives(v, path)),
        _ => {}
    }
}
