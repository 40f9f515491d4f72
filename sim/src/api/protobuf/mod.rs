//! Request bodies in `application/vnd.kubernetes.protobuf`, turned into the
//! same JSON objects a JSON body would give, so every handler serves them
//! unchanged (responses stay JSON).
//!
//! kubectl sends protobuf from every command built on the typed clientset
//! (`create namespace/deployment/configmap/secret/job`, `auth can-i`,
//! `drain`'s evictions and deletes) and does not fall back to JSON on 415.
//!
//! Nothing here is written per kind: the vendored Kubernetes `.proto` files
//! (`sim/proto/`) are compiled into descriptors at build time (`build.rs`),
//! a body is decoded into a dynamic message of its kind's descriptor
//! ([`prost_reflect`]) and one converter walks it by field name. Only the
//! apimachinery types whose JSON form is not their message shape (times,
//! quantities, int-or-string, raw extensions) are spelled out
//! ([`special`]).
//!
//! - [`envelope`]: the `k8s\0` magic and the `runtime.Unknown` wrapper.
//! - [`descriptors`]: the compiled descriptors, and the message of a kind.
//! - [`to_json`]: message → JSON, omitting what Go's JSON omits.
//! - [`presence`]: which zero values a client meant (Go pointer fields).
//! - [`embedded`]: Go structs embedded inline, lifted into their parent.

mod descriptors;
mod embedded;
mod envelope;
mod presence;
mod special;
mod to_json;

use serde_json::Value;

/// The media type of protobuf bodies.
pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// How deep `RawExtension`s may nest further protobuf envelopes.
const MAX_NESTED_ENVELOPES: usize = 8;

/// Why a protobuf body could not be read. Each is the client's fault (400).
#[derive(Debug, thiserror::Error)]
pub enum ProtobufError {
    #[error(
        "the body does not start with the Kubernetes protobuf magic number (k8s\\0); it is {0} bytes long"
    )]
    NoMagic(usize),
    #[error("the runtime.Unknown envelope is malformed: {0}")]
    Envelope(prost::DecodeError),
    #[error("the envelope's raw object is encoded with {0:?}, which is not supported")]
    ContentEncoding(String),
    #[error("the envelope's raw object has content type {0:?}, which is not supported")]
    ContentType(String),
    #[error("no kind {kind:?} is registered for version {api_version:?}")]
    UnknownKind { api_version: String, kind: String },
    #[error("the {kind} message is malformed: {source}")]
    Message {
        kind: String,
        source: prost::DecodeError,
    },
    #[error("a {type_name} value is malformed: {why}")]
    BadValue { type_name: String, why: String },
    #[error("RawExtensions nest protobuf envelopes more than {MAX_NESTED_ENVELOPES} deep")]
    TooDeep,
}

/// Decodes a protobuf body into its JSON object, with `apiVersion` and
/// `kind` from the envelope (or `default`, `(apiVersion, kind)`, when the
/// envelope leaves them empty).
pub fn decode(body: &[u8], default: (&str, &str)) -> Result<Value, ProtobufError> {
    decode_nested(body, default, 0)
}

/// [`decode`] at a nesting `depth` of envelopes (inside RawExtensions).
fn decode_nested(body: &[u8], default: (&str, &str), depth: usize) -> Result<Value, ProtobufError> {
    if depth > MAX_NESTED_ENVELOPES {
        return Err(ProtobufError::TooDeep);
    }
    let unknown = envelope::open(body)?;
    let api_version = if unknown.api_version.is_empty() {
        default.0
    } else {
        unknown.api_version.as_str()
    };
    let kind = if unknown.kind.is_empty() {
        default.1
    } else {
        unknown.kind.as_str()
    };
    let desc =
        descriptors::message_for(api_version, kind).ok_or_else(|| ProtobufError::UnknownKind {
            api_version: api_version.to_owned(),
            kind: kind.to_owned(),
        })?;
    let message =
        prost_reflect::DynamicMessage::decode(desc, unknown.raw.as_slice()).map_err(|source| {
            ProtobufError::Message {
                kind: kind.to_owned(),
                source,
            }
        })?;
    let mut object = serde_json::Map::new();
    object.insert("apiVersion".into(), Value::from(api_version));
    object.insert("kind".into(), Value::from(kind));
    let converter = to_json::Converter { depth };
    if let Value::Object(fields) = converter.message(&message)? {
        object.extend(fields);
    }
    Ok(Value::Object(object))
}

#[cfg(test)]
mod captured;
#[cfg(test)]
mod tests;
