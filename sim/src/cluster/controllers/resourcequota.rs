//! ResourceQuota status, like kube-controller-manager's `resourcequota`
//! controller: `status.hard` mirrors `spec.hard` and `status.used` says what
//! the namespace uses of each resource the quota limits, so `kubectl
//! describe quota` and `kubectl get quota` show the numbers. The limits
//! themselves are enforced when objects are created (`store/quota.rs`).

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::{ResourceQuota, ResourceQuotaStatus};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::runtime::{Controller, Key, Mapper, Queue, Requeue};
use super::util::list_ns;
use crate::cluster::ClusterContext;
use crate::registry::ResourceId;
use crate::registry::builtin::ids;
use crate::store::quota::format_quantity;
use crate::store::{Store, StoreError, Target};

fn quotas() -> ResourceId {
    ResourceId::new("", "resourcequotas")
}

pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    // Any change to a counted object may move every quota of its namespace.
    let namespace_quotas: Mapper = Arc::new(|store, _, obj| {
        let ns = obj["metadata"]["namespace"].as_str().unwrap_or_default();
        list_ns(store, &quotas(), ns)
            .iter()
            .map(|q| (ns.to_string(), q.name().to_string()))
            .collect()
    });
    let own: Mapper = Arc::new(|_, _, obj| {
        vec![(
            obj["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            obj["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )]
    });
    let counted = [
        ids::pods(),
        ids::services(),
        ids::configmaps(),
        ids::secrets(),
        ResourceId::new("", "persistentvolumeclaims"),
        ResourceId::new("", "replicationcontrollers"),
    ];
    let mut watches = vec![(quotas(), own)];
    watches.extend(counted.into_iter().map(|id| (id, namespace_quotas.clone())));
    Controller {
        name: "resourcequota",
        queue: Queue::new(ctx.clock.clone()),
        watches,
        reconcile: Arc::new(move |key: &Key| reconcile(&store, key)),
    }
}

fn reconcile(store: &Store, (ns, name): &Key) -> Result<Requeue, StoreError> {
    let stored = match store.get(&quotas(), ns, name) {
        Ok(q) => q,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let quota: ResourceQuota = serde_json::from_value(stored.value().clone())
        .map_err(|e| StoreError::Internal(format!("resourcequota {ns}/{name}: {e}")))?;
    let hard = quota.spec.and_then(|s| s.hard).unwrap_or_default();
    let usage = store.namespace_usage(ns);
    let used: BTreeMap<String, Quantity> = hard
        .keys()
        .map(|resource| {
            let amount = usage.get(resource).copied().unwrap_or(0);
            (
                resource.clone(),
                Quantity(format_quantity(resource, amount)),
            )
        })
        .collect();
    let wanted = ResourceQuotaStatus {
        hard: Some(hard),
        used: Some(used),
    };
    if quota.status.as_ref() == Some(&wanted) {
        return Ok(None);
    }
    let status = serde_json::to_value(&wanted).expect("status serialises");
    store.modify(&quotas(), ns, name, Target::Status, |obj| {
        obj["status"] = status.clone();
        Ok(())
    })?;
    Ok(None)
}
