//! `POST …/pods/{name}/eviction` (policy/v1 `Eviction`): deleting a pod
//! only if no PodDisruptionBudget forbids it. `kubectl drain` evicts
//! through it and retries while it answers 429.
//!
//! A port of kube-apiserver's `pkg/registry/core/pod/storage/eviction.go`
//! (`EvictionREST.Create`, `canIgnorePDB`, `checkAndDecrement`, the
//! `IfHealthyBudget` unhealthy-pod policy): terminal, pending and
//! terminating pods are deleted at once; otherwise the one budget that
//! selects the pod must allow a disruption, which is taken from its status
//! (and the pod recorded in `status.disruptedPods`) in the same write, so
//! two evictions cannot both spend the last one. The disruption controller
//! (`cluster/controllers/disruption.rs`) recomputes the budget afterwards.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};

use super::ApiError;
use super::encode::{self, json_response};
use super::handlers::{Ctx, delete_options_from};
use crate::registry::builtin::ids;
use crate::store::{LabelSelector, StoreError, StoredObject, Target};

/// Upstream's refusal (`policy/v1` `DisruptionBudgetCause`).
pub const VIOLATES_BUDGET: &str =
    "Cannot evict pod as it would violate the pod's disruption budget.";

/// Serves an eviction of the pod named in the URL.
pub fn serve(ctx: &Ctx, body: &[u8]) -> Result<Response, ApiError> {
    let eviction = encode::decode_body(ctx.headers, body, ctx.rt)?;
    let name = eviction["metadata"]["name"].as_str().unwrap_or_default();
    if name != ctx.info.name {
        return Err(ApiError::bad_request(
            "name in URL does not match name in Eviction object",
        ));
    }
    let opts = delete_options_from(ctx.query, &eviction["deleteOptions"])?;
    let store = &ctx.state.store;
    let ns = ctx.info.namespace.as_str();
    let pod = store.get(&ids::pods(), ns, name)?;
    if !can_ignore_budgets(pod.value()) {
        spend_disruption(ctx, &pod, opts.dry_run)?;
    }
    if !opts.dry_run {
        mark_disruption_target(ctx, &pod);
        store.delete(&ids::pods(), ns, name, &opts)?;
    }
    Ok(json_response(
        StatusCode::CREATED,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201})
            .to_string(),
    ))
}

/// Terminal, pending and terminating pods disrupt nothing more.
fn can_ignore_budgets(pod: &Value) -> bool {
    matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded" | "Failed" | "Pending")
    ) || !pod["metadata"]["deletionTimestamp"].is_null()
}

/// Takes one allowed disruption from the budget that selects `pod`, or
/// says why the eviction must wait.
fn spend_disruption(ctx: &Ctx, pod: &StoredObject, dry_run: bool) -> Result<(), ApiError> {
    let store = &ctx.state.store;
    let ns = pod.namespace();
    let budgets: Vec<_> = store
        .list(
            &ids::poddisruptionbudgets(),
            &crate::store::ListOptions {
                namespace: Some(ns.to_owned()),
                ..Default::default()
            },
        )?
        .items
        .into_iter()
        .filter(|b| {
            let sel = &b.value()["spec"]["selector"];
            sel.is_object() && LabelSelector::from_json(sel).matches(pod.value())
        })
        .collect();
    let budget = match budgets.as_slice() {
        [] => return Ok(()),
        [one] => one.name().to_owned(),
        _ => {
            return Err(ApiError::new(
                500,
                "",
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            ));
        }
    };
    let now = store.clock().now_rfc3339();
    let mut refusal = None;
    let result = store.modify(
        &ids::poddisruptionbudgets(),
        ns,
        &budget,
        Target::Status,
        |pdb| match check(pdb, pod) {
            Check::Skip => Ok(()),
            Check::Refuse(e) => {
                refusal = Some(e);
                Err(StoreError::Internal("refused".into()))
            }
            Check::Spend if dry_run => Ok(()),
            Check::Spend => {
                let status = &mut pdb["status"];
                status["disruptionsAllowed"] =
                    json!(status["disruptionsAllowed"].as_i64().unwrap_or(0) - 1);
                status["disruptedPods"][pod.name()] = json!(now);
                Ok(())
            }
        },
    );
    match (refusal, result) {
        (Some(e), _) => Err(e),
        (None, r) => r.map(|_| ()).map_err(ApiError::from),
    }
}

enum Check {
    /// The pod may go without spending a disruption.
    Skip,
    Spend,
    Refuse(ApiError),
}

/// `checkAndDecrement` plus the `IfHealthyBudget` policy for unready pods.
fn check(pdb: &Value, pod: &StoredObject) -> Check {
    let status = &pdb["status"];
    let int = |f: &str| status[f].as_i64().unwrap_or(0);
    let observed = int("observedGeneration");
    let generation = pdb["metadata"]["generation"].as_i64().unwrap_or(0);
    let name = pdb["metadata"]["name"].as_str().unwrap_or_default();
    if observed < generation {
        return Check::Refuse(too_many_requests(format!(
            "The disruption budget {name} is still being processed by the server."
        )));
    }
    let (healthy, desired) = (int("currentHealthy"), int("desiredHealthy"));
    let always = pdb["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow";
    if !is_ready(pod.value()) && (always || (healthy >= desired && desired > 0)) {
        return Check::Skip;
    }
    let allowed = int("disruptionsAllowed");
    if allowed < 0 {
        return Check::Refuse(ApiError::new(
            403,
            "Forbidden",
            "pdb disruptions allowed is negative",
        ));
    }
    if allowed == 0 {
        return Check::Refuse(too_many_requests(format!(
            "The disruption budget {name} needs {desired} healthy pods and has {healthy} currently"
        )));
    }
    Check::Spend
}

fn is_ready(pod: &Value) -> bool {
    pod["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

/// 429 with upstream's message and the budget's reason as the cause; no
/// `Retry-After`, so clients (kubectl drain) retry on their own schedule.
fn too_many_requests(cause: String) -> ApiError {
    let mut e = ApiError::new(429, "TooManyRequests", VIOLATES_BUDGET);
    e.details = json!({"causes": [{"reason": "DisruptionBudget", "message": cause}]});
    e
}

/// The `DisruptionTarget` condition upstream sets before deleting.
fn mark_disruption_target(ctx: &Ctx, pod: &StoredObject) {
    let now = ctx.state.store.clock().now_rfc3339();
    let _ = ctx.state.store.modify(
        &ids::pods(),
        pod.namespace(),
        pod.name(),
        Target::Status,
        |p| {
            let condition = json!({"type": "DisruptionTarget", "status": "True",
                "reason": "EvictionByEvictionAPI", "message": "Eviction API: evicting",
                "lastProbeTime": null, "lastTransitionTime": now});
            let conditions = &mut p["status"]["conditions"];
            if !conditions.is_array() {
                *conditions = json!([]);
            }
            let list = conditions.as_array_mut().expect("an array");
            list.retain(|c| c["type"] != "DisruptionTarget");
            list.push(condition);
            Ok(())
        },
    );
}
