//! A decoded message as the JSON object Go's `encoding/json` would write for
//! the same Kubernetes object.
//!
//! - Field names: go-to-protobuf names every `.proto` field after the Go
//!   field's JSON tag (`generateName`, `externalIPs`), so a field's proto
//!   name is its JSON name; embedded structs' fields are lifted into the
//!   outer object ([`super::embedded`]).
//! - Unset fields, empty lists and maps, and zero scalars are omitted as
//!   `omitempty` does; [`super::presence`] keeps the zeros that pointer
//!   fields were set to.
//! - Set messages are written even when empty (`"strategy": {}`), as Go
//!   writes a struct field that `omitempty` cannot omit.
//! - `bytes` are base64 (Secret `data`), maps are objects, and the types of
//!   [`super::special`] get their own forms. Named string slices
//!   (`ExtraValue`, `Verbs`) travel as a message of `items` but are plain
//!   arrays in JSON.

use base64::Engine;
use prost_reflect::{DynamicMessage, MapKey, ReflectMessage, Value as Field};
use serde_json::{Map, Value};

use super::ProtobufError;
use super::embedded::is_inline;
use super::presence::keeps_zero;
use super::special::Special;

/// Walks messages decoded inside `depth` envelopes.
pub struct Converter {
    pub depth: usize,
}

impl Converter {
    /// The JSON object of `m`'s set fields.
    pub fn message(&self, m: &DynamicMessage) -> Result<Value, ProtobufError> {
        let mut object = Map::new();
        let full_name = m.descriptor().full_name().to_owned();
        for (field, value) in m.fields() {
            let name = field.name();
            if let Field::Message(inner) = value
                && is_inline(&full_name, name)
            {
                if let Some(Value::Object(fields)) = self.nested(inner)? {
                    object.extend(fields);
                }
                continue;
            }
            let json = match value {
                Field::List(items) if items.is_empty() => None,
                Field::Map(entries) if entries.is_empty() => None,
                Field::List(items) => Some(Value::Array(
                    items
                        .iter()
                        .map(|v| self.element(v))
                        .collect::<Result<_, _>>()?,
                )),
                Field::Map(entries) => {
                    let mut map = Map::new();
                    for (k, v) in entries {
                        map.insert(key(k), self.element(v)?);
                    }
                    Some(Value::Object(map))
                }
                Field::Message(inner) => self.nested(inner)?,
                scalar if is_zero(scalar) && !keeps_zero(name) => None,
                scalar => Some(scalar_json(scalar)),
            };
            if let Some(json) = json {
                object.insert(name.to_owned(), json);
            }
        }
        Ok(Value::Object(object))
    }

    /// A message inside another: its special form, the array of a named
    /// slice, or its object. `None` when Go's JSON would write `null`.
    fn nested(&self, m: &DynamicMessage) -> Result<Option<Value>, ProtobufError> {
        let desc = m.descriptor();
        if let Some(special) = Special::of(desc.full_name()) {
            return special.to_json(m, self.depth);
        }
        if is_named_slice(desc.name(), desc.full_name()) {
            return Ok(Some(match m.get_field_by_name("items").as_deref() {
                Some(Field::List(items)) => Value::Array(
                    items
                        .iter()
                        .map(|v| self.element(v))
                        .collect::<Result<_, _>>()?,
                ),
                _ => Value::Array(Vec::new()),
            }));
        }
        self.message(m).map(Some)
    }

    /// A list element or map value: written even when zero or empty.
    fn element(&self, v: &Field) -> Result<Value, ProtobufError> {
        Ok(match v {
            Field::Message(m) => self.nested(m)?.unwrap_or(Value::Null),
            Field::List(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.element(v))
                    .collect::<Result<_, _>>()?,
            ),
            scalar => scalar_json(scalar),
        })
    }
}

/// go-to-protobuf's wrappers of named string slices, which JSON writes as
/// the bare array (`authentication/v1` and `authorization/v1`
/// `ExtraValue`, meta/v1 `Verbs`).
fn is_named_slice(name: &str, full_name: &str) -> bool {
    name == "ExtraValue" || full_name == "apimachinery.pkg.apis.meta.v1.Verbs"
}

/// The zero value of a scalar type, as Go's `omitempty` sees it.
fn is_zero(v: &Field) -> bool {
    match v {
        Field::Bool(b) => !b,
        Field::I32(n) | Field::EnumNumber(n) => *n == 0,
        Field::I64(n) => *n == 0,
        Field::U32(n) => *n == 0,
        Field::U64(n) => *n == 0,
        Field::F32(n) => *n == 0.0,
        Field::F64(n) => *n == 0.0,
        Field::String(s) => s.is_empty(),
        Field::Bytes(b) => b.is_empty(),
        Field::Message(_) | Field::List(_) | Field::Map(_) => false,
    }
}

/// A scalar's JSON: numbers, strings, and base64 for bytes.
fn scalar_json(v: &Field) -> Value {
    match v {
        Field::Bool(b) => Value::Bool(*b),
        Field::I32(n) | Field::EnumNumber(n) => Value::from(*n),
        Field::I64(n) => Value::from(*n),
        Field::U32(n) => Value::from(*n),
        Field::U64(n) => Value::from(*n),
        Field::F32(n) => Value::from(f64::from(*n)),
        Field::F64(n) => Value::from(*n),
        Field::String(s) => Value::from(s.as_str()),
        Field::Bytes(b) => Value::from(base64::engine::general_purpose::STANDARD.encode(b)),
        // Not scalars; the callers handle them before.
        Field::Message(_) | Field::List(_) | Field::Map(_) => Value::Null,
    }
}

/// A map key as a JSON object key.
fn key(k: &MapKey) -> String {
    match k {
        MapKey::String(s) => s.clone(),
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
    }
}
