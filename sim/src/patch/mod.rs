//! Patching stored objects: JSON patch (RFC 6902), JSON merge patch (RFC 7386)
//! and Kubernetes strategic merge patch.
//!
//! The interface is fixed (the API server calls [`apply`]); the strategic
//! merge implementation is being filled in. Until then strategic merge falls
//! back to a JSON merge patch.

use serde_json::Value;

/// Which patch format a request carries, from its `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/json-patch+json`
    Json,
    /// `application/merge-patch+json`
    Merge,
    /// `application/strategic-merge-patch+json`
    StrategicMerge,
}

/// Why a patch could not be applied; the message is shown to the client.
#[derive(Debug, thiserror::Error)]
pub enum PatchError {
    /// The patch document is not the shape its type requires.
    #[error("invalid patch: {0}")]
    Invalid(String),
    /// A JSON patch operation failed (a `test` that did not hold, a missing path).
    #[error("the JSON patch could not be applied: {0}")]
    JsonPatch(String),
}

/// Applies `patch` to `original`, an object of `kind` in API group `group`
/// (`""` for the core group), and returns the patched object.
pub fn apply(
    patch_type: PatchType,
    original: &Value,
    patch: &Value,
    group: &str,
    kind: &str,
) -> Result<Value, PatchError> {
    let _ = (group, kind);
    match patch_type {
        PatchType::Json => {
            let ops: json_patch::Patch = serde_json::from_value(patch.clone())
                .map_err(|e| PatchError::Invalid(e.to_string()))?;
            let mut out = original.clone();
            json_patch::patch(&mut out, &ops).map_err(|e| PatchError::JsonPatch(e.to_string()))?;
            Ok(out)
        }
        PatchType::Merge | PatchType::StrategicMerge => {
            if !patch.is_object() {
                return Err(PatchError::Invalid("a merge patch must be a JSON object".into()));
            }
            let mut out = original.clone();
            json_patch::merge(&mut out, patch);
            Ok(out)
        }
    }
}
