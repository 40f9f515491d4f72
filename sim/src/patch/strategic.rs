//! Kubernetes strategic merge patch, as `k8s.io/apimachinery/pkg/util/strategicpatch`
//! applies it on the server (`StrategicMergeMapPatch`).
//!
//! Maps merge recursively and `null` deletes a key. Lists follow the field's
//! patch metadata ([`merge_keys`](super::merge_keys)): keyed lists merge item
//! by item, primitive `merge` lists merge as sets, all other lists are
//! replaced. The directives are `$patch: replace|delete` (on a map or as a list
//! item), `$retainKeys`, `$setElementOrder/<list>` and
//! `$deleteFromPrimitiveList/<list>`; malformed ones fail with upstream's
//! messages.
//!
//! One deliberate difference: where upstream copies a patch value verbatim
//! because the live object lacks the field, this module merges it into an
//! empty value instead, so directives and `null`s inside it are honoured
//! rather than stored (kube-apiserver drops them later when it decodes into
//! typed structs; this simulator stores JSON as is).

use serde_json::{Map, Value};

use super::PatchError;
use super::go_format::go_format;
use super::merge_keys::{FieldPatchMeta, ListStrategy, SchemaType};
use super::ordering::{
    DIRECTIVE_MARKER, no_merge_key, normalize_element_order, partition_by_presence,
};

const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";
const RETAIN_KEYS: &str = "$retainKeys";

/// `mergepatch.ErrBadPatchFormatForSetElementOrderList`.
pub(crate) const BAD_SET_ELEMENT_ORDER: &str = "invalid patch format of setElementOrder list";
/// `mergepatch.ErrBadPatchFormatForRetainKeys`.
pub(crate) const BAD_RETAIN_KEYS: &str = "invalid patch format of retainKeys";
/// `mergepatch.ErrBadPatchFormatForPrimitiveList`.
pub(crate) const BAD_PRIMITIVE_LIST: &str = "invalid patch format of primitive list";

/// Applies strategic merge `patch` to `original`, an object whose schema type
/// is `root`. A `null` patch changes nothing, as upstream.
pub(crate) fn apply_strategic_merge_patch(
    original: &Value,
    patch: &Value,
    root: SchemaType,
) -> Result<Value, PatchError> {
    let patch = match patch {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        other => {
            return Err(PatchError::Invalid(format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                go_json_type(other)
            )));
        }
    };
    let original = original.as_object().cloned().unwrap_or_default();
    merge_map(original, patch, root).map(Value::Object)
}

/// The name Go's `encoding/json` uses for a JSON value's type in errors.
fn go_json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Merges `patch` into `original`, both maps of schema type `ty`.
fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    ty: SchemaType,
) -> Result<Map<String, Value>, PatchError> {
    if let Some(directive) = patch.get(DIRECTIVE_MARKER) {
        return match directive.as_str() {
            Some("replace") => {
                patch.remove(DIRECTIVE_MARKER);
                merge_map(Map::new(), patch, ty)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(unknown_patch_type(directive, &Value::Object(patch.clone()))),
        };
    }
    apply_retain_keys(&mut original, &mut patch)?;
    apply_set_element_order(&mut original, &mut patch, ty)?;

    // Deletions from primitive lists go first, so that a patch that deletes
    // and adds in one go ends with the additions.
    let (deletions, fields): (Vec<_>, Vec<_>) = patch
        .into_iter()
        .partition(|(key, _)| key.starts_with(DELETE_FROM_PRIMITIVE_LIST));
    for (key, value) in deletions {
        delete_from_primitive_list(&mut original, &key, value)?;
    }
    for (key, value) in fields {
        merge_field(&mut original, key, value, ty)?;
    }
    Ok(original)
}

/// Merges one patch field into `original`.
fn merge_field(
    original: &mut Map<String, Value>,
    key: String,
    value: Value,
    ty: SchemaType,
) -> Result<(), PatchError> {
    if value.is_null() {
        remove_keeping_order(original, &key);
        return Ok(());
    }
    let meta = ty.field(&key);
    match original.get_mut(&key) {
        None => {
            let fresh = fresh_value(value, &key, meta)?;
            original.insert(key, fresh);
        }
        Some(slot) => {
            *slot = match (std::mem::take(slot), value) {
                (Value::Object(live), Value::Object(patch)) => {
                    Value::Object(merge_map(live, patch, meta.value_type)?)
                }
                (Value::Array(live), Value::Array(patch)) => {
                    Value::Array(merge_list(live, patch, &key, meta)?)
                }
                (_, value) => fresh_value(value, &key, meta)?,
            };
        }
    }
    Ok(())
}

/// A patch value for a field the live object lacks (or has with another
/// type): the value merged into an empty one, so directives and nulls in it
/// are applied rather than stored.
fn fresh_value(value: Value, field: &str, meta: FieldPatchMeta) -> Result<Value, PatchError> {
    Ok(match value {
        Value::Object(map) => Value::Object(merge_map(Map::new(), map, meta.value_type)?),
        Value::Array(items) => Value::Array(merge_list(Vec::new(), items, field, meta)?),
        scalar => scalar,
    })
}

/// Merges a patch list into a live list according to the field's strategy
/// (upstream `mergeSliceHandler`).
fn merge_list(
    original: Vec<Value>,
    patch: Vec<Value>,
    field: &str,
    meta: FieldPatchMeta,
) -> Result<Vec<Value>, PatchError> {
    if meta.strategy == ListStrategy::Replace {
        return Ok(patch.into_iter().map(discard_nulls).collect());
    }
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    match (element_kind(&original, &patch)?, meta.merge_key) {
        (ElementKind::Scalar, _) => {
            // Set union, duplicates (live ones included) removed.
            let mut merged: Vec<Value> = Vec::with_capacity(original.len() + patch.len());
            for item in original.iter().chain(&patch) {
                if !merged.contains(item) {
                    merged.push(item.clone());
                }
            }
            let server_order = original;
            let (in_patch, server_only) = partition_by_presence(merged, &patch, None)?;
            normalize_element_order(in_patch, server_only, &patch, &server_order, None)
        }
        (ElementKind::Map, None) => Err(PatchError::Strategic(format!(
            "cannot merge lists without merge key for {field}"
        ))),
        (ElementKind::Map, Some(key)) => {
            let (original, patch) = apply_list_directives(original, patch, key)?;
            let server_order = order_stubs(&original, key);
            let patch_order = order_stubs(&patch, key);
            let merged = merge_keyed_items(original, patch, key, meta.value_type)?;
            let (in_patch, server_only) = partition_by_presence(merged, &patch_order, Some(key))?;
            normalize_element_order(
                in_patch,
                server_only,
                &patch_order,
                &server_order,
                Some(key),
            )
        }
    }
}

/// The element type of a merge list: all items must share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ElementKind {
    Map,
    Scalar,
}

fn element_kind(original: &[Value], patch: &[Value]) -> Result<ElementKind, PatchError> {
    let type_of = |v: &Value| std::mem::discriminant(v);
    let mut items = original.iter().chain(patch);
    let Some(first) = items.next() else {
        return Ok(ElementKind::Scalar);
    };
    if first.is_array() {
        return Err(PatchError::Unprocessable(
            "lists of lists are not supported".into(),
        ));
    }
    if items.any(|item| type_of(item) != type_of(first)) {
        let both = Value::Array(vec![
            Value::Array(original.to_vec()),
            Value::Array(patch.to_vec()),
        ]);
        return Err(PatchError::Strategic(format!(
            "list element types are not identical: {}",
            go_format(&both)
        )));
    }
    Ok(if first.is_object() {
        ElementKind::Map
    } else {
        ElementKind::Scalar
    })
}

/// Handles list items carrying `$patch` (upstream `mergeSliceWithSpecialElements`):
/// `delete` removes live items with the same key, `replace` makes the rest of
/// the patch list the whole list. Returns the live list and the patch items
/// still to merge.
fn apply_list_directives(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut rest = Vec::with_capacity(patch.len());
    let mut replace = false;
    for item in patch {
        let Some(directive) = item.get(DIRECTIVE_MARKER) else {
            rest.push(item);
            continue;
        };
        match directive.as_str() {
            Some("delete") => {
                let value = item.get(key).ok_or_else(|| no_merge_key(&item, key))?;
                original.retain(|live| live.get(key) != Some(value));
            }
            Some("replace") => replace = true,
            Some("merge") => {
                return Err(PatchError::Strategic(
                    "merging lists cannot yet be specified in the patch".into(),
                ));
            }
            _ => return Err(unknown_patch_type(directive, &item)),
        }
    }
    if replace {
        Ok((Vec::new(), rest))
    } else {
        Ok((original, rest))
    }
}

/// Merges each patch item into the live item with the same merge key, or
/// appends it (upstream `mergeSliceWithoutSpecialElements`).
fn merge_keyed_items(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
    item_type: SchemaType,
) -> Result<Vec<Value>, PatchError> {
    for item in patch {
        let Value::Object(item) = item else {
            return Err(PatchError::Strategic(format!(
                "expected a map, but received {}",
                go_format(&item)
            )));
        };
        let value = item
            .get(key)
            .ok_or_else(|| no_merge_key(&Value::Object(item.clone()), key))?;
        match original
            .iter()
            .position(|live| live.get(key) == Some(value))
        {
            Some(index) => {
                let live = match std::mem::take(&mut original[index]) {
                    Value::Object(live) => live,
                    _ => Map::new(),
                };
                original[index] = Value::Object(merge_map(live, item, item_type)?);
            }
            None => original.push(Value::Object(merge_map(Map::new(), item, item_type)?)),
        }
    }
    Ok(original)
}

/// Lightweight copies of list items that keep only what ordering looks at:
/// the merge key (items without it are kept whole, for the error message).
fn order_stubs(items: &[Value], key: &str) -> Vec<Value> {
    items
        .iter()
        .map(|item| match item.get(key) {
            Some(value) => {
                let mut stub = Map::new();
                stub.insert(key.to_owned(), value.clone());
                Value::Object(stub)
            }
            None => item.clone(),
        })
        .collect()
}

/// `$retainKeys: [..]`: live keys not listed are cleared; every non-null patch
/// field must be listed.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
) -> Result<(), PatchError> {
    let Some(retain) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let Value::Array(retain) = retain else {
        return Err(PatchError::Invalid(BAD_RETAIN_KEYS.into()));
    };
    let listed = |key: &str| retain.iter().any(|k| k.as_str() == Some(key));
    let unlisted_field = patch.iter().any(|(key, value)| {
        !value.is_null()
            && !key.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            && !key.starts_with(SET_ELEMENT_ORDER)
            && !listed(key)
    });
    if unlisted_field {
        return Err(PatchError::Invalid(BAD_RETAIN_KEYS.into()));
    }
    original.retain(|key, _| listed(key));
    Ok(())
}

/// Processes every `$setElementOrder/<list>` of this map together with the
/// patch's `<list>` (upstream `mergePatchIntoOriginal`): merges them, then
/// orders the result as the directive says. Handled lists leave the patch.
fn apply_set_element_order(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    ty: SchemaType,
) -> Result<(), PatchError> {
    let directives: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for directive in directives {
        let Some(Value::Array(order)) = patch.remove(&directive) else {
            return Err(PatchError::Invalid(BAD_SET_ELEMENT_ORDER.into()));
        };
        let field = extract_key(&directive, SET_ELEMENT_ORDER, BAD_SET_ELEMENT_ORDER)?;
        let meta = ty.field(field);
        let live = match original.get(field) {
            Some(Value::Array(live)) => Some(live.clone()),
            // A live non-list is replaced by the main merge.
            Some(_) => continue,
            None => None,
        };
        let patch_list = match patch.get(field) {
            Some(Value::Array(_)) => match patch.remove(field) {
                Some(Value::Array(list)) => Some(list),
                _ => None,
            },
            // A null (delete) or non-list patch value is handled by the main merge.
            Some(_) => continue,
            None => None,
        };
        validate_against_order(
            patch_list.as_deref().unwrap_or_default(),
            &order,
            meta.merge_key,
        )?;
        let server_order = live.clone().unwrap_or_default();
        let merged = match (live, patch_list) {
            (None, None) => continue,
            (Some(live), None) => live,
            (live, Some(patch_list)) => {
                merge_list(live.unwrap_or_default(), patch_list, field, meta)?
            }
        };
        let key = meta
            .merge_key
            .filter(|_| merged.iter().chain(&order).all(Value::is_object));
        let (in_order, server_only) = partition_by_presence(merged, &order, key)?;
        let ordered = normalize_element_order(in_order, server_only, &order, &server_order, key)?;
        original.insert(field.to_owned(), Value::Array(ordered));
    }
    Ok(())
}

/// Checks that the patch list mentions its items in the order of the
/// `$setElementOrder` list (upstream `validatePatchWithSetOrderList`).
fn validate_against_order(
    patch_list: &[Value],
    order: &[Value],
    merge_key: Option<&str>,
) -> Result<(), PatchError> {
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let is_delete = |v: &Value| v.get(DIRECTIVE_MARKER).and_then(Value::as_str) == Some("delete");
    let kept: Vec<&Value> = patch_list
        .iter()
        .filter(|v| merge_key.is_none() || !is_delete(v))
        .collect();
    let (mut p, mut o) = (0, 0);
    while p < kept.len() && o < order.len() {
        if kept[p].get(DIRECTIVE_MARKER).is_some() {
            p += 1;
            continue;
        }
        let same = match merge_key {
            None => kept[p] == &order[o],
            Some(key) => {
                let left = kept[p].get(key).ok_or_else(|| no_merge_key(kept[p], key))?;
                let right = order[o]
                    .get(key)
                    .ok_or_else(|| no_merge_key(&order[o], key))?;
                left == right
            }
        };
        if same {
            p += 1;
        }
        o += 1;
    }
    if p < kept.len() {
        return Err(PatchError::Strategic(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
            go_format(&Value::Array(patch_list.to_vec())),
            go_format(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

/// `$deleteFromPrimitiveList/<list>: [..]` removes those values from the live list.
fn delete_from_primitive_list(
    original: &mut Map<String, Value>,
    directive: &str,
    value: Value,
) -> Result<(), PatchError> {
    let field = extract_key(directive, DELETE_FROM_PRIMITIVE_LIST, BAD_PRIMITIVE_LIST)?;
    let to_delete = match value {
        // Upstream deletes the whole list for a null deletion list.
        Value::Null => {
            remove_keeping_order(original, field);
            return Ok(());
        }
        Value::Array(items) => items,
        _ => return Err(PatchError::Invalid(BAD_PRIMITIVE_LIST.into())),
    };
    if let Some(Value::Array(live)) = original.get_mut(field) {
        live.retain(|item| !to_delete.contains(item));
    }
    Ok(())
}

/// The list name after `<prefix>/`.
fn extract_key<'a>(directive: &'a str, prefix: &str, error: &str) -> Result<&'a str, PatchError> {
    match directive.split_once('/') {
        Some((head, field)) if head == prefix => Ok(field),
        _ => Err(PatchError::Invalid(error.into())),
    }
}

/// `mergepatch.ErrBadPatchType`.
fn unknown_patch_type(directive: &Value, map: &Value) -> PatchError {
    PatchError::Strategic(format!(
        "unknown patch type: {} in map: {}",
        go_format(directive),
        go_format(map)
    ))
}

/// Removes `key` without disturbing the order of the other keys (matters when
/// serde_json's `preserve_order` is on, where `Map::remove` swaps entries).
fn remove_keeping_order(map: &mut Map<String, Value>, key: &str) {
    if map.contains_key(key) {
        map.retain(|k, _| k != key);
    }
}

/// Drops `null` map values at any depth (values copied from a patch).
fn discard_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, discard_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(discard_nulls).collect()),
        scalar => scalar,
    }
}
