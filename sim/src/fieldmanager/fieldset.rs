//! Field sets of objects: the fields an applied configuration sets, and the
//! fields a write added, changed or removed.
//!
//! Follows structured-merge-diff's `ToFieldSet` and `Compare`: scalars,
//! nulls, empty maps and atomic lists are leaves; items of keyed lists and
//! values of sets are owned themselves as well as through their fields.

use serde_json::{Map, Value};

use super::path::{FieldSet, Path, PathElement};
use super::schema::{ListKind, child_type, item_key, list_kind};
use crate::patch::merge_keys::SchemaType;

/// The fields `value` (an object below a node of type `ty`) sets.
pub fn fields_of(value: &Value, ty: SchemaType) -> FieldSet {
    let mut set = FieldSet::new();
    if let Value::Object(map) = value {
        map_fields(map, ty, &mut Vec::new(), &mut set);
    }
    set
}

fn map_fields(map: &Map<String, Value>, ty: SchemaType, prefix: &mut Path, set: &mut FieldSet) {
    for (name, value) in map {
        prefix.push(PathElement::Field(name.clone()));
        value_fields(value, ty, name, prefix, set);
        prefix.pop();
    }
}

/// The fields of `value`, the value of field `name` of a `parent`, found at
/// `path`.
fn value_fields(
    value: &Value,
    parent: SchemaType,
    name: &str,
    path: &mut Path,
    set: &mut FieldSet,
) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            map_fields(map, child_type(parent, name), path, set);
        }
        Value::Array(items) => list_fields(items, parent, name, path, set),
        _ => {
            set.insert(path.clone());
        }
    }
}

fn list_fields(
    items: &[Value],
    parent: SchemaType,
    name: &str,
    path: &mut Path,
    set: &mut FieldSet,
) {
    match list_kind(parent, name, items) {
        ListKind::Atomic => {
            set.insert(path.clone());
        }
        ListKind::Set => {
            for item in items {
                path.push(PathElement::Value(item.to_string()));
                set.insert(path.clone());
                path.pop();
            }
        }
        ListKind::Map(keys) => {
            let item_type = child_type(parent, name);
            for item in items {
                let key = item_key(&keys, item).expect("list_kind checked every key");
                path.push(key);
                set.insert(path.clone());
                if let Value::Object(fields) = item {
                    map_fields(fields, item_type, path, set);
                }
                path.pop();
            }
        }
    }
}

/// What a write did to an object's fields.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Fields that are new or hold a new value.
    pub set: FieldSet,
    /// Fields that are gone.
    pub removed: FieldSet,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.removed.is_empty()
    }
}

/// The fields that differ between `old` and `new` (both objects below a node
/// of type `ty`).
pub fn compare(old: &Value, new: &Value, ty: SchemaType) -> Changes {
    let mut changes = Changes::default();
    let empty = Map::new();
    let old = old.as_object().unwrap_or(&empty);
    let new = new.as_object().unwrap_or(&empty);
    compare_maps(old, new, ty, &mut Vec::new(), &mut changes);
    changes
}

fn compare_maps(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    ty: SchemaType,
    prefix: &mut Path,
    changes: &mut Changes,
) {
    for (name, value) in new {
        prefix.push(PathElement::Field(name.clone()));
        match old.get(name) {
            None => value_fields(value, ty, name, prefix, &mut changes.set),
            Some(before) => compare_values(before, value, ty, name, prefix, changes),
        }
        prefix.pop();
    }
    for name in old.keys().filter(|name| !new.contains_key(*name)) {
        prefix.push(PathElement::Field(name.clone()));
        changes.removed.insert(prefix.clone());
        prefix.pop();
    }
}

fn compare_values(
    old: &Value,
    new: &Value,
    parent: SchemaType,
    name: &str,
    path: &mut Path,
    changes: &mut Changes,
) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) if !a.is_empty() && !b.is_empty() => {
            compare_maps(a, b, child_type(parent, name), path, changes);
        }
        (Value::Array(a), Value::Array(b)) => compare_lists(a, b, parent, name, path, changes),
        _ => {
            // A map or list that became something else loses its children.
            if old.is_object() || old.is_array() {
                changes.removed.insert(path.clone());
            }
            value_fields(new, parent, name, path, &mut changes.set);
        }
    }
}

fn compare_lists(
    old: &[Value],
    new: &[Value],
    parent: SchemaType,
    name: &str,
    path: &mut Path,
    changes: &mut Changes,
) {
    let kind = list_kind(parent, name, new);
    if kind == ListKind::Atomic || list_kind(parent, name, old) != kind {
        changes.set.insert(path.clone());
        return;
    }
    let item_type = child_type(parent, name);
    let element = |item: &Value| match &kind {
        ListKind::Map(keys) => item_key(keys, item).expect("list_kind checked every key"),
        _ => PathElement::Value(item.to_string()),
    };
    for item in new {
        let key = element(item);
        let before = old.iter().find(|o| element(o) == key);
        path.push(key);
        match (before, item) {
            (None, _) => {
                changes.set.insert(path.clone());
                if let Value::Object(fields) = item {
                    map_fields(fields, item_type, path, &mut changes.set);
                }
            }
            (Some(Value::Object(a)), Value::Object(b)) => {
                compare_maps(a, b, item_type, path, changes);
            }
            (Some(_), _) => {}
        }
        path.pop();
    }
    for item in old {
        let key = element(item);
        if !new.iter().any(|n| element(n) == key) {
            path.push(key);
            changes.removed.insert(path.clone());
            path.pop();
        }
    }
}

/// Removes from `set` every path at or below one of `prefixes`.
pub fn remove_below(set: &mut FieldSet, prefixes: &FieldSet) {
    set.retain(|path| !prefixes.iter().any(|p| path.starts_with(p)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fieldmanager::path::display;
    use serde_json::json;

    fn shown(set: &FieldSet) -> Vec<String> {
        set.iter().map(|p| display(p)).collect()
    }

    #[test]
    fn an_applied_deployment_owns_its_leaves_and_its_containers() {
        let applied = json!({
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "replicas": 2,
                "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1"}],
                                       "tolerations": [{"key": "k"}]}}
            }
        });
        assert_eq!(
            shown(&fields_of(&applied, SchemaType::Workload)),
            [
                ".metadata.labels.app",
                ".spec.replicas",
                r#".spec.template.spec.containers[name="nginx"]"#,
                r#".spec.template.spec.containers[name="nginx"].image"#,
                r#".spec.template.spec.containers[name="nginx"].name"#,
                ".spec.template.spec.tolerations",
            ]
        );
    }

    #[test]
    fn compare_names_changed_added_and_removed_fields() {
        let old = json!({"spec": {"replicas": 1, "paused": false,
            "template": {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b"}]}}}});
        let new = json!({"spec": {"replicas": 3,
            "template": {"spec": {"containers": [{"name": "a", "image": "y"}, {"name": "c"}]}}}});
        let changes = compare(&old, &new, SchemaType::Workload);
        assert_eq!(
            shown(&changes.set),
            [
                ".spec.replicas",
                r#".spec.template.spec.containers[name="a"].image"#,
                r#".spec.template.spec.containers[name="c"]"#,
                r#".spec.template.spec.containers[name="c"].name"#,
            ]
        );
        assert_eq!(
            shown(&changes.removed),
            [
                ".spec.paused",
                r#".spec.template.spec.containers[name="b"]"#
            ]
        );
    }
}
