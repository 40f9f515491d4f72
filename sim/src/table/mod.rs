//! Server-side printing: the `meta.k8s.io/v1` Table that `kubectl get` asks
//! for, with the columns a real API server prints for each kind.
//!
//! The interface is fixed (the API server calls [`column_definitions`] and
//! [`row_cells`]); per-kind columns are being filled in. Until then every kind
//! prints `NAME` and `AGE`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// One column of a Table, as `meta.k8s.io/v1` `TableColumnDefinition`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnDefinition {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub format: String,
    pub description: String,
    /// 0 for default columns, 1 for those only `-o wide` shows.
    pub priority: i32,
}

impl ColumnDefinition {
    fn new(name: &str, type_: &str, format: &str, description: &str, priority: i32) -> Self {
        Self {
            name: name.into(),
            type_: type_.into(),
            format: format.into(),
            description: description.into(),
            priority,
        }
    }
}

/// The columns printed for objects of `kind` in API group `group`.
pub fn column_definitions(group: &str, kind: &str) -> Vec<ColumnDefinition> {
    let _ = (group, kind);
    vec![
        ColumnDefinition::new("Name", "string", "name", "Name must be unique within a namespace.", 0),
        ColumnDefinition::new("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0),
    ]
}

/// The cells of one row for `object`, in the order of [`column_definitions`].
/// `now` is the simulated clock, used for ages.
pub fn row_cells(group: &str, kind: &str, object: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let _ = (group, kind);
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    let age = object["metadata"]["creationTimestamp"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| human_duration(now - t.with_timezone(&Utc)))
        .unwrap_or_else(|| "<unknown>".into());
    vec![Value::from(name), Value::from(age)]
}

/// kubectl's short age format (`5s`, `3m2s`, `4h`, `2d3h`, `120d`).
pub fn human_duration(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        s if s < 120 => format!("{s}s"),
        s if s < 600 => format!("{}m{}s", s / 60, s % 60),
        s if s < 3 * 3600 => format!("{}m", s / 60),
        s if s < 8 * 3600 => format!("{}h{}m", s / 3600, (s % 3600) / 60),
        s if s < 48 * 3600 => format!("{}h", s / 3600),
        s if s < 8 * 86400 => format!("{}d{}h", s / 86400, (s % 86400) / 3600),
        s => format!("{}d", s / 86400),
    }
}
