//! Test cases ported from apimachinery's `strategicpatch/patch_test.go`
//! (custom and three-way fixtures). Upstream's fake `mergingList` (merge by
//! `name`) is played by a pod's `spec.containers`, `mergingIntList` (a
//! primitive merge list) by `metadata.finalizers`, and `nonMergingIntList` by
//! a container's `args`.

use serde_json::{Value, json};

use super::smp;

/// A pod whose `spec.containers` is `list`.
fn containers(list: Value) -> Value {
    json!({"kind": "Pod", "spec": {"containers": list}})
}

/// A pod whose `metadata.finalizers` is `list`.
fn finalizers(list: Value) -> Value {
    json!({"kind": "Pod", "metadata": {"finalizers": list}})
}

fn check(cases: Vec<(&str, Value, Value, Value)>) {
    for (description, original, patch, expected) in cases {
        let out = smp("", "Pod", &original, patch);
        assert_eq!(out, expected, "{description}");
    }
}

#[test]
fn merging_list_of_maps_fixtures() {
    check(vec![
        (
            "delete all items from merging list",
            containers(json!([{"name": "1"}, {"name": "2"}])),
            json!({"spec": {"containers": [{"$patch": "replace"}]}}),
            containers(json!([])),
        ),
        (
            "merge empty merging lists",
            containers(json!([])),
            json!({"spec": {"containers": []}}),
            containers(json!([])),
        ),
        (
            "delete all duplicate entries in a merging list",
            containers(
                json!([{"name": "1"}, {"name": "1"}, {"name": "2", "value": "a"}, {"name": "3"}, {"name": "3"}]),
            ),
            json!({"spec": {"containers": [{"name": "1", "$patch": "delete"}, {"name": "3", "$patch": "delete"}]}}),
            containers(json!([{"name": "2", "value": "a"}])),
        ),
        (
            "preserve the order from the patch in a merging list",
            containers(json!([{"name": "1"}, {"name": "2", "value": "b"}, {"name": "3"}])),
            json!({"spec": {"containers": [
                {"name": "3", "value": "c"}, {"name": "1", "value": "a"}, {"name": "2", "other": "x"}
            ]}}),
            containers(json!([
                {"name": "3", "value": "c"}, {"name": "1", "value": "a"}, {"name": "2", "value": "b", "other": "x"}
            ])),
        ),
        (
            "preserve the order from the patch in a merging list 2",
            containers(json!([{"name": "1"}, {"name": "2", "value": "b"}, {"name": "3"}])),
            json!({"spec": {"containers": [{"name": "3", "value": "c"}, {"name": "1", "value": "a"}]}}),
            containers(
                json!([{"name": "2", "value": "b"}, {"name": "3", "value": "c"}, {"name": "1", "value": "a"}]),
            ),
        ),
        (
            "$setElementOrder contains item that is not present in the list to be merged",
            containers(json!([{"name": "1"}, {"name": "3"}])),
            json!({"spec": {
                "$setElementOrder/containers": [{"name": "3"}, {"name": "2"}, {"name": "1"}],
                "containers": [{"name": "3", "value": "3"}, {"name": "1", "value": "1"}]
            }}),
            containers(json!([{"name": "3", "value": "3"}, {"name": "1", "value": "1"}])),
        ),
        (
            "nested patch merge with empty list (three-way result)",
            containers(json!([{"name": "hello2"}])),
            json!({"spec": {
                "$setElementOrder/containers": [{"name": "hello"}, {"name": "doesntexist"}],
                "containers": [{"name": "hello"}, {"$patch": "delete", "name": "doesntexist"}]
            }}),
            containers(json!([{"name": "hello"}, {"name": "hello2"}])),
        ),
        (
            "merge lists of maps (three-way result)",
            containers(
                json!([{"name": "1", "other": "a"}, {"name": "2", "value": "2", "other": "b"}]),
            ),
            json!({"spec": {
                "$setElementOrder/containers": [{"name": "4"}, {"name": "1"}, {"name": "2"}, {"name": "3"}],
                "containers": [{"name": "4", "value": "4"}, {"name": "3", "value": "3"}]
            }}),
            containers(json!([
                {"name": "4", "value": "4"},
                {"name": "1", "other": "a"},
                {"name": "2", "value": "2", "other": "b"},
                {"name": "3", "value": "3"}
            ])),
        ),
    ]);
}

#[test]
fn merging_list_of_primitives_fixtures() {
    check(vec![
        (
            "unique scalars when merging lists",
            finalizers(json!(["1", "2"])),
            json!({"metadata": {"finalizers": ["2", "3"]}}),
            finalizers(json!(["1", "2", "3"])),
        ),
        (
            "preserve the order from the patch in a merging int list",
            finalizers(json!(["1", "2", "3"])),
            json!({"metadata": {"finalizers": ["3", "1", "2"]}}),
            finalizers(json!(["3", "1", "2"])),
        ),
        (
            "preserve the order from the patch in a merging int list 2",
            finalizers(json!(["1", "2", "3"])),
            json!({"metadata": {"finalizers": ["3", "1"]}}),
            finalizers(json!(["2", "3", "1"])),
        ),
        (
            "$setElementOrder contains item that is not present in the int list",
            finalizers(json!(["1", "3"])),
            json!({"metadata": {"$setElementOrder/finalizers": ["3", "2", "1"]}}),
            finalizers(json!(["3", "1"])),
        ),
        (
            "$deleteFromPrimitiveList of nonexistent item does not add it",
            finalizers(json!(["1", "2"])),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["3"]}}),
            finalizers(json!(["1", "2"])),
        ),
        (
            "$deleteFromPrimitiveList on an empty list leaves it empty",
            finalizers(Value::Null),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["3"]}}),
            finalizers(Value::Null),
        ),
        (
            "$deleteFromPrimitiveList on a nonexistent list does not add the list",
            json!({"kind": "Pod", "metadata": {"name": "p"}}),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["3"]}}),
            json!({"kind": "Pod", "metadata": {"name": "p"}}),
        ),
        (
            "delete items in lists of scalars (three-way result)",
            finalizers(json!(["1", "2", "3", "4"])),
            json!({"metadata": {"$setElementOrder/finalizers": ["1", "2"], "$deleteFromPrimitiveList/finalizers": ["3"]}}),
            finalizers(json!(["1", "2", "4"])),
        ),
        (
            "delete all duplicate items in lists of scalars (three-way result)",
            finalizers(json!(["1", "2", "3", "3", "4"])),
            json!({"metadata": {"$setElementOrder/finalizers": ["1", "2"], "$deleteFromPrimitiveList/finalizers": ["3"]}}),
            finalizers(json!(["1", "2", "4"])),
        ),
        (
            "add and delete items in lists of scalars (three-way result)",
            finalizers(json!(["1", "2", "3", "4"])),
            json!({"metadata": {
                "$setElementOrder/finalizers": ["1", "2", "4"],
                "$deleteFromPrimitiveList/finalizers": ["3"],
                "finalizers": ["4"]
            }}),
            finalizers(json!(["1", "2", "4"])),
        ),
    ]);
}

#[test]
fn replaced_lists_and_maps_fixtures() {
    let args = |list: Value| containers(json!([{"name": "c", "args": list}]));
    check(vec![
        (
            "replace list of scalars",
            args(json!(["1", "2"])),
            json!({"spec": {"containers": [{"name": "c", "args": ["2", "3"]}]}}),
            args(json!(["2", "3"])),
        ),
        (
            "$deleteFromPrimitiveList should delete item from a list without merge patch strategy",
            args(json!(["1", "2", "3"])),
            json!({"spec": {"containers": [{"name": "c", "$deleteFromPrimitiveList/args": ["2"]}]}}),
            args(json!(["1", "3"])),
        ),
        (
            "delete all keys from map",
            json!({"kind": "Pod", "metadata": {"labels": {"name": "1", "value": "1"}}}),
            json!({"metadata": {"labels": {"$patch": "replace"}}}),
            json!({"kind": "Pod", "metadata": {"labels": {}}}),
        ),
        (
            "add key and delete all keys from map",
            json!({"kind": "Pod", "metadata": {"labels": {"name": "1", "value": "1"}}}),
            json!({"metadata": {"labels": {"other": "a", "$patch": "replace"}}}),
            json!({"kind": "Pod", "metadata": {"labels": {"other": "a"}}}),
        ),
        (
            "defined null values remove fields and are not stored",
            json!({"kind": "Pod", "metadata": {"labels": {"name": "a", "other": "a"}}}),
            json!({"metadata": {"labels": {"name": "1", "value": "1", "other": null, "absent": null}}}),
            json!({"kind": "Pod", "metadata": {"labels": {"name": "1", "value": "1"}}}),
        ),
    ]);
}
