//! Errors of store operations. Each maps to one `Status` reason and code of
//! the Kubernetes API (see `api::status`).

use serde_json::Value;

pub use crate::admission::Cause;
use crate::admission::Rejection;

/// Why a store operation failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// 404: `pods "x" not found`.
    #[error("{resource} \"{name}\" not found")]
    NotFound { resource: String, name: String },
    /// 409: `pods "x" already exists`.
    #[error("{resource} \"{name}\" already exists")]
    AlreadyExists { resource: String, name: String },
    /// 409: a resourceVersion or uid precondition failed.
    #[error("Operation cannot be fulfilled on {resource} \"{name}\": {reason}")]
    Conflict {
        resource: String,
        name: String,
        reason: String,
    },
    /// 409: a server-side apply would change fields other managers own.
    #[error("{message}")]
    ApplyConflict {
        message: String,
        /// `FieldManagerConflict` causes, one per field.
        causes: Value,
    },
    /// 422 with causes.
    #[error("{kind} \"{name}\" is invalid: {}", causes.iter().map(|c| if c.field.is_empty() { c.message.clone() } else { format!("{}: {}", c.field, c.message) }).collect::<Vec<_>>().join(", "))]
    Invalid {
        kind: String,
        group: String,
        name: String,
        causes: Vec<Cause>,
    },
    /// 400.
    #[error("{0}")]
    BadRequest(String),
    /// 403, e.g. creating in a terminating namespace.
    #[error("{message}")]
    Forbidden {
        resource: String,
        name: String,
        message: String,
    },
    /// 410 Expired: a continue token or resourceVersion too old.
    #[error("{0}")]
    Expired(String),
    /// 405.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 500.
    #[error("{0}")]
    Internal(String),
    /// Any other Status (e.g. from a patch: 415, 422, 500 without reason).
    #[error("{message}")]
    Other {
        code: u16,
        reason: String,
        message: String,
    },
}

impl StoreError {
    /// The `Status.reason` of this error.
    pub fn reason(&self) -> &str {
        match self {
            StoreError::NotFound { .. } => "NotFound",
            StoreError::AlreadyExists { .. } => "AlreadyExists",
            StoreError::Conflict { .. } | StoreError::ApplyConflict { .. } => "Conflict",
            StoreError::Invalid { .. } => "Invalid",
            StoreError::BadRequest(_) => "BadRequest",
            StoreError::Forbidden { .. } => "Forbidden",
            StoreError::Expired(_) => "Expired",
            StoreError::MethodNotAllowed(_) => "MethodNotAllowed",
            StoreError::Internal(_) => "InternalError",
            StoreError::Other { reason, .. } => reason,
        }
    }

    /// The HTTP status code of this error.
    pub fn code(&self) -> u16 {
        match self {
            StoreError::NotFound { .. } => 404,
            StoreError::AlreadyExists { .. }
            | StoreError::Conflict { .. }
            | StoreError::ApplyConflict { .. } => 409,
            StoreError::Invalid { .. } => 422,
            StoreError::BadRequest(_) => 400,
            StoreError::Forbidden { .. } => 403,
            StoreError::Expired(_) => 410,
            StoreError::MethodNotAllowed(_) => 405,
            StoreError::Internal(_) => 500,
            StoreError::Other { code, .. } => *code,
        }
    }

    /// The `Status.details` of this error (null when there are none).
    pub fn details(&self) -> Value {
        let split = |resource: &str| -> (String, String) {
            match resource.split_once('.') {
                Some((r, g)) => (r.to_string(), g.to_string()),
                None => (resource.to_string(), String::new()),
            }
        };
        let with_group = |name: &str, resource: &str| {
            let (kind, group) = split(resource);
            let mut d = serde_json::json!({"name": name, "kind": kind});
            if !group.is_empty() {
                d["group"] = Value::from(group);
            }
            d
        };
        match self {
            StoreError::NotFound { resource, name }
            | StoreError::AlreadyExists { resource, name }
            | StoreError::Conflict { resource, name, .. }
            | StoreError::Forbidden { resource, name, .. } => with_group(name, resource),
            StoreError::Invalid {
                kind,
                group,
                name,
                causes,
            } => {
                let mut d = serde_json::json!({
                    "name": name,
                    "kind": kind,
                    "causes": causes.iter().map(|c| serde_json::json!({"reason": c.reason, "message": c.message, "field": c.field})).collect::<Vec<_>>(),
                });
                if !group.is_empty() {
                    d["group"] = Value::from(group.clone());
                }
                d
            }
            StoreError::ApplyConflict { causes, .. } => serde_json::json!({"causes": causes}),
            _ => Value::Null,
        }
    }

    /// A 404 for `name` of `resource` (qualified, e.g. `deployments.apps`).
    pub fn not_found(resource: impl Into<String>, name: impl Into<String>) -> Self {
        StoreError::NotFound {
            resource: resource.into(),
            name: name.into(),
        }
    }
}

impl From<Rejection> for StoreError {
    fn from(r: Rejection) -> Self {
        match r {
            Rejection::BadRequest(message) => StoreError::BadRequest(message),
            Rejection::Invalid {
                kind,
                group,
                name,
                causes,
            } => StoreError::Invalid {
                kind,
                group,
                name,
                causes,
            },
        }
    }
}
