//! A whole object for a detail page: fetched from the cluster when asked
//! (caches keep rows only), without managedFields, and with a Secret's
//! values replaced by their sizes so no value leaves the server.

use serde_json::Value;

use crate::kind::KindInfo;

/// The annotation `kubectl apply` keeps the last applied object in; for a
/// Secret it holds the values, so it is redacted with them.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Removes what a detail page must not show: `metadata.managedFields`
/// always, a Secret's values unless `reveal_secrets`.
pub fn sanitize(kind: &KindInfo, mut object: Value, reveal_secrets: bool) -> Value {
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    if is_secret(kind) && !reveal_secrets {
        redact_secret(&mut object);
    }
    object
}

/// Whether `kind` is the core Secret.
pub fn is_secret(kind: &KindInfo) -> bool {
    kind.key.group.is_empty() && kind.key.plural == "secrets"
}

fn redact_secret(object: &mut Value) {
    for field in ["data", "stringData"] {
        if let Some(values) = object.get_mut(field).and_then(Value::as_object_mut) {
            for value in values.values_mut() {
                let size = secret_size(value, field == "data");
                *value = Value::String(format!("<redacted: {size} bytes>"));
            }
        }
    }
    if let Some(annotations) = object
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
        && annotations.contains_key(LAST_APPLIED)
    {
        annotations.insert(LAST_APPLIED.into(), Value::String("<redacted>".into()));
    }
}

/// The decoded size of a value (base64 in `data`, plain in `stringData`).
pub fn secret_size(value: &Value, base64: bool) -> usize {
    let text = value.as_str().unwrap_or_default();
    if !base64 {
        return text.len();
    }
    let padding = text.bytes().rev().take_while(|b| *b == b'=').count();
    (text.len() / 4) * 3 - padding.min(2)
}

/// The YAML of an object, as a detail page shows it.
pub fn to_yaml(object: &Value) -> String {
    serde_saphyr::to_string(object).unwrap_or_else(|e| format!("# cannot render YAML: {e}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_secret_keeps_its_keys_and_sizes_but_no_value() {
        let kind = KindInfo::builtin("", "v1", "secrets", "Secret", true);
        let secret = json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db", "managedFields": [{"manager": "kubectl"}],
                "annotations": {LAST_APPLIED: "{\"data\":{\"password\":\"aHVudGVyMg==\"}}"}},
            "data": {"password": "aHVudGVyMg=="},
            "stringData": {"token": "s3cr3t"}
        });
        let shown = sanitize(&kind, secret, false);
        let text = shown.to_string();
        assert!(!text.contains("aHVudGVyMg"), "{text}");
        assert!(!text.contains("hunter2"));
        assert!(!text.contains("s3cr3t"));
        assert!(!text.contains("managedFields"));
        assert_eq!(shown["data"]["password"], "<redacted: 7 bytes>");
        assert_eq!(shown["stringData"]["token"], "<redacted: 6 bytes>");
    }

    #[test]
    fn other_kinds_lose_only_managed_fields() {
        let kind = KindInfo::builtin("", "v1", "configmaps", "ConfigMap", true);
        let cm = json!({"metadata": {"name": "x", "managedFields": []}, "data": {"k": "v"}});
        let shown = sanitize(&kind, cm, false);
        assert_eq!(
            shown,
            json!({"metadata": {"name": "x"}, "data": {"k": "v"}})
        );
    }
}
