//! What server-side apply needs to know of a kind's schema: how each list
//! merges (by key, as a set, or whole) and the type below each field.
//!
//! Upstream reads `x-kubernetes-list-type` / `x-kubernetes-list-map-keys`
//! from the OpenAPI schema. For the built-in kinds these agree with the
//! strategic-merge tags the simulator already transcribes
//! ([`merge_keys`](crate::patch::merge_keys)), except for a few lists keyed
//! by more than one field, listed in [`list_map_keys`]. Custom resources
//! have no schema here: their maps merge and their lists are atomic, as for
//! a CRD without list annotations.

use serde_json::Value;

use super::path::{PathElement, key_field};
use crate::patch::merge_keys::{ListStrategy, SchemaType};

/// How a list field takes part in a merge and in ownership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListKind {
    /// Items are identified by these key fields; each item is owned and
    /// merged on its own.
    Map(Vec<&'static str>),
    /// Primitive items, each owned on its own (`finalizers`).
    Set,
    /// The list is one value: replaced whole, owned whole.
    Atomic,
}

/// The schema type of `field`'s value (or of its items) below `parent`.
pub fn child_type(parent: SchemaType, field: &str) -> SchemaType {
    parent.field(field).value_type
}

/// How list `field` of a `parent` merges, given its items: a keyed list
/// whose items lack a key field, or repeat a key, is treated as atomic
/// rather than refused.
pub fn list_kind(parent: SchemaType, field: &str, items: &[Value]) -> ListKind {
    let meta = parent.field(field);
    let kind = match (meta.strategy, meta.merge_key) {
        (ListStrategy::Merge, Some(key)) => {
            ListKind::Map(list_map_keys(parent, field).unwrap_or_else(|| vec![key]))
        }
        (ListStrategy::Merge, None) => ListKind::Set,
        (ListStrategy::Replace, _) => ListKind::Atomic,
    };
    match &kind {
        ListKind::Map(keys) => {
            let mut seen = std::collections::HashSet::new();
            let keyed = items
                .iter()
                .all(|item| item_key(keys, item).is_some_and(|k| seen.insert(k)));
            if keyed { kind } else { ListKind::Atomic }
        }
        ListKind::Set => {
            let primitive = items.iter().all(|v| !v.is_object() && !v.is_array());
            if primitive { kind } else { ListKind::Atomic }
        }
        ListKind::Atomic => kind,
    }
}

/// The path element naming `item` of a list keyed by `keys`, or `None` when
/// the item lacks one of them.
pub fn item_key(keys: &[&'static str], item: &Value) -> Option<PathElement> {
    let fields: Option<Vec<(String, Value)>> = keys
        .iter()
        .map(|k| key_field(item, k).map(|v| (k.to_string(), v)))
        .collect();
    fields.map(PathElement::key)
}

/// Lists whose server-side-apply keys are more than the strategic merge key.
fn list_map_keys(parent: SchemaType, field: &str) -> Option<Vec<&'static str>> {
    match (parent, field) {
        (SchemaType::Container, "ports") => Some(vec!["containerPort", "protocol"]),
        (SchemaType::ServiceSpec, "ports") => Some(vec!["port", "protocol"]),
        (SchemaType::PodSpec, "topologySpreadConstraints") => {
            Some(vec!["topologyKey", "whenUnsatisfiable"])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn containers_merge_by_name_and_their_ports_by_port_and_protocol() {
        let containers = [json!({"name": "a"}), json!({"name": "b"})];
        assert_eq!(
            list_kind(SchemaType::PodSpec, "containers", &containers),
            ListKind::Map(vec!["name"])
        );
        assert_eq!(
            list_kind(
                SchemaType::Container,
                "ports",
                &[json!({"containerPort": 80})]
            ),
            ListKind::Map(vec!["containerPort", "protocol"])
        );
        assert_eq!(
            list_kind(SchemaType::ObjectMeta, "finalizers", &[json!("x")]),
            ListKind::Set
        );
        assert_eq!(
            list_kind(SchemaType::PodSpec, "tolerations", &[json!({"key": "k"})]),
            ListKind::Atomic
        );
    }

    #[test]
    fn a_keyed_list_with_a_missing_or_repeated_key_is_atomic() {
        let missing = [json!({"image": "x"})];
        assert_eq!(
            list_kind(SchemaType::PodSpec, "containers", &missing),
            ListKind::Atomic
        );
        let repeated = [json!({"name": "a"}), json!({"name": "a"})];
        assert_eq!(
            list_kind(SchemaType::PodSpec, "containers", &repeated),
            ListKind::Atomic
        );
    }
}
