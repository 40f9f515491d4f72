//! A stored object: its JSON value and its encoding, made once per write so
//! that lists and watch events copy bytes instead of re-serializing.

use bytes::Bytes;
use serde_json::Value;

/// One version of one object, immutable once stored.
#[derive(Debug)]
pub struct StoredObject {
    value: Value,
    json: Bytes,
    rv: u64,
}

impl StoredObject {
    /// Wraps `value` (which already carries `metadata.resourceVersion = rv`).
    pub fn new(value: Value, rv: u64) -> Self {
        let json = Bytes::from(serde_json::to_vec(&value).expect("a JSON value always serializes"));
        Self { value, json, rv }
    }

    /// The object.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The object encoded as compact JSON.
    pub fn json(&self) -> &Bytes {
        &self.json
    }

    /// The revision of the write that produced this version.
    pub fn resource_version(&self) -> u64 {
        self.rv
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        name(&self.value)
    }

    /// `metadata.namespace` (`""` for cluster-scoped objects).
    pub fn namespace(&self) -> &str {
        namespace(&self.value)
    }

    /// `metadata.uid`.
    pub fn uid(&self) -> &str {
        self.value["metadata"]["uid"].as_str().unwrap_or_default()
    }
}

/// Key of an object inside one resource type: (namespace, name).
pub type ObjectKey = (String, String);

/// `metadata.name` of a JSON object (`""` if absent).
pub fn name(obj: &Value) -> &str {
    obj["metadata"]["name"].as_str().unwrap_or_default()
}

/// `metadata.namespace` of a JSON object (`""` if absent).
pub fn namespace(obj: &Value) -> &str {
    obj["metadata"]["namespace"].as_str().unwrap_or_default()
}

/// `metadata` as a mutable map, created if missing.
pub fn metadata_mut(obj: &mut Value) -> &mut serde_json::Map<String, Value> {
    if !obj.is_object() {
        *obj = Value::Object(Default::default());
    }
    let map = obj.as_object_mut().expect("object");
    let meta = map
        .entry("metadata")
        .or_insert_with(|| Value::Object(Default::default()));
    if !meta.is_object() {
        *meta = Value::Object(Default::default());
    }
    meta.as_object_mut().expect("object")
}

/// The value at a dotted path (`spec.nodeName`), if present.
pub fn get_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(obj, |v, key| v.get(key))
}

/// Sets the value at a dotted path, creating intermediate objects.
pub fn set_path(obj: &mut Value, path: &str, value: Value) {
    let mut cur = obj;
    let mut parts = path.split('.').peekable();
    while let Some(key) = parts.next() {
        if !cur.is_object() {
            *cur = Value::Object(Default::default());
        }
        let map = cur.as_object_mut().expect("object");
        if parts.peek().is_none() {
            map.insert(key.to_string(), value);
            return;
        }
        cur = map
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Default::default()));
    }
}

/// The string finalizers in `metadata.finalizers`.
pub fn finalizers(obj: &Value) -> Vec<String> {
    obj["metadata"]["finalizers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The uids named in `metadata.ownerReferences`.
pub fn owner_uids(obj: &Value) -> Vec<String> {
    obj["metadata"]["ownerReferences"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["uid"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
