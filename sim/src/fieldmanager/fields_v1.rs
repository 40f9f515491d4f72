//! The `FieldsV1` form of a field set, as stored in `managedFields`: a tree
//! of JSON objects keyed by [`PathElement::to_fields_v1_key`], where `{}`
//! marks an owned leaf and a `"."` entry marks a node that is owned itself
//! and also has owned children.

use serde_json::{Map, Value};

use super::path::{FieldSet, Path, PathElement};

/// The tree of `set`'s paths, without the `"."` markers.
fn tree(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in set {
        insert(&mut root, path);
    }
    Value::Object(root)
}

fn insert(root: &mut Map<String, Value>, path: &[PathElement]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = root;
    for element in parents {
        let child = node
            .entry(element.to_fields_v1_key())
            .or_insert_with(|| Value::Object(Map::new()));
        node = child.as_object_mut().expect("FieldsV1 nodes are objects");
    }
    node.entry(last.to_fields_v1_key())
        .or_insert_with(|| Value::Object(Map::new()));
}

/// Decodes FieldsV1; keys this version does not know are skipped.
pub fn decode(fields: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    if let Value::Object(map) = fields {
        walk(map, &mut Vec::new(), &mut set);
    }
    set
}

fn walk(map: &Map<String, Value>, prefix: &mut Path, set: &mut FieldSet) {
    for (key, child) in map {
        if key == "." {
            if !prefix.is_empty() {
                set.insert(prefix.clone());
            }
            continue;
        }
        let Some(element) = PathElement::from_fields_v1_key(key) else {
            continue;
        };
        prefix.push(element);
        match child {
            Value::Object(children) if !children.is_empty() => walk(children, prefix, set),
            _ => {
                set.insert(prefix.clone());
            }
        }
        prefix.pop();
    }
}

/// Encodes a set as FieldsV1: a path which is owned and also has owned
/// children carries a `"."` marker.
pub fn encode(set: &FieldSet) -> Value {
    let mut value = tree(set);
    mark_owned_nodes(&mut value, set, &mut Vec::new());
    value
}

fn mark_owned_nodes(value: &mut Value, set: &FieldSet, prefix: &mut Path) {
    let Value::Object(map) = value else { return };
    if !prefix.is_empty() && !map.is_empty() && set.contains(prefix) {
        map.insert(".".into(), Value::Object(Map::new()));
    }
    let keys: Vec<String> = map.keys().filter(|k| *k != ".").cloned().collect();
    for key in keys {
        let Some(element) = PathElement::from_fields_v1_key(&key) else {
            continue;
        };
        prefix.push(element);
        if let Some(child) = map.get_mut(&key) {
            mark_owned_nodes(child, set, prefix);
        }
        prefix.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_owned_list_item_with_owned_fields_carries_a_dot() {
        let fields = json!({
            "f:spec": {
                "f:replicas": {},
                "f:containers": {
                    "k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}}
                }
            }
        });
        let set = decode(&fields);
        assert_eq!(set.len(), 4);
        assert_eq!(encode(&set), fields);
    }
}
