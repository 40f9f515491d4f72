//! Merging an applied configuration into the live object, and removing the
//! fields an applier stopped setting.
//!
//! Maps merge field by field, keyed lists item by item, sets value by value;
//! atomic lists and scalars are replaced. A `null` in the configuration
//! removes the field.

use serde_json::{Map, Value};

use super::path::{FieldSet, PathElement};
use super::schema::{ListKind, child_type, item_key, list_kind};
use crate::patch::merge_keys::SchemaType;

/// `applied` merged into `live` (both objects below a node of type `ty`).
pub fn merge(live: &Value, applied: &Value, ty: SchemaType) -> Value {
    match (live, applied) {
        (Value::Object(live), Value::Object(applied)) => {
            Value::Object(merge_maps(live, applied, ty))
        }
        _ => applied.clone(),
    }
}

fn merge_maps(
    live: &Map<String, Value>,
    applied: &Map<String, Value>,
    ty: SchemaType,
) -> Map<String, Value> {
    let mut out = live.clone();
    for (name, value) in applied {
        if value.is_null() {
            out.remove(name);
            continue;
        }
        let merged = match (live.get(name), value) {
            (Some(Value::Object(a)), Value::Object(b)) => {
                Value::Object(merge_maps(a, b, child_type(ty, name)))
            }
            (Some(Value::Array(a)), Value::Array(b)) => merge_lists(a, b, ty, name),
            _ => value.clone(),
        };
        out.insert(name.clone(), merged);
    }
    out
}

/// Keeps the live order; items new to the list follow in the configuration's
/// order.
fn merge_lists(live: &[Value], applied: &[Value], parent: SchemaType, name: &str) -> Value {
    let kind = list_kind(parent, name, applied);
    if kind == ListKind::Atomic || list_kind(parent, name, live) != kind {
        return Value::Array(applied.to_vec());
    }
    let item_type = child_type(parent, name);
    let element = |item: &Value| match &kind {
        ListKind::Map(keys) => item_key(keys, item).expect("list_kind checked every key"),
        _ => PathElement::Value(item.to_string()),
    };
    let mut out: Vec<Value> = live
        .iter()
        .map(|item| {
            let key = element(item);
            match applied.iter().find(|a| element(a) == key) {
                Some(a) => merge(item, a, item_type),
                None => item.clone(),
            }
        })
        .collect();
    for item in applied {
        let key = element(item);
        if !live.iter().any(|l| element(l) == key) {
            out.push(item.clone());
        }
    }
    Value::Array(out)
}

/// Removes every path of `paths` from `obj`; paths that are not there are
/// skipped.
pub fn remove(obj: &mut Value, paths: &FieldSet) {
    // A path sorts before the paths below it, so a removed map or item takes
    // its fields along and their own paths find nothing. Items are found by
    // key, so removing one never shifts another.
    for path in paths {
        remove_path(obj, path);
    }
}

fn remove_path(value: &mut Value, path: &[PathElement]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    match (value, first) {
        (Value::Object(map), PathElement::Field(name)) => {
            if rest.is_empty() {
                map.remove(name);
            } else if let Some(child) = map.get_mut(name) {
                remove_path(child, rest);
            }
        }
        (Value::Array(items), element) => {
            let Some(index) = items
                .iter()
                .enumerate()
                .position(|(i, item)| element.names_item(i, item))
            else {
                return;
            };
            if rest.is_empty() {
                items.remove(index);
            } else {
                remove_path(&mut items[index], rest);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fieldmanager::fieldset::fields_of;
    use serde_json::json;

    #[test]
    fn containers_merge_by_name_and_tolerations_are_replaced() {
        let live = json!({"spec": {"template": {"spec": {
            "containers": [{"name": "a", "image": "x", "imagePullPolicy": "Always"}, {"name": "b"}],
            "tolerations": [{"key": "one"}, {"key": "two"}]}}}});
        let applied = json!({"spec": {"replicas": 2, "template": {"spec": {
            "containers": [{"name": "c"}, {"name": "a", "image": "y"}],
            "tolerations": [{"key": "three"}]}}}});
        let merged = merge(&live, &applied, SchemaType::Workload);
        assert_eq!(
            merged,
            json!({"spec": {"replicas": 2, "template": {"spec": {
                "containers": [{"name": "a", "image": "y", "imagePullPolicy": "Always"},
                               {"name": "b"}, {"name": "c"}],
                "tolerations": [{"key": "three"}]}}}})
        );
    }

    #[test]
    fn removing_paths_drops_fields_items_and_set_values() {
        let mut obj = json!({"metadata": {"finalizers": ["a", "b"], "labels": {"x": "1", "y": "2"}},
            "spec": {"containers": [{"name": "a"}, {"name": "b", "image": "i"}]}});
        let gone = fields_of(
            &json!({"metadata": {"finalizers": ["a"], "labels": {"y": "2"}},
                    "spec": {"containers": [{"name": "b", "image": "i"}]}}),
            SchemaType::Pod,
        );
        remove(&mut obj, &gone);
        assert_eq!(
            obj,
            json!({"metadata": {"finalizers": ["b"], "labels": {"x": "1"}},
                   "spec": {"containers": [{"name": "a"}]}})
        );
    }
}
