//! Patching stored objects: JSON patch (RFC 6902), JSON merge patch (RFC 7386)
//! and Kubernetes strategic merge patch.
//!
//! The API server calls [`apply`] with the patch type taken from the request's
//! `Content-Type`. Strategic merge patches need the patch metadata of the
//! object's kind ([`merge_keys`]); custom resources have none, and are refused
//! with [`PatchError::StrategicUnsupported`] (HTTP 415) as kube-apiserver does.

mod go_format;
mod json_merge;
pub mod merge_keys;
mod operations;
mod ordering;
mod strategic;

#[cfg(test)]
mod tests;

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

/// Why a patch could not be applied; the message is shown to the client and
/// matches kube-apiserver's. [`status_code`](Self::status_code) and
/// [`reason`](Self::reason) give the `Status` fields upstream answers with.
#[derive(Debug, thiserror::Error)]
pub enum PatchError {
    /// The patch document is not the shape its type requires, or a strategic
    /// directive is malformed (`400 BadRequest`).
    #[error("{0}")]
    Invalid(String),
    /// A JSON patch operation failed: a `test` that did not hold, a missing
    /// path (`422 Invalid`).
    #[error("{0}")]
    JsonPatch(String),
    /// A strategic merge patch holds content it cannot express, such as lists
    /// of lists (`422 Invalid`).
    #[error("{0}")]
    Unprocessable(String),
    /// A strategic merge patch does not fit the object: a list item without its
    /// merge key, an unknown `$patch` value, an order list that contradicts the
    /// patch. kube-apiserver passes these through as `500` with no reason.
    #[error("{0}")]
    Strategic(String),
    /// A strategic merge patch for a kind without patch metadata (a custom
    /// resource): `415 UnsupportedMediaType`.
    #[error(
        "the body of the request was in an unknown format - accepted media types include: \
         application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    )]
    StrategicUnsupported,
}

impl PatchError {
    /// The HTTP status kube-apiserver answers this error with.
    pub fn status_code(&self) -> u16 {
        match self {
            PatchError::Invalid(_) => 400,
            PatchError::JsonPatch(_) | PatchError::Unprocessable(_) => 422,
            PatchError::Strategic(_) => 500,
            PatchError::StrategicUnsupported => 415,
        }
    }

    /// The `reason` of the upstream `Status` (empty for errors upstream does
    /// not classify).
    pub fn reason(&self) -> &'static str {
        match self {
            PatchError::Invalid(_) => "BadRequest",
            PatchError::JsonPatch(_) | PatchError::Unprocessable(_) => "Invalid",
            PatchError::Strategic(_) => "",
            PatchError::StrategicUnsupported => "UnsupportedMediaType",
        }
    }
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
    match patch_type {
        PatchType::Json => operations::apply_json_patch(original, patch),
        PatchType::Merge => json_merge::apply_merge_patch(original, patch),
        PatchType::StrategicMerge => {
            let root =
                merge_keys::root_type(group, kind).ok_or(PatchError::StrategicUnsupported)?;
            strategic::apply_strategic_merge_patch(original, patch, root)
        }
    }
}

/// Whether objects of `kind` in `group` accept strategic merge patches
/// (built-in kinds do, custom resources do not).
pub fn supports_strategic_merge(group: &str, kind: &str) -> bool {
    merge_keys::root_type(group, kind).is_some()
}
