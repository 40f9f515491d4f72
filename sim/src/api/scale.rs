//! The `scale` subresource: an `autoscaling/v1` Scale view of a workload's
//! replica counts, readable, replaceable and patchable.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use super::ApiError;
use super::encode::json_response;
use super::handlers::Ctx;
use crate::patch::{self, PatchType};
use crate::registry::ResourceType;
use crate::store::object::{get_path, set_path};
use crate::store::{StoreError, Target};

/// GET, PUT or PATCH `…/{name}/scale`.
pub(super) fn serve(ctx: &Ctx<'_>, body: &[u8]) -> Result<Response, ApiError> {
    let store = &ctx.state.store;
    let id = ctx.rt.id();
    let (ns, name) = (&ctx.info.namespace, &ctx.info.name);
    let current = store.get(&id, ns, name)?;
    if ctx.info.verb == "get" {
        return Ok(json_response(
            StatusCode::OK,
            scale_of(ctx.rt, current.value()).to_string(),
        ));
    }
    let scale = scale_of(ctx.rt, current.value());
    // A PUT pins the resourceVersion its body carries; a patch only the one
    // the patch itself sets (the patched Scale carries the current one,
    // which must not turn a controller's concurrent write into a 409).
    let mut pinned_by_patch = None;
    let wanted: Value = if ctx.info.verb == "update" {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding Scale: {e}")))?
    } else {
        let patch: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
        pinned_by_patch = Some(patch["metadata"]["resourceVersion"].clone());
        let ct = super::encode::content_type(ctx.headers);
        let ty = if ct.starts_with("application/json-patch+json") {
            PatchType::Json
        } else {
            PatchType::Merge
        };
        patch::apply(ty, &scale, &patch, "autoscaling", "Scale")
            .map_err(|e| ApiError::new(e.status_code(), e.reason(), e.to_string()))?
    };
    let replicas = wanted["spec"]["replicas"].as_i64().ok_or_else(|| {
        ApiError::from(StoreError::Invalid {
            kind: "Scale".into(),
            group: "autoscaling".into(),
            name: name.clone(),
            causes: vec![crate::store::Cause {
                reason: "FieldValueRequired".into(),
                message: "Required value".into(),
                field: "spec.replicas".into(),
            }],
        })
    })?;
    if replicas < 0 {
        return Err(ApiError::new(
            422,
            "Invalid",
            format!(
                "Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"
            ),
        ));
    }
    let pinned = pinned_by_patch
        .as_ref()
        .unwrap_or(&wanted["metadata"]["resourceVersion"])
        .as_str()
        .filter(|rv| !rv.is_empty())
        .map(str::to_string);
    let path = spec_replicas_path(ctx.rt);
    let updated = match pinned {
        Some(rv) => {
            let mut obj = current.value().clone();
            obj["metadata"]["resourceVersion"] = json!(rv);
            set_path(&mut obj, &path, json!(replicas));
            store.update(&id, ns, obj, Target::Main, ctx.write_options())?
        }
        None => store.modify(&id, ns, name, Target::Main, |o| {
            set_path(o, &path, json!(replicas));
            Ok(())
        })?,
    };
    Ok(json_response(
        StatusCode::OK,
        scale_of(ctx.rt, updated.value()).to_string(),
    ))
}

fn spec_replicas_path(rt: &ResourceType) -> String {
    rt.scale_paths
        .as_ref()
        .map(|p| p.spec_replicas.clone())
        .unwrap_or_else(|| "spec.replicas".into())
}

/// The Scale view of `obj`.
fn scale_of(rt: &ResourceType, obj: &Value) -> Value {
    let (spec, status, selector) = match &rt.scale_paths {
        Some(p) => (
            get_path(obj, &p.spec_replicas).cloned(),
            get_path(obj, &p.status_replicas).cloned(),
            p.label_selector
                .as_ref()
                .and_then(|l| get_path(obj, l))
                .and_then(Value::as_str)
                .map(str::to_string),
        ),
        None => (
            obj["spec"]["replicas"].as_i64().map(Value::from),
            obj["status"]["replicas"].as_i64().map(Value::from),
            Some(selector_string(&obj["spec"]["selector"])),
        ),
    };
    let m = &obj["metadata"];
    let mut s = json!({
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": m["name"], "namespace": m["namespace"], "uid": m["uid"], "resourceVersion": m["resourceVersion"], "creationTimestamp": m["creationTimestamp"]},
        "spec": {"replicas": spec.unwrap_or(json!(0))},
        "status": {"replicas": status.unwrap_or(json!(0))},
    });
    if let Some(sel) = selector.filter(|s| !s.is_empty()) {
        s["status"]["selector"] = json!(sel);
    }
    s
}

/// A `metav1.LabelSelector` in its string form (`app=web,tier in (a,b)`).
pub fn selector_string(sel: &Value) -> String {
    let mut parts: Vec<String> = sel["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let key = e["key"].as_str().unwrap_or_default();
        let values: Vec<&str> = e["values"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        parts.push(match e["operator"].as_str().unwrap_or_default() {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            _ => format!("!{key}"),
        });
    }
    parts.join(",")
}
