//! Default topology spread: the scoring half of upstream's PodTopologySpread
//! plugin with its system default constraints, so a workload's replicas
//! spread over nodes (and zones) instead of piling onto the emptiest one.
//!
//! A port of `pkg/scheduler/framework/plugins/podtopologyspread`
//! (`scoring.go`: `Score`, `scoreForCount`, `topologyNormalizingWeight`,
//! `NormalizeScore`) and of `helper.DefaultSelector`. A pod without its own
//! `topologySpreadConstraints` gets `kubernetes.io/hostname` (maxSkew 3)
//! and `topology.kubernetes.io/zone` (maxSkew 5), both `ScheduleAnyway`,
//! over the pods that the Services selecting it and its ReplicaSet or
//! StatefulSet select. Explicit constraints are honoured the same way for
//! scoring, and those that say `DoNotSchedule` also filter
//! ([`HardConstraints`], a port of `filtering.go`).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::filters::Misfit;
use crate::registry::builtin::ids;
use crate::store::{LabelSelector, ListOptions, Store};

/// Upstream's `framework.MaxNodeScore`.
const MAX_SCORE: f64 = 100.0;

const HOSTNAME: &str = "kubernetes.io/hostname";

/// Where the pods the scheduler knows of run, by namespace (for counting
/// matching pods per node without a scan of every pod).
#[derive(Default)]
pub struct Placements {
    by_namespace: HashMap<String, HashMap<String, (String, Value)>>,
}

impl Placements {
    /// Records pod `uid` of `ns` with `labels` on `node`.
    pub fn place(&mut self, uid: &str, ns: &str, node: &str, labels: &Value) {
        self.by_namespace
            .entry(ns.to_owned())
            .or_default()
            .insert(uid.to_owned(), (node.to_owned(), labels.clone()));
    }

    /// Forgets pod `uid`.
    pub fn remove(&mut self, uid: &str, ns: &str) {
        if let Some(pods) = self.by_namespace.get_mut(ns) {
            pods.remove(uid);
        }
    }

    pub fn clear(&mut self) {
        self.by_namespace.clear();
    }

    /// Pods of `ns` matching `selector`, per node.
    fn counts(&self, ns: &str, selector: &[LabelSelector]) -> HashMap<&str, i64> {
        let mut counts = HashMap::new();
        for (node, labels) in self
            .by_namespace
            .get(ns)
            .into_iter()
            .flat_map(|m| m.values())
        {
            let pod = serde_json::json!({"metadata": {"labels": labels}});
            if selector.iter().all(|s| s.matches(&pod)) {
                *counts.entry(node.as_str()).or_default() += 1;
            }
        }
        counts
    }
}

/// One spreading constraint: the topology key, maxSkew, and whom to count.
struct Constraint {
    key: String,
    max_skew: i64,
    selector: Vec<LabelSelector>,
}

/// Spread scores (0..=100, higher is better) of `nodes` for `pod`, in
/// order; all equal when nothing is to be spread.
pub fn scores(store: &Store, placed: &Placements, pod: &Value, nodes: &[&Value]) -> Vec<i64> {
    let constraints = constraints(store, pod);
    if constraints.is_empty() || nodes.len() < 2 {
        return vec![MAX_SCORE as i64; nodes.len()];
    }
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or_default();
    let raw: Vec<f64> = {
        let per_constraint: Vec<(HashMap<&str, i64>, f64)> = constraints
            .iter()
            .map(|c| {
                let counts = placed.counts(ns, &c.selector);
                let domains = domain_count(nodes, &c.key);
                (counts, ((domains + 2) as f64).ln())
            })
            .collect();
        nodes
            .iter()
            .map(|node| {
                constraints
                    .iter()
                    .zip(&per_constraint)
                    .filter_map(|(c, (counts, weight))| {
                        let count = domain_pods(nodes, node, &c.key, counts)?;
                        Some(count as f64 * weight + (c.max_skew - 1) as f64)
                    })
                    .sum::<f64>()
                    .round()
            })
            .collect()
    };
    normalize(&raw)
}

/// Upstream's `NormalizeScore`: fewest matching pods → 100.
fn normalize(raw: &[f64]) -> Vec<i64> {
    let max = raw.iter().copied().fold(0.0, f64::max);
    let min = raw.iter().copied().fold(f64::MAX, f64::min);
    raw.iter()
        .map(|s| {
            if max == 0.0 {
                MAX_SCORE as i64
            } else {
                (MAX_SCORE * (max + min - s) / max) as i64
            }
        })
        .collect()
}

fn label<'a>(node: &'a Value, key: &str) -> Option<&'a str> {
    node["metadata"]["labels"][key].as_str()
}

fn domain_count(nodes: &[&Value], key: &str) -> usize {
    let mut values: Vec<&str> = nodes.iter().filter_map(|n| label(n, key)).collect();
    values.sort_unstable();
    values.dedup();
    values.len()
}

/// Matching pods in `node`'s domain of `key` (None if it has no such label).
fn domain_pods(
    nodes: &[&Value],
    node: &Value,
    key: &str,
    counts: &HashMap<&str, i64>,
) -> Option<i64> {
    let value = label(node, key)?;
    let name = |n: &Value| {
        n["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    if key == HOSTNAME {
        return Some(counts.get(name(node).as_str()).copied().unwrap_or(0));
    }
    let in_domain: Vec<String> = nodes
        .iter()
        .filter(|n| label(n, key) == Some(value))
        .map(|n| name(n))
        .collect();
    Some(
        in_domain
            .iter()
            .map(|n| counts.get(n.as_str()).copied().unwrap_or(0))
            .sum(),
    )
}

/// The pod's `DoNotSchedule` constraints as a filter (upstream's
/// `PodTopologySpread.Filter`): on a node, the pod's domain would then hold
/// its matching pods plus the pod itself, which may exceed the least
/// loaded domain's count by at most `maxSkew`.
pub struct HardConstraints {
    items: Vec<Hard>,
}

struct Hard {
    key: String,
    max_skew: i64,
    /// 1 if the pod matches its own constraint's selector.
    self_match: i64,
    /// Matching pods per domain (topology value) over the eligible nodes.
    per_domain: HashMap<String, i64>,
    /// The least loaded domain's count (0 below `minDomains` domains).
    min: i64,
}

impl HardConstraints {
    /// The pod's hard constraints, counted over the `eligible` nodes (those
    /// its node selector and affinity allow, taints ignored, as upstream's
    /// default policies say), which are only asked for when the pod has
    /// such constraints: most pods have none, and a 5,000-node cluster
    /// schedules 150,000 of them at start-up.
    pub fn of<'a>(
        placed: &Placements,
        pod: &Value,
        eligible: impl FnOnce() -> Vec<&'a Value>,
    ) -> Self {
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or_default();
        let hard: Vec<&Value> = pod["spec"]["topologySpreadConstraints"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["whenUnsatisfiable"] == "DoNotSchedule")
            .collect();
        if hard.is_empty() {
            return HardConstraints { items: Vec::new() };
        }
        let keys: Vec<&str> = hard
            .iter()
            .filter_map(|c| c["topologyKey"].as_str())
            .collect();
        let counted: Vec<&Value> = eligible()
            .into_iter()
            .filter(|n| keys.iter().all(|k| label(n, k).is_some()))
            .collect();
        let items = hard
            .iter()
            .map(|c| {
                let key = c["topologyKey"].as_str().unwrap_or_default().to_owned();
                let selector = LabelSelector::from_json(&c["labelSelector"]);
                let counts = placed.counts(ns, std::slice::from_ref(&selector));
                let mut per_domain: HashMap<String, i64> = HashMap::new();
                for node in &counted {
                    let name = node["metadata"]["name"].as_str().unwrap_or_default();
                    let domain = label(node, &key).unwrap_or_default().to_owned();
                    *per_domain.entry(domain).or_default() +=
                        counts.get(name).copied().unwrap_or(0);
                }
                let min_domains = c["minDomains"].as_i64().unwrap_or(1);
                let min = if (per_domain.len() as i64) < min_domains {
                    0
                } else {
                    per_domain.values().copied().min().unwrap_or(0)
                };
                Hard {
                    key,
                    max_skew: c["maxSkew"].as_i64().unwrap_or(1),
                    self_match: i64::from(!selector.is_empty() && selector.matches(pod)),
                    per_domain,
                    min,
                }
            })
            .collect();
        HardConstraints { items }
    }

    /// Why the pod may not go to `node`, if a hard constraint says so.
    pub fn check(&self, node: &Value) -> Option<Misfit> {
        for h in &self.items {
            let Some(domain) = label(node, &h.key) else {
                return Some(Misfit::TopologySpread {
                    missing_label: true,
                });
            };
            let count = h.per_domain.get(domain).copied().unwrap_or(0);
            if count + h.self_match - h.min > h.max_skew {
                return Some(Misfit::TopologySpread {
                    missing_label: false,
                });
            }
        }
        None
    }
}

/// The pod's `ScheduleAnyway`-or-not constraints, or the system defaults.
fn constraints(store: &Store, pod: &Value) -> Vec<Constraint> {
    let own = pod["spec"]["topologySpreadConstraints"].as_array();
    if let Some(own) = own.filter(|c| !c.is_empty()) {
        return own
            .iter()
            .map(|c| Constraint {
                key: c["topologyKey"].as_str().unwrap_or_default().to_owned(),
                max_skew: c["maxSkew"].as_i64().unwrap_or(1),
                selector: vec![LabelSelector::from_json(&c["labelSelector"])],
            })
            .collect();
    }
    let selector = default_selector(store, pod);
    if selector.is_empty() {
        return Vec::new();
    }
    [(HOSTNAME, 3), ("topology.kubernetes.io/zone", 5)]
        .into_iter()
        .map(|(key, max_skew)| Constraint {
            key: key.to_owned(),
            max_skew,
            selector: selector.clone(),
        })
        .collect()
}

/// `helper.DefaultSelector`: the selectors of the Services that select the
/// pod and of its controlling ReplicaSet or StatefulSet (all must match).
fn default_selector(store: &Store, pod: &Value) -> Vec<LabelSelector> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or_default();
    let opts = ListOptions {
        namespace: Some(ns.to_owned()),
        ..Default::default()
    };
    let mut selectors: Vec<LabelSelector> = store
        .list(&ids::services(), &opts)
        .map(|l| l.items)
        .unwrap_or_default()
        .iter()
        .filter_map(|svc| service_selector(svc.value()))
        .filter(|s| s.matches(pod))
        .collect();
    let owner = pod["metadata"]["ownerReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["controller"] == true);
    if let Some(owner) = owner {
        let id = match owner["kind"].as_str() {
            Some("ReplicaSet") => Some(ids::replicasets()),
            Some("StatefulSet") => Some(ids::statefulsets()),
            _ => None,
        };
        let name = owner["name"].as_str().unwrap_or_default();
        if let Some(o) = id.and_then(|id| store.get(&id, ns, name).ok()) {
            selectors.push(LabelSelector::from_json(&o.value()["spec"]["selector"]));
        }
    }
    selectors.retain(|s| !s.is_empty());
    selectors
}

/// A Service's `spec.selector` (a plain label map) as a selector.
fn service_selector(svc: &Value) -> Option<LabelSelector> {
    let labels = svc["spec"]["selector"]
        .as_object()
        .filter(|m| !m.is_empty())?;
    let match_labels: BTreeMap<&String, &Value> = labels.iter().collect();
    Some(LabelSelector::from_json(
        &serde_json::json!({ "matchLabels": match_labels }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_node_with_fewest_matching_pods_scores_highest() {
        // Raw scores as upstream computes them for counts 2, 0, 1 with
        // maxSkew 3 over three hosts: ln(5)·n + 2.
        let raw: Vec<f64> = [2.0f64, 0.0, 1.0]
            .iter()
            .map(|n| (n * 5f64.ln() + 2.0).round())
            .collect();
        assert_eq!(raw, [5.0, 2.0, 4.0]);
        assert_eq!(normalize(&raw), [40, 100, 60]);
        assert_eq!(normalize(&[0.0, 0.0]), [100, 100]);
    }
}
