//! Status conditions (`type`/`status`/`reason`/`message`), set the way
//! upstream controllers do: `lastTransitionTime` moves only when `status`
//! changes.

use serde_json::{Value, json};

/// Sets condition `ty` in `status.conditions` (created if missing). Returns
/// true if anything changed.
pub fn set(
    status: &mut Value,
    ty: &str,
    value: &str,
    reason: Option<&str>,
    message: Option<&str>,
    now: &str,
) -> bool {
    if !status.is_object() {
        *status = json!({});
    }
    if !status["conditions"].is_array() {
        status["conditions"] = json!([]);
    }
    let conditions = status["conditions"].as_array_mut().expect("array");
    let mut wanted =
        json!({"type": ty, "status": value, "lastProbeTime": null, "lastTransitionTime": now});
    if let Some(r) = reason {
        wanted["reason"] = json!(r);
    }
    if let Some(m) = message {
        wanted["message"] = json!(m);
    }
    match conditions.iter_mut().find(|c| c["type"] == ty) {
        Some(existing) => {
            if existing["status"] == value {
                wanted["lastTransitionTime"] = existing["lastTransitionTime"].clone();
            }
            if existing.get("lastHeartbeatTime").is_some() {
                wanted["lastHeartbeatTime"] = json!(now);
                wanted.as_object_mut().map(|m| m.remove("lastProbeTime"));
            }
            let same = ["status", "reason", "message"]
                .iter()
                .all(|k| existing.get(*k) == wanted.get(*k));
            if same {
                return false;
            }
            *existing = wanted;
            true
        }
        None => {
            conditions.push(wanted);
            true
        }
    }
}

/// The `status` of condition `ty`, if present.
pub fn status_of<'a>(status: &'a Value, ty: &str) -> Option<&'a str> {
    status["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == ty)?["status"]
        .as_str()
}
