//! ResourceQuota: what a namespace uses, and the refusal of a create that
//! would take it past a quota's `hard` limits, like kube-apiserver's
//! `ResourceQuota` admission plugin. Checked inside the store's create, so
//! the cluster's own writes (a ReplicaSet making pods) are held to it too.
//!
//! Counted: object counts (`pods`, `services`, `configmaps`, `secrets`,
//! `persistentvolumeclaims`, `replicationcontrollers`, `resourcequotas` and
//! `count/<resource>[.<group>]`) and the pods' compute resources
//! (`requests.cpu`/`cpu`, `requests.memory`/`memory`, `limits.cpu`,
//! `limits.memory`, summed over app containers). Pods that have finished
//! count for nothing, as upstream. Scopes and scope selectors are not
//! modelled.

use std::collections::BTreeMap;

use serde_json::Value;

use super::table::ObjectMap;
use super::{State, Store, StoreError};
use crate::registry::{ResourceId, ResourceType};

/// Quantities in thousandths (`500m` CPU is 500, `1Ki` is 1,024,000).
pub type Milli = i128;

/// The quota resources one object of `rt` uses, in thousandths.
pub fn usage_of(rt: &ResourceType, obj: &Value) -> BTreeMap<String, Milli> {
    let mut out = BTreeMap::new();
    if rt.group.is_empty() && rt.plural == "pods" && finished(obj) {
        return out;
    }
    let count = if rt.group.is_empty() {
        format!("count/{}", rt.plural)
    } else {
        format!("count/{}.{}", rt.plural, rt.group)
    };
    out.insert(count, 1000);
    if rt.group.is_empty() && OBJECT_COUNTS.contains(&rt.plural.as_str()) {
        out.insert(rt.plural.clone(), 1000);
    }
    if rt.group.is_empty() && rt.plural == "pods" {
        for (kind, names) in [
            ("requests", &["requests.cpu", "cpu"][..]),
            ("limits", &["limits.cpu"][..]),
        ] {
            let cpu = container_sum(obj, kind, "cpu");
            for name in names {
                out.insert((*name).to_string(), cpu);
            }
        }
        for (kind, names) in [
            ("requests", &["requests.memory", "memory"][..]),
            ("limits", &["limits.memory"][..]),
        ] {
            let memory = container_sum(obj, kind, "memory");
            for name in names {
                out.insert((*name).to_string(), memory);
            }
        }
    }
    out
}

/// Core resources with a short quota name of their own.
const OBJECT_COUNTS: &[&str] = &[
    "pods",
    "services",
    "configmaps",
    "secrets",
    "persistentvolumeclaims",
    "replicationcontrollers",
    "resourcequotas",
];

fn finished(pod: &Value) -> bool {
    matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded" | "Failed")
    )
}

fn container_sum(pod: &Value, kind: &str, resource: &str) -> Milli {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            c["resources"][kind][resource]
                .as_str()
                .map(str::to_string)
                .or_else(|| {
                    c["resources"][kind][resource]
                        .as_f64()
                        .map(|n| n.to_string())
                })
        })
        .filter_map(|q| parse_quantity(&q))
        .sum()
}

/// A Kubernetes quantity (`100m`, `2`, `1.5Gi`, `64M`) in thousandths.
pub fn parse_quantity(text: &str) -> Option<Milli> {
    let text = text.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let factor: Milli = match suffix {
        "" => 1000,
        "m" => 1,
        "k" => 1000 * 1000,
        "M" => 1000 * 1000_i128.pow(2),
        "G" => 1000 * 1000_i128.pow(3),
        "T" => 1000 * 1000_i128.pow(4),
        "Ki" => 1000 * 1024,
        "Mi" => 1000 * 1024_i128.pow(2),
        "Gi" => 1000 * 1024_i128.pow(3),
        "Ti" => 1000 * 1024_i128.pow(4),
        _ => return None,
    };
    let value: f64 = number.parse().ok()?;
    (value >= 0.0).then(|| (value * factor as f64).round() as Milli)
}

/// A quantity in thousandths, as upstream would print it for `resource`:
/// memory in binary units when they divide it, CPU in millicores when it
/// is not whole, counts as integers.
pub fn format_quantity(resource: &str, milli: Milli) -> String {
    if milli % 1000 != 0 {
        return format!("{milli}m");
    }
    let whole = milli / 1000;
    if resource.ends_with("memory") && whole > 0 {
        for (suffix, unit) in [
            ("Gi", 1024_i128.pow(3)),
            ("Mi", 1024_i128.pow(2)),
            ("Ki", 1024),
        ] {
            if whole % unit == 0 {
                return format!("{}{suffix}", whole / unit);
            }
        }
    }
    whole.to_string()
}

/// What the objects of `rt` in `namespace` of `objects` use.
fn table_usage(rt: &ResourceType, objects: &ObjectMap, namespace: &str) -> BTreeMap<String, Milli> {
    let mut total: BTreeMap<String, Milli> = BTreeMap::new();
    let from = (namespace.to_string(), String::new());
    for (_, obj) in objects
        .range(from..)
        .take_while(|((ns, _), _)| ns == namespace)
    {
        for (name, amount) in usage_of(rt, obj.value()) {
            *total.entry(name).or_default() += amount;
        }
    }
    total
}

fn quotas() -> ResourceId {
    ResourceId::new("", "resourcequotas")
}

impl Store {
    /// What `namespace` uses of each quota resource (all types).
    pub fn namespace_usage(&self, namespace: &str) -> BTreeMap<String, Milli> {
        let state = self.lock();
        self.usage_in(&state, namespace)
    }

    fn usage_in(&self, state: &State, namespace: &str) -> BTreeMap<String, Milli> {
        let mut total: BTreeMap<String, Milli> = BTreeMap::new();
        for (id, table) in &state.tables {
            let Some(rt) = self.registry().by_id(id) else {
                continue;
            };
            if !rt.namespaced {
                continue;
            }
            for (name, amount) in table_usage(&rt, &table.objects, namespace) {
                *total.entry(name).or_default() += amount;
            }
        }
        total
    }

    /// Refuses creating `obj` (of `rt`, named `name`) in `namespace` when it
    /// would exceed a quota there, in upstream's words.
    pub(super) fn check_quota(
        &self,
        state: &State,
        rt: &ResourceType,
        namespace: &str,
        name: &str,
        obj: &Value,
    ) -> Result<(), StoreError> {
        let Some(quota_table) = state.tables.get(&quotas()) else {
            return Ok(());
        };
        let from = (namespace.to_string(), String::new());
        let in_namespace: Vec<_> = quota_table
            .objects
            .range(from..)
            .take_while(|((ns, _), _)| ns == namespace)
            .map(|(_, q)| q.clone())
            .collect();
        if in_namespace.is_empty() {
            return Ok(());
        }
        let wanted = usage_of(rt, obj);
        let mut used: Option<BTreeMap<String, Milli>> = None;
        for quota in in_namespace {
            let Some(hard) = quota.value()["spec"]["hard"].as_object() else {
                continue;
            };
            let mut exceeded = Vec::new();
            for (resource, limit) in hard {
                let (Some(amount), Some(limit)) = (
                    wanted.get(resource),
                    limit.as_str().and_then(parse_quantity),
                ) else {
                    continue;
                };
                let used = used.get_or_insert_with(|| self.usage_in(state, namespace));
                let now = used.get(resource).copied().unwrap_or(0);
                if now + amount > limit {
                    exceeded.push((resource.as_str(), *amount, now, limit));
                }
            }
            if !exceeded.is_empty() {
                let list = |pick: fn(&(&str, Milli, Milli, Milli)) -> Milli| {
                    exceeded
                        .iter()
                        .map(|e| format!("{}={}", e.0, format_quantity(e.0, pick(e))))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                return Err(StoreError::Forbidden {
                    resource: rt.plural.clone(),
                    name: name.to_string(),
                    message: format!(
                        "{} \"{name}\" is forbidden: exceeded quota: {}, requested: {}, used: {}, limited: {}",
                        rt.plural,
                        quota.name(),
                        list(|e| e.1),
                        list(|e| e.2),
                        list(|e| e.3),
                    ),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_and_print_as_upstream_writes_them() {
        assert_eq!(parse_quantity("500m"), Some(500));
        assert_eq!(parse_quantity("2"), Some(2000));
        assert_eq!(parse_quantity("1.5"), Some(1500));
        assert_eq!(parse_quantity("128Mi"), Some(128 * 1024 * 1024 * 1000));
        assert_eq!(parse_quantity("1G"), Some(1_000_000_000_000));
        assert_eq!(parse_quantity("lots"), None);
        assert_eq!(format_quantity("requests.cpu", 1500), "1500m");
        assert_eq!(format_quantity("requests.cpu", 2000), "2");
        assert_eq!(
            format_quantity("requests.memory", 256 * 1024 * 1024 * 1000),
            "256Mi"
        );
        assert_eq!(format_quantity("pods", 3000), "3");
    }
}
