//! The disruption controller: keeps each PodDisruptionBudget's status —
//! `expectedPods`, `desiredHealthy`, `currentHealthy`, `disruptionsAllowed`,
//! `disruptedPods` and the `DisruptionAllowed` condition — current, so the
//! eviction subresource (`api/eviction.rs`) decides from the status alone,
//! as upstream's does.
//!
//! A port of kube-controller-manager's `pkg/controller/disruption/
//! disruption.go` (`trySync`, `getExpectedPodCount`, `getExpectedScale`,
//! `countHealthyPods`, `buildDisruptedPodMap`, `updatePdbStatus`). Scale
//! comes from the pods' controllers (Deployment through its ReplicaSet,
//! ReplicaSet, StatefulSet); pods of other controllers and bare pods count
//! for an integer `minAvailable` only, where upstream would also ask a
//! custom controller's scale subresource.
//!
//! Unlike the older controllers this one reconciles on k8s-openapi types:
//! JSON stays at the store boundary.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use super::runtime::{Controller, Key, Queue, Requeue, own_key};
use super::util::{controller_ref, int, int_or_percent, list_ns};
use crate::cluster::ClusterContext;
use crate::registry::builtin::ids;
use crate::store::{LabelSelector, Store, StoreError, Target};

/// How long an eviction the controller has not yet seen completed keeps its
/// pod out of `currentHealthy` (upstream's `DeletionTimeout`, 2 minutes).
pub const DELETION_TIMEOUT: Duration = Duration::from_secs(120);

/// Builds the controller.
pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    let all_budgets = budgets_of_namespace();
    Controller {
        name: "disruption",
        queue: Queue::new(ctx.clock.clone()),
        watches: vec![
            (ids::poddisruptionbudgets(), own_key()),
            (ids::pods(), budgets_of_pod()),
            (ids::replicasets(), all_budgets.clone()),
            (ids::deployments(), all_budgets.clone()),
            (ids::statefulsets(), all_budgets),
        ],
        reconcile: Arc::new(move |key: &Key| reconcile(&store, key)),
    }
}

/// Pods → the budgets in their namespace whose selector matches them.
fn budgets_of_pod() -> super::runtime::Mapper {
    Arc::new(|store, _, pod| {
        let ns = crate::store::object::namespace(pod);
        list_ns(store, &ids::poddisruptionbudgets(), ns)
            .iter()
            .filter(|b| selects(&b.value()["spec"]["selector"], pod))
            .map(|b| (ns.to_owned(), b.name().to_owned()))
            .collect()
    })
}

/// Scale owners → every budget in their namespace.
fn budgets_of_namespace() -> super::runtime::Mapper {
    Arc::new(|store, _, obj| {
        let ns = crate::store::object::namespace(obj);
        list_ns(store, &ids::poddisruptionbudgets(), ns)
            .iter()
            .map(|b| (ns.to_owned(), b.name().to_owned()))
            .collect()
    })
}

/// policy/v1 selector semantics: null selects nothing, `{}` every pod.
pub fn selects(selector: &Value, pod: &Value) -> bool {
    selector.is_object() && LabelSelector::from_json(selector).matches(pod)
}

fn reconcile(store: &Store, (ns, name): &Key) -> Result<Requeue, StoreError> {
    let stored = store.get(&ids::poddisruptionbudgets(), ns, name)?;
    let Ok(pdb) = serde_json::from_value::<PodDisruptionBudget>(stored.value().clone()) else {
        tracing::debug!(?ns, ?name, "PodDisruptionBudget does not decode; skipped");
        return Ok(None);
    };
    let selector = &stored.value()["spec"]["selector"];
    let pods: Vec<(Value, Pod)> = list_ns(store, &ids::pods(), ns)
        .iter()
        .filter(|p| selects(selector, p.value()))
        .filter_map(|p| {
            let typed = serde_json::from_value(p.value().clone()).ok()?;
            Some((p.value().clone(), typed))
        })
        .collect();
    let now = store.clock().now();
    let (status, recheck) = compute_status(store, &pdb, &pods, now);
    let status = serde_json::to_value(status).map_err(|e| StoreError::Internal(e.to_string()))?;
    if stored.value()["status"] != status {
        store.modify(
            &ids::poddisruptionbudgets(),
            ns,
            name,
            Target::Status,
            |o| {
                o["status"] = status.clone();
                Ok(())
            },
        )?;
    }
    Ok(recheck)
}

/// The status `pdb` should have over `pods` (its selected pods, as stored
/// JSON and typed), and when to look again for an eviction to expire.
fn compute_status(
    store: &Store,
    pdb: &PodDisruptionBudget,
    pods: &[(Value, Pod)],
    now: DateTime<Utc>,
) -> (PodDisruptionBudgetStatus, Requeue) {
    let spec = pdb.spec.clone().unwrap_or_default();
    let old = pdb.status.clone().unwrap_or_default();
    let (expected, desired) = expected_and_desired(store, &spec, pods);
    let (disrupted, recheck) = live_disruptions(&old, pods, now);
    let healthy = pods
        .iter()
        .filter(|(_, p)| p.metadata.deletion_timestamp.is_none())
        .filter(|(_, p)| !disrupted.contains_key(p.metadata.name.as_deref().unwrap_or_default()))
        .filter(|(_, p)| is_ready(p))
        .count() as i32;
    let allowed = if expected <= 0 {
        0
    } else {
        (healthy - desired).max(0)
    };
    let status = PodDisruptionBudgetStatus {
        observed_generation: pdb.metadata.generation,
        disrupted_pods: (!disrupted.is_empty()).then_some(disrupted),
        disruptions_allowed: Some(allowed),
        current_healthy: Some(healthy),
        desired_healthy: Some(desired),
        expected_pods: Some(expected),
        conditions: Some(vec![allowed_condition(&old, allowed, pdb, now)]),
    };
    (status, recheck)
}

/// (expectedPods, desiredHealthy) as upstream's `getExpectedPodCount`.
fn expected_and_desired(
    store: &Store,
    spec: &k8s_openapi::api::policy::v1::PodDisruptionBudgetSpec,
    pods: &[(Value, Pod)],
) -> (i32, i32) {
    match (&spec.max_unavailable, &spec.min_available) {
        (Some(max), _) => {
            let expected = expected_scale(store, pods);
            let unavailable = scaled(max, expected, true);
            (expected, (expected - unavailable).max(0))
        }
        (None, Some(IntOrString::Int(min))) => (pods.len() as i32, *min),
        (None, Some(min @ IntOrString::String(_))) => {
            let expected = expected_scale(store, pods);
            (expected, scaled(min, expected, true))
        }
        (None, None) => (0, 0),
    }
}

fn scaled(v: &IntOrString, total: i32, round_up: bool) -> i32 {
    let json = serde_json::to_value(v).unwrap_or(Value::Null);
    int_or_percent(&json, total.into(), round_up) as i32
}

/// The summed scale of the controllers of `pods`, each counted once.
fn expected_scale(store: &Store, pods: &[(Value, Pod)]) -> i32 {
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for (json, _) in pods {
        if let Some((uid, replicas)) = controller_scale(store, json)
            && seen.insert(uid)
        {
            total += replicas;
        }
    }
    total
}

/// (uid, replicas) of the workload that scales `pod`: a ReplicaSet's
/// Deployment, else the ReplicaSet, or a StatefulSet.
fn controller_scale(store: &Store, pod: &Value) -> Option<(String, i32)> {
    let ns = crate::store::object::namespace(pod);
    let owner = controller_ref(pod)?;
    let name = owner["name"].as_str()?;
    let id = match owner["kind"].as_str()? {
        "ReplicaSet" => ids::replicasets(),
        "StatefulSet" => ids::statefulsets(),
        _ => return None,
    };
    let obj = store.get(&id, ns, name).ok()?;
    if let Some(dep) = controller_ref(obj.value()).filter(|r| r["kind"] == "Deployment") {
        let d = store
            .get(&ids::deployments(), ns, dep["name"].as_str()?)
            .ok()?;
        return Some((
            d.uid().to_owned(),
            int(&d.value()["spec"]["replicas"], 1) as i32,
        ));
    }
    Some((
        obj.uid().to_owned(),
        int(&obj.value()["spec"]["replicas"], 1) as i32,
    ))
}

/// Evictions still in flight: pods the eviction API marked whose deletion
/// has not started and whose mark is younger than [`DELETION_TIMEOUT`];
/// plus when the oldest of them expires.
fn live_disruptions(
    old: &PodDisruptionBudgetStatus,
    pods: &[(Value, Pod)],
    now: DateTime<Utc>,
) -> (BTreeMap<String, Time>, Requeue) {
    let mut live = BTreeMap::new();
    let mut next: Option<i64> = None;
    let marks = old.disrupted_pods.clone().unwrap_or_default();
    for (_, pod) in pods {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let Some(at) = marks.get(&name) else {
            continue;
        };
        let left = at.0.as_second() + DELETION_TIMEOUT.as_secs() as i64 - now.timestamp();
        if pod.metadata.deletion_timestamp.is_some() || left <= 0 {
            continue;
        }
        next = Some(next.map_or(left, |n| n.min(left)));
        live.insert(name, at.clone());
    }
    (live, next.map(|s| Duration::from_secs(s as u64)))
}

/// A `metav1.Time` (whole seconds, as the store writes times).
pub fn time(t: DateTime<Utc>) -> Time {
    Time(k8s_openapi::jiff::Timestamp::from_second(t.timestamp()).unwrap_or_default())
}

fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// `DisruptionAllowed`: True/SufficientPods or False/InsufficientPods, its
/// transition time kept while the status stays.
fn allowed_condition(
    old: &PodDisruptionBudgetStatus,
    allowed: i32,
    pdb: &PodDisruptionBudget,
    now: DateTime<Utc>,
) -> Condition {
    let (status, reason) = if allowed > 0 {
        ("True", "SufficientPods")
    } else {
        ("False", "InsufficientPods")
    };
    let previous = old
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "DisruptionAllowed");
    let since = match previous {
        Some(c) if c.status == status => c.last_transition_time.clone(),
        _ => time(now),
    };
    Condition {
        type_: "DisruptionAllowed".into(),
        status: status.into(),
        reason: reason.into(),
        message: String::new(),
        observed_generation: pdb.metadata.generation,
        last_transition_time: since,
    }
}
