//! Element order of merged lists.
//!
//! After a merge, upstream re-orders the list so that the patch decides the
//! order of the items it mentions and the live object decides the order of the
//! items only the server knows, interleaving the two by their live positions.
//! A `$setElementOrder/<list>` directive (sent by `kubectl apply`) takes the
//! place of the patch's own order. See the "preserve order in strategic merge
//! patch" design proposal; the algorithm mirrors apimachinery's
//! `normalizeElementOrder` / `mergeSortedSlice`.

use serde_json::Value;

use super::PatchError;
use super::go_format::go_format;

/// The `$patch` directive key.
pub(crate) const DIRECTIVE_MARKER: &str = "$patch";

/// The error upstream returns when a list item lacks its merge key.
pub(crate) fn no_merge_key(item: &Value, merge_key: &str) -> PatchError {
    PatchError::Strategic(format!(
        "map: {} does not contain declared merge key: {merge_key}",
        go_format(item)
    ))
}

/// The value that identifies `item`: its merge key for lists of maps, the
/// item itself for lists of primitives.
fn identity<'a>(item: &'a Value, merge_key: Option<&str>) -> Option<&'a Value> {
    match merge_key {
        Some(key) => item.as_object().and_then(|m| m.get(key)),
        None => Some(item),
    }
}

/// Position of the item identified like `item` in `list`.
fn index_of(list: &[Value], item: &Value, merge_key: Option<&str>) -> Option<usize> {
    let wanted = identity(item, merge_key);
    list.iter()
        .position(|candidate| identity(candidate, merge_key) == wanted)
}

/// Splits `items` into those present in `by` (by merge key, or by value for
/// primitives) and those that are not, keeping their order.
pub(crate) fn partition_by_presence(
    items: Vec<Value>,
    by: &[Value],
    merge_key: Option<&str>,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut present = Vec::with_capacity(items.len());
    let mut absent = Vec::new();
    for item in items {
        if let Some(key) = merge_key {
            let value = item.get(key).ok_or_else(|| no_merge_key(&item, key))?;
            let found = by
                .iter()
                .any(|b| b.as_object().and_then(|m| m.get(key)) == Some(value));
            if found {
                present.push(item)
            } else {
                absent.push(item)
            }
        } else if by.contains(&item) {
            present.push(item);
        } else {
            absent.push(item);
        }
    }
    Ok((present, absent))
}

/// Orders the merged list: `patch_items` sorted by `patch_order`,
/// `server_only` sorted by `server_order`, then interleaved by their
/// positions in `server_order` (the live list).
pub(crate) fn normalize_element_order(
    patch_items: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: Option<&str>,
) -> Result<Vec<Value>, PatchError> {
    let patch_items = sort_by_order(patch_items, patch_order, merge_key)?;
    let server_only = sort_by_order(server_only, server_order, merge_key)?;
    Ok(interleave(
        server_only,
        patch_items,
        server_order,
        merge_key,
    ))
}

/// Stable-sorts `items` by their position in `order`. Items that `order`
/// does not mention keep their relative order after the others; items marked
/// `$patch: delete` go last.
fn sort_by_order(
    items: Vec<Value>,
    order: &[Value],
    merge_key: Option<&str>,
) -> Result<Vec<Value>, PatchError> {
    if let Some(key) = merge_key {
        for item in items.iter().chain(order) {
            if item.get(key).is_none() {
                return Err(no_merge_key(item, key));
            }
        }
    }
    let (mut keep, deleted): (Vec<Value>, Vec<Value>) =
        items.into_iter().partition(|item| !is_delete_item(item));
    keep.sort_by_cached_key(|item| index_of(order, item, merge_key).unwrap_or(usize::MAX));
    keep.extend(deleted);
    Ok(keep)
}

fn is_delete_item(item: &Value) -> bool {
    item.get(DIRECTIVE_MARKER).and_then(Value::as_str) == Some("delete")
}

/// Inserts each item of `left` (server-only items) into `right` (patch items)
/// before the first right item that comes after it in `server_order`. Both
/// inputs keep their relative order.
fn interleave(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    merge_key: Option<&str>,
) -> Vec<Value> {
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => {
                match (
                    index_of(server_order, l, merge_key),
                    index_of(server_order, r, merge_key),
                ) {
                    (Some(li), Some(ri)) => li < ri,
                    _ => false,
                }
            }
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn list(v: Value) -> Vec<Value> {
        v.as_array().unwrap().clone()
    }

    #[test]
    fn server_only_items_keep_their_live_neighbours() {
        // Live [a b c], patch [d b]: d is new and leads, a stays before b, c after.
        let merged = list(json!(["a", "b", "c", "d"]));
        let patch = list(json!(["d", "b"]));
        let live = list(json!(["a", "b", "c"]));
        let (present, absent) = partition_by_presence(merged, &patch, None).unwrap();
        let out = normalize_element_order(present, absent, &patch, &live, None).unwrap();
        assert_eq!(Value::Array(out), json!(["d", "a", "b", "c"]));
    }

    #[test]
    fn patch_order_wins_for_items_the_patch_mentions() {
        let merged = list(json!([{"name": "a"}, {"name": "b"}, {"name": "c"}]));
        let order = list(json!([{"name": "c"}, {"name": "a"}, {"name": "b"}]));
        let (present, absent) =
            partition_by_presence(merged.clone(), &order, Some("name")).unwrap();
        assert!(absent.is_empty());
        let out = normalize_element_order(present, absent, &order, &merged, Some("name")).unwrap();
        assert_eq!(
            Value::Array(out),
            json!([{"name": "c"}, {"name": "a"}, {"name": "b"}])
        );
    }

    #[test]
    fn items_without_merge_key_are_rejected_with_the_upstream_message() {
        let err = partition_by_presence(list(json!([{"image": "nginx"}])), &[], Some("name"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "map: map[image:nginx] does not contain declared merge key: name"
        );
    }
}
