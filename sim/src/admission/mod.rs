//! Admission: the defaulting and validation every write passes through
//! before it is stored, whichever client (HTTP or a controller) made it.

mod defaults;
mod validate;

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

use crate::registry::ResourceType;

/// One `details.causes` entry of a 422 Invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// `FieldValueRequired`, `FieldValueInvalid`, ...
    pub reason: String,
    pub message: String,
    pub field: String,
}

/// Why admission refused a write. Admission sits below the store, so it
/// says why in its own terms; the store turns this into its `StoreError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// 400: the body is not an object.
    BadRequest(String),
    /// 422 with the causes, upstream's `<Kind> "<name>" is invalid`.
    Invalid {
        kind: String,
        group: String,
        name: String,
        causes: Vec<Cause>,
    },
}

/// Cluster-wide allocators admission needs.
pub struct AdmissionContext<'a> {
    /// Next Service cluster IP offset inside 10.96.0.0/12.
    pub next_cluster_ip: &'a AtomicU32,
}

impl AdmissionContext<'_> {
    /// Allocates the next Service cluster IP (10.96.0.1 is the `kubernetes` Service).
    pub fn allocate_cluster_ip(&self) -> String {
        let n = self.next_cluster_ip.fetch_add(1, Ordering::Relaxed);
        let n = 0x0a60_0000u32 + (n % 0x000f_fffe);
        format!(
            "{}.{}.{}.{}",
            n >> 24,
            (n >> 16) & 255,
            (n >> 8) & 255,
            n & 255
        )
    }
}

/// Defaults and validates `obj` (a create when `old` is None, else an update).
pub fn admit(
    rt: &ResourceType,
    obj: &mut Value,
    old: Option<&Value>,
    ctx: &AdmissionContext,
) -> Result<(), Rejection> {
    if !obj.is_object() {
        return Err(Rejection::BadRequest(
            "the object must be a JSON object".into(),
        ));
    }
    defaults::apply(rt, obj, old, ctx);
    validate::validate(rt, obj, old)
}
