//! Response encoding (JSON objects, lists spliced from stored bytes, Tables)
//! and request body decoding (JSON, YAML or Kubernetes protobuf).

use std::sync::Arc;

use axum::body::Body;
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use chrono::{DateTime, Utc};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::ApiError;
use super::query::Query;
use crate::registry::ResourceType;
use crate::store::StoredObject;

/// Content type of Table responses.
pub const TABLE_CONTENT_TYPE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

/// True if the `Accept` header asks for a server-side Table.
pub fn wants_table(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("as=Table"))
}

/// A JSON response with `code`.
pub fn json_response(code: StatusCode, body: impl Into<Bytes>) -> Response {
    Response::builder()
        .status(code)
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(body.into()))
        .expect("valid response")
}

/// `{"kind":"PodList",...,"items":[…]}` spliced from the stored encodings.
pub fn list_json(
    rt: &ResourceType,
    rv: u64,
    continue_token: Option<&str>,
    items: &[Arc<StoredObject>],
) -> Bytes {
    let total: usize = items.iter().map(|o| o.json().len() + 1).sum();
    let mut b = BytesMut::with_capacity(total + 256);
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let Some(c) = continue_token {
        meta["continue"] = json!(c);
    }
    b.put_slice(
        format!(
            "{{\"kind\":\"{}List\",\"apiVersion\":\"{}\",\"metadata\":{},\"items\":[",
            rt.kind,
            rt.api_version(),
            meta
        )
        .as_bytes(),
    );
    for (i, o) in items.iter().enumerate() {
        if i > 0 {
            b.put_u8(b',');
        }
        b.put_slice(o.json());
    }
    b.put_slice(b"]}");
    b.freeze()
}

/// How much of each object a Table row carries (`includeObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    Metadata,
    Object,
}

impl IncludeObject {
    /// From the query (default Metadata).
    pub fn from_query(q: &Query) -> Self {
        match q.get("includeObject") {
            Some("None") => IncludeObject::None,
            Some("Object") => IncludeObject::Object,
            _ => IncludeObject::Metadata,
        }
    }
}

/// A `meta.k8s.io/v1` Table of `objects`.
pub fn table(
    rt: &ResourceType,
    objects: &[&Value],
    rv: Option<u64>,
    continue_token: Option<&str>,
    include: IncludeObject,
    now: DateTime<Utc>,
) -> Value {
    let group = &rt.group;
    let columns = crate::table::column_definitions(group, &rt.kind);
    let rows: Vec<Value> = objects
        .iter()
        .map(|o| {
            let mut row = json!({"cells": crate::table::row_cells(group, &rt.kind, o, now)});
            let conditions = crate::table::row_conditions(group, &rt.kind, o);
            if !conditions.is_empty() {
                row["conditions"] = json!(conditions);
            }
            match include {
                IncludeObject::None => {}
                IncludeObject::Metadata => {
                    row["object"] = json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o["metadata"]});
                }
                IncludeObject::Object => row["object"] = (*o).clone(),
            }
            row
        })
        .collect();
    let mut meta = json!({});
    if let Some(rv) = rv {
        meta["resourceVersion"] = json!(rv.to_string());
    }
    if let Some(c) = continue_token {
        meta["continue"] = json!(c);
    }
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta, "columnDefinitions": columns, "rows": rows})
}

/// A Table response.
pub fn table_response(table: &Value) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, TABLE_CONTENT_TYPE)
        .body(Body::from(table.to_string()))
        .expect("valid response")
}

/// Decodes a request body by its `Content-Type` (JSON, YAML or protobuf).
pub fn decode_body(headers: &HeaderMap, body: &[u8], rt: &ResourceType) -> Result<Value, ApiError> {
    let ct = content_type(headers);
    let value: Value = if is_protobuf(&ct) {
        decode_protobuf(body, (&rt.api_version(), &rt.kind))?
    } else if ct.contains("yaml") {
        let text = std::str::from_utf8(body)
            .map_err(|e| ApiError::bad_request(format!("the request body is not UTF-8: {e}")))?;
        serde_saphyr::from_str(text)
            .map_err(|e| ApiError::bad_request(format!("error converting YAML to JSON: {e}")))?
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(format!(
                "the object provided is unrecognized (must be of type {}): couldn't get version/kind; json parse error: {e}",
                rt.kind
            ))
        })?
    };
    if !value.is_object() {
        return Err(ApiError::bad_request(format!(
            "the object provided is unrecognized (must be of type {}): couldn't get version/kind; json parse error: expected an object",
            rt.kind
        )));
    }
    Ok(value)
}

/// True for `application/vnd.kubernetes.protobuf` (with any parameters).
pub fn is_protobuf(content_type: &str) -> bool {
    content_type.split(';').next().unwrap_or_default().trim() == super::protobuf::MEDIA_TYPE
}

/// Decodes a protobuf body into the JSON object a JSON body would hold;
/// `default` (`(apiVersion, kind)`) stands in for an envelope that names
/// no type. A malformed body is the client's fault: 400, never a panic.
pub fn decode_protobuf(body: &[u8], default: (&str, &str)) -> Result<Value, ApiError> {
    super::protobuf::decode(body, default).map_err(|e| {
        ApiError::bad_request(format!(
            "the object provided is unrecognized (must be of type {}): couldn't decode the protobuf body: {e}",
            default.1
        ))
    })
}

/// The request's `Content-Type` (lower case, without parameters kept apart).
pub fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_ascii_lowercase()
}
