//! ClusterRole aggregation, like kube-controller-manager's
//! `clusterrole-aggregation` controller: a ClusterRole with an
//! `aggregationRule` gets as its rules the rules of every ClusterRole its
//! selectors match, in the order of their names, without duplicates. This
//! is how `admin`, `edit` and `view` grow when a role labelled
//! `rbac.authorization.k8s.io/aggregate-to-view: "true"` (say, for a CRD)
//! appears.

use std::sync::Arc;

use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule};

use super::runtime::{Controller, Key, Queue, Requeue};
use crate::cluster::ClusterContext;
use crate::registry::ResourceId;
use crate::store::{ListOptions, Store, StoreError, Target};

fn cluster_roles() -> ResourceId {
    ResourceId::new("rbac.authorization.k8s.io", "clusterroles")
}

pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    Controller {
        name: "clusterrole-aggregation",
        queue: Queue::new(ctx.clock.clone()),
        // Any ClusterRole may feed any aggregated one: look at them all.
        watches: vec![(
            cluster_roles(),
            Arc::new(|store, _, _| {
                all(store)
                    .into_iter()
                    .filter(|r| r.aggregation_rule.is_some())
                    .map(|r| (String::new(), r.metadata.name.unwrap_or_default()))
                    .collect()
            }),
        )],
        reconcile: Arc::new(move |key: &Key| reconcile(&store, key)),
    }
}

/// Aggregates every aggregated ClusterRole until none changes (`view`
/// feeds `edit`, which feeds `admin`): the seed's roles start converged.
pub fn aggregate_all(store: &Store) -> Result<(), StoreError> {
    for _ in 0..8 {
        let before = store.type_revision(&cluster_roles());
        for role in all(store)
            .into_iter()
            .filter(|r| r.aggregation_rule.is_some())
        {
            reconcile(
                store,
                &(String::new(), role.metadata.name.unwrap_or_default()),
            )?;
        }
        if store.type_revision(&cluster_roles()) == before {
            break;
        }
    }
    Ok(())
}

fn reconcile(store: &Store, (_, name): &Key) -> Result<Requeue, StoreError> {
    let roles = all(store);
    let Some(role) = roles
        .iter()
        .find(|r| r.metadata.name.as_deref() == Some(name))
    else {
        return Ok(None);
    };
    let Some(rule) = &role.aggregation_rule else {
        return Ok(None);
    };
    let wanted = aggregated_rules(&roles, name, rule);
    if role.rules.as_ref().unwrap_or(&Vec::new()) == &wanted {
        return Ok(None);
    }
    let rules = serde_json::to_value(&wanted).expect("rules serialise");
    store.modify(&cluster_roles(), "", name, Target::Main, |obj| {
        obj["rules"] = rules.clone();
        Ok(())
    })?;
    Ok(None)
}

/// The rules of every other ClusterRole `rule`'s selectors match, by name,
/// each once.
pub fn aggregated_rules(
    roles: &[ClusterRole],
    name: &str,
    rule: &k8s_openapi::api::rbac::v1::AggregationRule,
) -> Vec<PolicyRule> {
    let selectors: Vec<crate::store::LabelSelector> = rule
        .cluster_role_selectors
        .iter()
        .flatten()
        .map(|s| {
            crate::store::LabelSelector::from_json(&serde_json::to_value(s).unwrap_or_default())
        })
        .collect();
    let mut sources: Vec<&ClusterRole> = roles
        .iter()
        .filter(|r| r.metadata.name.as_deref() != Some(name))
        .filter(|r| {
            let labels = serde_json::json!({"metadata": {"labels": r.metadata.labels}});
            selectors
                .iter()
                .any(|s| !s.is_empty() && s.matches(&labels))
        })
        .collect();
    sources.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let mut rules: Vec<PolicyRule> = Vec::new();
    for source in sources {
        for r in source.rules.iter().flatten() {
            if !rules.contains(r) {
                rules.push(r.clone());
            }
        }
    }
    rules
}

fn all(store: &Store) -> Vec<ClusterRole> {
    store
        .list(&cluster_roles(), &ListOptions::default())
        .map(|l| {
            l.items
                .iter()
                .filter_map(|o| serde_json::from_value(o.value().clone()).ok())
                .collect()
        })
        .unwrap_or_default()
}
