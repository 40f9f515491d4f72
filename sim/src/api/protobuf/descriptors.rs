//! The descriptors `build.rs` compiled from `sim/proto/`, and the message
//! that carries a kind of an API group version.
//!
//! The vendored files name their packages after the Go import path without
//! its `k8s.io/` root (`api.core.v1`, `api.rbac.v1`,
//! `apimachinery.pkg.apis.meta.v1`), so a group's package is the first label
//! of the group name (`rbac.authorization.k8s.io` → `rbac`; the core group
//! is `core`).

use std::sync::LazyLock;

use prost_reflect::{DescriptorPool, MessageDescriptor};

/// The encoded `FileDescriptorSet`.
static ENCODED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/k8s_descriptors.bin"));

/// Decoded once, on the first protobuf body.
static POOL: LazyLock<DescriptorPool> = LazyLock::new(|| {
    DescriptorPool::decode(ENCODED).expect("build.rs wrote a valid FileDescriptorSet")
});

/// The package of apimachinery's meta/v1 types (`DeleteOptions`, `Time`, …).
pub const META_V1: &str = "apimachinery.pkg.apis.meta.v1";

/// `runtime.Unknown`, the envelope of every body.
pub fn unknown() -> MessageDescriptor {
    POOL.get_message_by_name("apimachinery.pkg.runtime.Unknown")
        .expect("runtime/generated.proto is compiled in")
}

/// The message of `kind` in `api_version` (`apps/v1`, `v1`,
/// `meta.k8s.io/v1`). Kinds of meta/v1 that every group version accepts
/// (`DeleteOptions`) are found from any of them.
pub fn message_for(api_version: &str, kind: &str) -> Option<MessageDescriptor> {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    if kind.is_empty() || version.is_empty() || !is_name(kind) || !is_name(version) {
        return None;
    }
    let label = group.split('.').next().unwrap_or_default();
    let package = match label {
        "" => format!("api.core.{version}"),
        "meta" => format!("apimachinery.pkg.apis.meta.{version}"),
        l if is_name(l) => format!("api.{l}.{version}"),
        _ => return None,
    };
    POOL.get_message_by_name(&format!("{package}.{kind}"))
        .or_else(|| {
            SHARED_META_KINDS
                .contains(&kind)
                .then(|| POOL.get_message_by_name(&format!("{META_V1}.{kind}")))
                .flatten()
        })
}

/// meta/v1 kinds that the API server registers in every group version
/// (`metav1.AddToGroupVersion`): `kubectl drain` sends `v1` `DeleteOptions`.
const SHARED_META_KINDS: &[&str] = &[
    "DeleteOptions",
    "CreateOptions",
    "UpdateOptions",
    "PatchOptions",
    "GetOptions",
    "ListOptions",
    "Status",
    "WatchEvent",
];

/// Letters and digits only: a kind, version or group label, never a path.
fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric())
}
