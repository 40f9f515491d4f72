//! Field paths as structured-merge-diff names them: the unit of ownership in
//! `metadata.managedFields` and in apply conflicts.
//!
//! A path is a list of elements: a field of a map (`.spec`), an item of an
//! associative list by its key fields (`[name="nginx"]`), a value of a set
//! (`[="finalizer.example.com"]`) or, rarely, a list index (`[0]`). Key and
//! set values are kept as their JSON text, so paths order and compare as
//! plain strings do and print exactly as upstream prints them.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathElement {
    /// A field of a map or struct: `f:<name>` in FieldsV1.
    Field(String),
    /// An item of an associative list, by its key fields sorted by name,
    /// each with its value as JSON text: `k:{"name":"nginx"}`.
    Key(Vec<(String, String)>),
    /// A value of a set-like list, as JSON text: `v:"x"`.
    Value(String),
    /// An item of a list by position: `i:<n>` (only read, never written).
    Index(usize),
}

/// A path from the object's root to one field.
pub type Path = Vec<PathElement>;

/// A set of paths: the fields one manager owns, or the fields a write
/// touched.
pub type FieldSet = BTreeSet<Path>;

impl PathElement {
    /// The key element of a list item from its key fields (any order).
    pub fn key(fields: impl IntoIterator<Item = (String, Value)>) -> Self {
        let mut fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(name, value)| (name, value.to_string()))
            .collect();
        fields.sort();
        PathElement::Key(fields)
    }

    /// This element as a FieldsV1 key (`f:name`, `k:{…}`, `v:…`, `i:n`).
    pub fn to_fields_v1_key(&self) -> String {
        match self {
            PathElement::Field(name) => format!("f:{name}"),
            PathElement::Key(fields) => {
                let body: Vec<String> = fields
                    .iter()
                    .map(|(name, value)| format!("{}:{value}", Value::from(name.as_str())))
                    .collect();
                format!("k:{{{}}}", body.join(","))
            }
            PathElement::Value(json) => format!("v:{json}"),
            PathElement::Index(i) => format!("i:{i}"),
        }
    }

    /// Reads a FieldsV1 key; `None` for keys this version does not know.
    pub fn from_fields_v1_key(key: &str) -> Option<Self> {
        let (prefix, rest) = key.split_once(':')?;
        match prefix {
            "f" => Some(PathElement::Field(rest.to_string())),
            "k" => match serde_json::from_str::<Value>(rest).ok()? {
                Value::Object(map) => Some(PathElement::key(map)),
                _ => None,
            },
            "v" => {
                let value: Value = serde_json::from_str(rest).ok()?;
                Some(PathElement::Value(value.to_string()))
            }
            "i" => rest.parse().ok().map(PathElement::Index),
            _ => None,
        }
    }

    /// Whether the list item `item` is the one this element names.
    pub fn names_item(&self, index: usize, item: &Value) -> bool {
        match self {
            PathElement::Key(fields) => fields
                .iter()
                .all(|(name, value)| key_field(item, name).is_some_and(|v| same_json(value, &v))),
            PathElement::Value(json) => same_json(json, item),
            PathElement::Index(i) => *i == index,
            PathElement::Field(_) => false,
        }
    }
}

/// Whether JSON text `text` holds `value`.
fn same_json(text: &str, value: &Value) -> bool {
    serde_json::from_str::<Value>(text).is_ok_and(|parsed| parsed == *value)
}

/// The value of key field `name` of a list item, with the default upstream's
/// schema gives the one key field that has one (`protocol`, "TCP"): an
/// applied port without a protocol names the same item as the live port the
/// API server defaulted.
pub fn key_field(item: &Value, name: &str) -> Option<Value> {
    match item.get(name) {
        Some(v) if !v.is_null() => Some(v.clone()),
        _ if name == "protocol" => Some(Value::from("TCP")),
        _ => None,
    }
}

impl fmt::Display for PathElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathElement::Field(name) => write!(f, ".{name}"),
            PathElement::Key(fields) => {
                let body: Vec<String> = fields
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect();
                write!(f, "[{}]", body.join(","))
            }
            PathElement::Value(json) => write!(f, "[={json}]"),
            PathElement::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A path as upstream prints it in conflict messages:
/// `.spec.template.spec.containers[name="nginx"].image`.
pub fn display(path: &[PathElement]) -> String {
    path.iter().map(ToString::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(name: &str) -> PathElement {
        PathElement::Field(name.into())
    }

    #[test]
    fn paths_print_as_upstream_prints_them_in_conflicts() {
        let path = vec![
            field("spec"),
            field("containers"),
            PathElement::key([("name".to_string(), json!("nginx"))]),
            field("image"),
        ];
        assert_eq!(display(&path), r#".spec.containers[name="nginx"].image"#);
        let port = PathElement::key([
            ("protocol".to_string(), json!("TCP")),
            ("containerPort".to_string(), json!(80)),
        ]);
        assert_eq!(port.to_string(), r#"[containerPort=80,protocol="TCP"]"#);
        assert_eq!(
            PathElement::Value(json!("a").to_string()).to_string(),
            r#"[="a"]"#
        );
    }

    #[test]
    fn fields_v1_keys_round_trip() {
        for key in [
            "f:spec",
            r#"k:{"containerPort":80,"protocol":"TCP"}"#,
            r#"v:"example.com/guard""#,
            "i:2",
        ] {
            let element = PathElement::from_fields_v1_key(key).expect(key);
            assert_eq!(element.to_fields_v1_key(), key);
        }
        assert_eq!(PathElement::from_fields_v1_key("x:1"), None);
    }

    #[test]
    fn a_port_without_protocol_names_the_defaulted_live_port() {
        let element = PathElement::key([
            ("containerPort".to_string(), json!(80)),
            (
                "protocol".to_string(),
                key_field(&json!({}), "protocol").unwrap(),
            ),
        ]);
        assert!(element.names_item(0, &json!({"containerPort": 80, "protocol": "TCP"})));
        assert!(!element.names_item(0, &json!({"containerPort": 80, "protocol": "UDP"})));
    }
}
