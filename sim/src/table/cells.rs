//! What every printer shares: reading fields out of an object's JSON the way
//! Go reads a typed struct (a missing field is its zero value), the `Name`
//! and `Age` columns, timestamps as ages, and the container columns of
//! workload templates.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::duration::human_duration;

pub(super) const NAME_DESCRIPTION: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.";
pub(super) const AGE_DESCRIPTION: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is represented in RFC3339 form and is in UTC.";
const CONTAINERS_DESCRIPTION: &str = "Names of each container in the template.";
const IMAGES_DESCRIPTION: &str = "Images referenced by each container in the template.";

/// A default (priority 0) column.
pub(super) fn column(name: &str, type_: &str, description: &str) -> ColumnDefinition {
    ColumnDefinition::new(name, type_, "", description, 0)
}

/// A column only `kubectl get -o wide` shows.
pub(super) fn wide_column(name: &str, type_: &str, description: &str) -> ColumnDefinition {
    ColumnDefinition::new(name, type_, "", description, 1)
}

/// The `Name` column, format `name` (kubectl finds the object name by it).
pub(super) fn name_column() -> ColumnDefinition {
    ColumnDefinition::new("Name", "string", "name", NAME_DESCRIPTION, 0)
}

/// The `Age` column.
pub(super) fn age_column() -> ColumnDefinition {
    column("Age", "string", AGE_DESCRIPTION)
}

/// The wide `Containers` and `Images` columns of workload templates.
pub(super) fn container_columns() -> [ColumnDefinition; 2] {
    [
        wide_column("Containers", "string", CONTAINERS_DESCRIPTION),
        wide_column("Images", "string", IMAGES_DESCRIPTION),
    ]
}

/// A resource quantity as stored (`500m`, `1Gi`, `3`), `0` when absent.
pub(super) fn quantity(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => "0".into(),
    }
}

/// The string at JSON `pointer`, or `""` when absent or not a string.
pub(super) fn text<'a>(object: &'a Value, pointer: &str) -> &'a str {
    object
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The integer at JSON `pointer`, or 0 when absent.
pub(super) fn int(object: &Value, pointer: &str) -> i64 {
    object
        .pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or_default()
}

/// The boolean at JSON `pointer`, or false when absent.
pub(super) fn flag(object: &Value, pointer: &str) -> bool {
    object
        .pointer(pointer)
        .and_then(Value::as_bool)
        .unwrap_or_default()
}

/// The array at JSON `pointer`, or an empty slice when absent.
pub(super) fn items<'a>(object: &'a Value, pointer: &str) -> &'a [Value] {
    object
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Whether `pointer` holds a value (not absent, not `null`).
pub(super) fn has(object: &Value, pointer: &str) -> bool {
    object.pointer(pointer).is_some_and(|v| !v.is_null())
}

/// Number of entries of the object (map) at `pointer`, 0 when absent.
pub(super) fn entries(object: &Value, pointer: &str) -> i64 {
    object
        .pointer(pointer)
        .and_then(Value::as_object)
        .map_or(0, |m| m.len() as i64)
}

/// The annotation `key` of an object, if set.
pub(super) fn annotation<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object["metadata"]["annotations"][key].as_str()
}

/// The RFC 3339 timestamp at `pointer` (metav1.Time or MicroTime), if set.
pub(super) fn timestamp(object: &Value, pointer: &str) -> Option<DateTime<Utc>> {
    let raw = object.pointer(pointer)?.as_str()?;
    DateTime::parse_from_rfc3339(raw)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// translateTimestampSince: the age of `time` at `now`, `<unknown>` if unset.
pub(super) fn since(time: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    time.map_or_else(|| "<unknown>".into(), |t| human_duration(now - t))
}

/// The object's name cell.
pub(super) fn name(object: &Value) -> Value {
    Value::from(text(object, "/metadata/name"))
}

/// The object's age cell.
pub(super) fn age(object: &Value, now: DateTime<Utc>) -> Value {
    Value::from(since(timestamp(object, "/metadata/creationTimestamp"), now))
}

/// Columns of kinds the API server prints with its default table convertor
/// (Role, ClusterRole, CustomResourceDefinition): `Name` and `Created At`.
pub(super) fn created_at_columns() -> Vec<ColumnDefinition> {
    vec![name_column(), column("Created At", "date", AGE_DESCRIPTION)]
}

/// Cells for [`created_at_columns`]: the creation time in RFC 3339 UTC
/// (Go's zero time when unset, as the default convertor prints it).
pub(super) fn created_at_cells(object: &Value, _now: DateTime<Utc>) -> Vec<Value> {
    let created = timestamp(object, "/metadata/creationTimestamp").map_or_else(
        || "0001-01-01T00:00:00Z".into(),
        |t| t.to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    vec![name(object), Value::from(created)]
}

/// layoutContainerCells: container names and images of a pod spec, each
/// joined with commas.
pub(super) fn container_cells(pod_spec: &Value) -> [Value; 2] {
    let containers = items(pod_spec, "/containers");
    let names: Vec<&str> = containers.iter().map(|c| text(c, "/name")).collect();
    let images: Vec<&str> = containers.iter().map(|c| text(c, "/image")).collect();
    [Value::from(names.join(",")), Value::from(images.join(","))]
}

/// listWithMoreString: at most three entries, then `+ N more...`; `<unset>`
/// when there are none.
pub(super) fn list_with_more(shown: &[String], total: usize) -> String {
    let joined = shown.join(",");
    if total > shown.len() {
        return format!("{joined} + {} more...", total - shown.len());
    }
    if joined.is_empty() {
        "<unset>".into()
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ages_come_from_the_creation_timestamp_and_unknown_without_one() {
        let now: DateTime<Utc> = "2025-01-01T12:00:00Z".parse().unwrap();
        let obj = json!({"metadata": {"creationTimestamp": "2025-01-01T11:57:55Z"}});
        assert_eq!(age(&obj, now), json!("2m5s"));
        assert_eq!(age(&json!({}), now), json!("<unknown>"));
    }

    #[test]
    fn created_at_is_rfc3339_utc() {
        let obj =
            json!({"metadata": {"name": "view", "creationTimestamp": "2025-01-01T13:00:00+01:00"}});
        let now = Utc::now();
        assert_eq!(
            created_at_cells(&obj, now),
            [json!("view"), json!("2025-01-01T12:00:00Z")]
        );
    }

    #[test]
    fn list_with_more_truncates_after_three() {
        let three: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(list_with_more(&three, 5), "a,b,c + 2 more...");
        assert_eq!(list_with_more(&three, 3), "a,b,c");
        assert_eq!(list_with_more(&[], 0), "<unset>");
    }
}
