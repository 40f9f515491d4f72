//! The envelope of every Kubernetes protobuf body: the four bytes `k8s\0`,
//! then a `runtime.Unknown` message whose `typeMeta` names the kind and
//! whose `raw` holds the object's own message.
//!
//! The envelope is read with the `runtime.Unknown` descriptor like any other
//! message, so its field numbers come from the vendored `.proto` file.

use prost_reflect::{DynamicMessage, Value};

use super::{ProtobufError, descriptors};

/// The magic number in front of every protobuf body.
pub const MAGIC: &[u8; 4] = b"k8s\0";

/// What the envelope says.
#[derive(Debug, Default)]
pub struct Unknown {
    pub api_version: String,
    pub kind: String,
    pub raw: Vec<u8>,
}

/// Checks the magic number and reads the envelope after it.
pub fn open(body: &[u8]) -> Result<Unknown, ProtobufError> {
    let rest = body
        .strip_prefix(MAGIC.as_slice())
        .ok_or(ProtobufError::NoMagic(body.len()))?;
    let message =
        DynamicMessage::decode(descriptors::unknown(), rest).map_err(ProtobufError::Envelope)?;
    let encoding = string(&message, "contentEncoding");
    if !encoding.is_empty() {
        return Err(ProtobufError::ContentEncoding(encoding));
    }
    let content_type = string(&message, "contentType");
    if !content_type.is_empty() && content_type != super::MEDIA_TYPE {
        return Err(ProtobufError::ContentType(content_type));
    }
    let mut unknown = Unknown::default();
    if let Some(Value::Message(meta)) = message.get_field_by_name("typeMeta").as_deref() {
        unknown.api_version = string(meta, "apiVersion");
        unknown.kind = string(meta, "kind");
    }
    if let Some(Value::Bytes(raw)) = message.get_field_by_name("raw").as_deref() {
        unknown.raw = raw.to_vec();
    }
    Ok(unknown)
}

/// A string field of `message` ("" when unset).
fn string(message: &DynamicMessage, name: &str) -> String {
    match message.get_field_by_name(name).as_deref() {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}
