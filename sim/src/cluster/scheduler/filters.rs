//! The scheduler's filters, in upstream plugin order (NodeUnschedulable,
//! TaintToleration, NodeAffinity, NodeResourcesFit), each saying why a node
//! does not fit with the words of upstream's `FitError`.

use serde_json::Value;

use crate::cluster::conditions;
use crate::cluster::quantity::Resources;

/// Why one node cannot take a pod.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Misfit {
    Unschedulable,
    NotReady,
    Taint {
        key: String,
        value: String,
    },
    Affinity,
    Insufficient(&'static str),
    TooManyPods,
    /// A `DoNotSchedule` spread constraint: placing the pod here would
    /// skew its domain too far, or the node lacks the topology label.
    TopologySpread {
        missing_label: bool,
    },
}

impl Misfit {
    /// The reason as upstream prints it after the node count.
    pub fn reason(&self) -> String {
        match self {
            Misfit::Unschedulable => "node(s) were unschedulable".into(),
            Misfit::NotReady => "node(s) were not ready".into(),
            Misfit::Taint { key, value } => {
                format!("node(s) had untolerated taint {{{key}: {value}}}")
            }
            Misfit::Affinity => "node(s) didn't match Pod's node affinity/selector".into(),
            Misfit::Insufficient(r) => format!("Insufficient {r}"),
            Misfit::TooManyPods => "Too many pods".into(),
            Misfit::TopologySpread {
                missing_label: false,
            } => "node(s) didn't match pod topology spread constraints".into(),
            Misfit::TopologySpread {
                missing_label: true,
            } => "node(s) didn't match pod topology spread constraints (missing required label)"
                .into(),
        }
    }

    /// True if evicting lower-priority pods could help (resources, and
    /// a skew that fewer pods would mend, as upstream's statuses say).
    pub fn preemption_may_help(&self) -> bool {
        matches!(
            self,
            Misfit::Insufficient(_)
                | Misfit::TooManyPods
                | Misfit::TopologySpread {
                    missing_label: false
                }
        )
    }
}

/// What a node has left: allocatable minus the requests of its pods.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    pub requested: Resources,
    pub pods: i64,
}

/// Every reason `node` cannot run `pod` (empty = it fits).
pub fn check(pod: &Value, request: Resources, node: &Value, usage: Usage) -> Vec<Misfit> {
    let spec = &pod["spec"];
    let tolerations = spec["tolerations"].as_array().cloned().unwrap_or_default();
    if node["spec"]["unschedulable"] == true
        && !tolerated(
            &tolerations,
            "node.kubernetes.io/unschedulable",
            "",
            "NoSchedule",
        )
    {
        return vec![Misfit::Unschedulable];
    }
    for taint in node["spec"]["taints"].as_array().into_iter().flatten() {
        let effect = taint["effect"].as_str().unwrap_or_default();
        if effect != "NoSchedule" && effect != "NoExecute" {
            continue;
        }
        let key = taint["key"].as_str().unwrap_or_default();
        let value = taint["value"].as_str().unwrap_or_default();
        if !tolerated(&tolerations, key, value, effect) {
            return vec![Misfit::Taint {
                key: key.into(),
                value: value.into(),
            }];
        }
    }
    if conditions::status_of(&node["status"], "Ready") != Some("True") {
        return vec![Misfit::NotReady];
    }
    if !affinity_matches(spec, node) {
        return vec![Misfit::Affinity];
    }
    let allocatable = Resources::from_map(&node["status"]["allocatable"]);
    let max_pods = node["status"]["allocatable"]["pods"]
        .as_str()
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(110);
    let mut misfits = Vec::new();
    if usage.pods + 1 > max_pods {
        misfits.push(Misfit::TooManyPods);
    }
    if request.cpu_milli > 0
        && usage.requested.cpu_milli + request.cpu_milli > allocatable.cpu_milli
    {
        misfits.push(Misfit::Insufficient("cpu"));
    }
    if request.memory > 0 && usage.requested.memory + request.memory > allocatable.memory {
        misfits.push(Misfit::Insufficient("memory"));
    }
    misfits
}

/// Least-requested score in 0..=100: the emptier the node, the higher.
pub fn score(request: Resources, node: &Value, usage: Usage) -> i64 {
    let alloc = Resources::from_map(&node["status"]["allocatable"]);
    let free = |cap: i64, used: i64| {
        if cap <= 0 {
            0
        } else {
            ((cap - used).max(0) * 100) / cap
        }
    };
    let after = usage.requested + request;
    (free(alloc.cpu_milli, after.cpu_milli) + free(alloc.memory, after.memory)) / 2
}

/// True if one of `tolerations` tolerates the taint `key=value:effect`.
pub fn tolerated(tolerations: &[Value], key: &str, value: &str, effect: &str) -> bool {
    tolerations.iter().any(|t| tolerates(t, key, value, effect))
}

/// Upstream `Toleration.ToleratesTaint`.
pub fn tolerates(t: &Value, key: &str, value: &str, effect: &str) -> bool {
    let t_effect = t["effect"].as_str().unwrap_or_default();
    if !t_effect.is_empty() && t_effect != effect {
        return false;
    }
    let t_key = t["key"].as_str().unwrap_or_default();
    if !t_key.is_empty() && t_key != key {
        return false;
    }
    match t["operator"].as_str().unwrap_or("Equal") {
        "Exists" => true,
        _ => !t_key.is_empty() && t["value"].as_str().unwrap_or_default() == value,
    }
}

/// `nodeSelector` and required node affinity.
pub fn affinity_matches(spec: &Value, node: &Value) -> bool {
    let labels = &node["metadata"]["labels"];
    if let Some(selector) = spec["nodeSelector"].as_object()
        && !selector
            .iter()
            .all(|(k, v)| labels[k].as_str() == v.as_str())
    {
        return false;
    }
    let terms = &spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"];
    match terms.as_array() {
        Some(terms) if !terms.is_empty() => terms.iter().any(|term| term_matches(term, node)),
        _ => true,
    }
}

/// Upstream NodeAffinity's PreFilter: when every required term names its
/// nodes (`matchFields` `metadata.name In`, as DaemonSet pods do), only
/// those nodes can fit, so only they need filtering. `None`: any node may.
pub fn pinned_nodes(spec: &Value) -> Option<Vec<&str>> {
    let terms = spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"]
        .as_array()
        .filter(|t| !t.is_empty())?;
    let mut names = Vec::new();
    for term in terms {
        let pinned = term["matchFields"]
            .as_array()?
            .iter()
            .find(|f| f["key"] == "metadata.name" && f["operator"] == "In")?;
        names.extend(
            pinned["values"]
                .as_array()?
                .iter()
                .filter_map(Value::as_str),
        );
    }
    Some(names)
}

/// One node selector term: all its expressions and field requirements hold
/// (an empty term matches nothing, like upstream).
fn term_matches(term: &Value, node: &Value) -> bool {
    let none = Vec::new();
    let exprs = term["matchExpressions"].as_array().unwrap_or(&none);
    let fields = term["matchFields"].as_array().unwrap_or(&none);
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    let labels = &node["metadata"]["labels"];
    exprs
        .iter()
        .all(|e| requirement(e, labels[e["key"].as_str().unwrap_or_default()].as_str()))
        && fields.iter().all(|f| {
            let value = match f["key"].as_str() {
                Some("metadata.name") => node["metadata"]["name"].as_str(),
                _ => None,
            };
            requirement(f, value)
        })
}

fn requirement(expr: &Value, actual: Option<&str>) -> bool {
    let values: Vec<&str> = expr["values"]
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let number = |s: &str| s.parse::<i64>().ok();
    match expr["operator"].as_str().unwrap_or_default() {
        "In" => actual.is_some_and(|a| values.contains(&a)),
        "NotIn" => actual.is_none_or(|a| !values.contains(&a)),
        "Exists" => actual.is_some(),
        "DoesNotExist" => actual.is_none(),
        "Gt" => {
            matches!((actual.and_then(number), values.first().and_then(|v| number(v))), (Some(a), Some(b)) if a > b)
        }
        "Lt" => {
            matches!((actual.and_then(number), values.first().and_then(|v| number(v))), (Some(a), Some(b)) if a < b)
        }
        _ => false,
    }
}

/// The `FailedScheduling` message for `misfits` (one entry per node).
pub fn fit_error(nodes: usize, misfits: &[Vec<Misfit>]) -> String {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let (mut helpful, mut unhelpful) = (0, 0);
    for node in misfits {
        for m in node {
            *counts.entry(m.reason()).or_default() += 1;
        }
        if node.iter().all(Misfit::preemption_may_help) {
            helpful += 1;
        } else {
            unhelpful += 1;
        }
    }
    let mut reasons: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
    reasons.sort();
    let mut preemption = Vec::new();
    if unhelpful > 0 {
        preemption.push(format!(
            "{unhelpful} Preemption is not helpful for scheduling"
        ));
    }
    if helpful > 0 {
        preemption.push(format!(
            "{helpful} No preemption victims found for incoming pod"
        ));
    }
    preemption.sort();
    if nodes == 0 {
        return "no nodes available to schedule pods".into();
    }
    format!(
        "0/{nodes} nodes are available: {}. preemption: 0/{nodes} nodes are available: {}.",
        reasons.join(", "),
        preemption.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_fit_error_reads_like_upstream() {
        let msg = fit_error(
            4,
            &[
                vec![Misfit::Taint {
                    key: "node-role.kubernetes.io/control-plane".into(),
                    value: String::new(),
                }],
                vec![Misfit::Insufficient("cpu")],
                vec![Misfit::Insufficient("cpu")],
                vec![Misfit::Insufficient("cpu")],
            ],
        );
        assert_eq!(
            msg,
            "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."
        );
    }

    #[test]
    fn tolerations_follow_upstream_rules() {
        let exists = json!({"operator": "Exists"});
        assert!(tolerates(&exists, "any", "x", "NoExecute"));
        let equal = json!({"key": "k", "value": "v", "effect": "NoSchedule"});
        assert!(tolerates(&equal, "k", "v", "NoSchedule"));
        assert!(!tolerates(&equal, "k", "w", "NoSchedule"));
        assert!(!tolerates(&equal, "k", "v", "NoExecute"));
    }

    #[test]
    fn required_affinity_supports_expressions_and_fields() {
        let node = json!({"metadata": {"name": "worker-1", "labels": {"disk": "ssd"}}});
        let spec = |term: Value| json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}}});
        let yes = spec(
            json!({"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}),
        );
        let no = spec(json!({"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}));
        let field = spec(
            json!({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["worker-1"]}]}),
        );
        assert!(affinity_matches(&yes, &node));
        assert!(!affinity_matches(&no, &node));
        assert!(affinity_matches(&field, &node));
    }
}
