//! Helpers the controllers share: owner references, adoption, pod state
//! (active, ready, available), pod-template hashes, int-or-percent values
//! and status conditions — the parts of upstream's `controller_utils` the
//! simulated controllers need.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::runtime::Key;
use crate::clock::parse_time;
use crate::registry::ResourceId;
use crate::store::object::{name, namespace};
use crate::store::{
    DeleteOptions, LabelSelector, ListOptions, Propagation, Store, StoreError, StoredObject, Target,
};

/// The ownerReference (controller, blocking owner deletion) a controller
/// puts on what it creates.
pub fn owner_reference(owner: &Value) -> Value {
    json!({
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// The ownerReference with `controller: true`, if any.
pub fn controller_ref(obj: &Value) -> Option<&Value> {
    obj["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
}

/// True if `obj` is controlled by the object with `uid`.
pub fn controlled_by(obj: &Value, uid: &str) -> bool {
    controller_ref(obj).is_some_and(|r| r["uid"] == uid)
}

/// True if `deletionTimestamp` is set.
pub fn is_terminating(obj: &Value) -> bool {
    obj["metadata"]
        .get("deletionTimestamp")
        .is_some_and(|d| !d.is_null())
}

/// `status.phase` of a pod.
pub fn phase(pod: &Value) -> &str {
    pod["status"]["phase"].as_str().unwrap_or("Pending")
}

/// A pod that counts towards a controller's replicas: not terminating, not
/// finished.
pub fn is_pod_active(pod: &Value) -> bool {
    !is_terminating(pod) && !matches!(phase(pod), "Succeeded" | "Failed")
}

/// The pod's `Ready` condition is True.
pub fn is_pod_ready(pod: &Value) -> bool {
    condition(pod, "Ready").is_some_and(|c| c["status"] == "True")
}

/// Running and Ready (what StatefulSets wait for).
pub fn is_running_and_ready(pod: &Value) -> bool {
    phase(pod) == "Running" && is_pod_ready(pod)
}

/// Ready for at least `min_ready` seconds at `now`.
pub fn is_pod_available(pod: &Value, min_ready: i64, now: DateTime<Utc>) -> bool {
    if !is_pod_ready(pod) {
        return false;
    }
    if min_ready <= 0 {
        return true;
    }
    ready_since(pod).is_some_and(|t| t + chrono::Duration::seconds(min_ready) <= now)
}

/// When the pod last became Ready.
pub fn ready_since(pod: &Value) -> Option<DateTime<Utc>> {
    condition(pod, "Ready")?["lastTransitionTime"]
        .as_str()
        .and_then(parse_time)
}

/// Seconds until a ready pod becomes available (None if not ready or
/// already available).
pub fn until_available(pod: &Value, min_ready: i64, now: DateTime<Utc>) -> Option<i64> {
    if min_ready <= 0 || !is_pod_ready(pod) {
        return None;
    }
    let at = ready_since(pod)? + chrono::Duration::seconds(min_ready);
    (at > now).then(|| (at - now).num_seconds() + 1)
}

/// The condition of `type` in `status.conditions`.
pub fn condition<'a>(obj: &'a Value, ty: &str) -> Option<&'a Value> {
    obj["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == ty)
}

/// Sets a condition in `status.conditions`: `lastTransitionTime` changes
/// only when the status does; `lastUpdateTime` (Deployments) when anything
/// does.
pub fn set_condition(
    status: &mut Value,
    ty: &str,
    value: &str,
    reason: &str,
    message: &str,
    now: &str,
    update_time: bool,
) {
    if !status["conditions"].is_array() {
        status["conditions"] = json!([]);
    }
    let conds = status["conditions"].as_array_mut().expect("array");
    let mut cond = json!({"type": ty, "status": value, "reason": reason, "message": message});
    if let Some(old) = conds.iter_mut().find(|c| c["type"] == ty) {
        let same_status = old["status"] == value;
        let unchanged = same_status && old["reason"] == reason && old["message"] == message;
        cond["lastTransitionTime"] = if same_status {
            old["lastTransitionTime"].clone()
        } else {
            json!(now)
        };
        if update_time {
            cond["lastUpdateTime"] = if unchanged {
                old["lastUpdateTime"].clone()
            } else {
                json!(now)
            };
        }
        if old.get("lastProbeTime").is_some() {
            cond["lastProbeTime"] = old["lastProbeTime"].clone();
        }
        *old = cond;
    } else {
        cond["lastTransitionTime"] = json!(now);
        if update_time {
            cond["lastUpdateTime"] = json!(now);
        }
        conds.push(cond);
    }
}

/// Objects of `id` in `ns`.
pub fn list_ns(store: &Store, id: &ResourceId, ns: &str) -> Vec<Arc<StoredObject>> {
    store
        .list(
            id,
            &ListOptions {
                namespace: Some(ns.to_string()),
                ..Default::default()
            },
        )
        .map(|l| l.items)
        .unwrap_or_default()
}

/// Keys of the objects of `owner_type` in `obj`'s namespace whose selector
/// matches `obj` (candidates to adopt an orphan).
pub fn matching_owners(store: &Store, owner_type: &ResourceId, obj: &Value) -> Vec<Key> {
    let ns = namespace(obj);
    list_ns(store, owner_type, ns)
        .iter()
        .filter(|o| {
            let sel = &o.value()["spec"]["selector"];
            sel.is_object() && selector_matches(sel, obj)
        })
        .map(|o| (ns.to_string(), o.name().to_string()))
        .collect()
}

/// True if a non-empty `metav1.LabelSelector` matches the object's labels
/// (an empty selector selects nothing for controllers, as upstream).
pub fn selector_matches(selector: &Value, obj: &Value) -> bool {
    let sel = LabelSelector::from_json(selector);
    !sel.is_empty() && sel.matches(obj)
}

/// The objects of `id` that `owner` controls, after adopting orphans that
/// match its selector and releasing owned ones that no longer do (like
/// upstream's ControllerRefManager).
pub fn claim(
    store: &Store,
    id: &ResourceId,
    owner: &Value,
    selector: &Value,
) -> Result<Vec<Value>, StoreError> {
    let ns = namespace(owner);
    let uid = owner["metadata"]["uid"].as_str().unwrap_or_default();
    let owner_deleting = is_terminating(owner);
    let mut owned = Vec::new();
    for item in list_ns(store, id, ns) {
        let obj = item.value();
        let matches = selector_matches(selector, obj);
        match controller_ref(obj) {
            Some(r) if r["uid"] == uid => {
                if matches || owner_deleting {
                    owned.push(obj.clone());
                } else {
                    let _ = store.modify(id, ns, name(obj), Target::Main, |o| {
                        if let Some(refs) = o["metadata"]["ownerReferences"].as_array_mut() {
                            refs.retain(|r| r["uid"] != uid);
                        }
                        Ok(())
                    });
                }
            }
            Some(_) => {}
            None if matches && !owner_deleting && !is_terminating(obj) => {
                let reference = owner_reference(owner);
                if let Ok(adopted) = store.modify(id, ns, name(obj), Target::Main, |o| {
                    if controller_ref(o).is_some() {
                        return Ok(());
                    }
                    let refs = o["metadata"]["ownerReferences"].take();
                    let mut refs = refs.as_array().cloned().unwrap_or_default();
                    refs.push(reference.clone());
                    o["metadata"]["ownerReferences"] = Value::Array(refs);
                    Ok(())
                }) && controlled_by(adopted.value(), uid)
                {
                    owned.push(adopted.value().clone());
                }
            }
            None => {}
        }
    }
    Ok(owned)
}

/// A new pod from a controller's pod template.
pub fn pod_from_template(template: &Value, owner: &Value) -> Value {
    let mut meta = json!({"ownerReferences": [owner_reference(owner)]});
    for k in ["labels", "annotations", "finalizers"] {
        if let Some(v) = template["metadata"].get(k).filter(|v| !v.is_null()) {
            meta[k] = v.clone();
        }
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": template["spec"].clone()})
}

/// Deletes an object the controller owns (Background propagation); a pod
/// that is already gone is not an error.
pub fn delete(store: &Store, id: &ResourceId, ns: &str, name: &str) -> Result<(), StoreError> {
    match store.delete(
        id,
        ns,
        name,
        &DeleteOptions {
            propagation: Some(Propagation::Background),
            ..Default::default()
        },
    ) {
        Ok(_) | Err(StoreError::NotFound { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Resolves an int-or-percent (`maxSurge: 25%`) against `total`, rounding a
/// percentage up or down as upstream's `GetScaledValueFromIntOrPercent`.
pub fn int_or_percent(v: &Value, total: i64, round_up: bool) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => {
            let Some(p) = s
                .strip_suffix('%')
                .and_then(|p| p.trim().parse::<i64>().ok())
            else {
                return s.parse().unwrap_or(0);
            };
            if round_up {
                (p * total + 99) / 100
            } else {
                p * total / 100
            }
        }
        _ => 0,
    }
}

/// A copy without nulls, empty objects and empty arrays: what a typed
/// client's round trip (`omitempty`) leaves, so a template kubectl copied
/// back (`rollout undo`) equals the stored one.
pub fn normalized(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), normalized(v)))
                .filter(|(_, v)| !is_empty_value(v))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// A JSON value printed with sorted keys, so equal objects hash equally
/// whatever order their fields were written in.
pub fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", Value::String((*k).clone()), canonical(&m[*k])))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// FNV-32a of the canonical form of `v` plus an optional collision count,
/// encoded like upstream's `rand.SafeEncodeString` of the decimal hash
/// (`5d8f9c7b6`-style names without vowels).
pub fn hash_value(v: &Value, collision_count: Option<i64>) -> String {
    let mut text = canonical(&normalized(v));
    if let Some(c) = collision_count.filter(|c| *c > 0) {
        text.push_str(&c.to_string());
    }
    let hash = text.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    safe_encode(&hash.to_string())
}

/// Upstream's `rand.SafeEncodeString`: each byte mapped onto an alphabet
/// without vowels or look-alike characters.
pub fn safe_encode(s: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHABET[usize::from(b) % ALPHABET.len()] as char)
        .collect()
}

/// A timestamp at `path` (`metadata.creationTimestamp`).
pub fn time_at(obj: &Value, path: &str) -> Option<DateTime<Utc>> {
    crate::store::object::get_path(obj, path)?
        .as_str()
        .and_then(parse_time)
}

/// An integer field, or `default`.
pub fn int(v: &Value, default: i64) -> i64 {
    v.as_i64().unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_like_upstream() {
        assert_eq!(int_or_percent(&json!("25%"), 3, true), 1);
        assert_eq!(int_or_percent(&json!("25%"), 3, false), 0);
        assert_eq!(int_or_percent(&json!("50%"), 10, false), 5);
        assert_eq!(int_or_percent(&json!(2), 10, false), 2);
    }

    #[test]
    fn hash_ignores_key_order() {
        let a = json!({"a": 1, "b": {"c": [1, 2], "d": "x"}});
        let b: Value = serde_json::from_str(r#"{"b": {"d": "x", "c": [1, 2]}, "a": 1}"#).unwrap();
        assert_eq!(hash_value(&a, None), hash_value(&b, None));
        assert_ne!(hash_value(&a, None), hash_value(&a, Some(1)));
        assert!(
            hash_value(&a, None)
                .chars()
                .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c))
        );
    }
}
