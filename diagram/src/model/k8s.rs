//! Small readings of Kubernetes objects the builders share: node roles, pool
//! and zone, control-plane components, pod health, owners.

use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::{PodFacts, State};
use crate::lang::Term;

const CONTROL_PLANE_KEYS: [&str; 2] = [
    "node-role.kubernetes.io/control-plane",
    "node-role.kubernetes.io/master",
];

/// Labels that name a node's pool, most specific first (GKE, EKS, AKS, Karpenter, generic).
const POOL_LABELS: [&str; 7] = [
    "cloud.google.com/gke-nodepool",
    "eks.amazonaws.com/nodegroup",
    "kubernetes.azure.com/agentpool",
    "agentpool",
    "karpenter.sh/nodepool",
    "node.kubernetes.io/pool",
    "node-pool",
];

const ZONE_LABELS: [&str; 2] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

pub fn name(meta: &ObjectMeta) -> &str {
    meta.name.as_deref().unwrap_or("")
}

pub fn namespace(meta: &ObjectMeta) -> &str {
    meta.namespace.as_deref().unwrap_or("default")
}

pub fn label<'a>(meta: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    meta.labels.as_ref()?.get(key).map(String::as_str)
}

/// A node is control plane when it carries the role label or the role taint.
pub fn is_control_plane(node: &Node) -> bool {
    let labelled = CONTROL_PLANE_KEYS
        .iter()
        .any(|k| label(&node.metadata, k).is_some());
    labelled || taints(node).any(|(key, _)| CONTROL_PLANE_KEYS.contains(&key))
}

/// A node runs workloads unless it is tainted NoSchedule/NoExecute for
/// everyone (the control-plane taint, or `spec.unschedulable`).
pub fn runs_workloads(node: &Node) -> bool {
    let cordoned = is_cordoned(node);
    let control_plane_taint = taints(node).any(|(key, effect)| {
        CONTROL_PLANE_KEYS.contains(&key) && (effect == "NoSchedule" || effect == "NoExecute")
    });
    !cordoned && !control_plane_taint
}

fn taints(node: &Node) -> impl Iterator<Item = (&str, &str)> {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .map(|t| (t.key.as_str(), t.effect.as_str()))
}

/// True when the node is marked unschedulable (`kubectl cordon`).
pub fn is_cordoned(node: &Node) -> bool {
    node.spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
}

/// True when the node reports condition Ready=True.
pub fn is_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

pub fn kubelet_version(node: &Node) -> Option<&str> {
    node.status
        .as_ref()?
        .node_info
        .as_ref()
        .map(|i| i.kubelet_version.as_str())
}

pub fn internal_ip(node: &Node) -> Option<&str> {
    node.status
        .as_ref()?
        .addresses
        .as_ref()?
        .iter()
        .find(|a| a.type_ == "InternalIP")
        .map(|a| a.address.as_str())
}

/// The node's pool name, if any pool label is set.
pub fn pool(node: &Node) -> Option<&str> {
    POOL_LABELS.iter().find_map(|k| label(&node.metadata, k))
}

pub fn zone(node: &Node) -> Option<&str> {
    ZONE_LABELS.iter().find_map(|k| label(&node.metadata, k))
}

/// The control-plane component a kube-system pod is, if it is one
/// (kubeadm static pods carry `component: <name>`; names are checked too).
pub fn control_plane_component<P: PodFacts + ?Sized>(pod: &P) -> Option<Term> {
    if pod.namespace() != "kube-system" {
        return None;
    }
    let component = pod.label("component").unwrap_or("");
    let name = pod.name();
    let is = |c: &str| component == c || name.starts_with(&format!("{c}-")) || name == c;
    if is("etcd") {
        Some(Term::Etcd)
    } else if is("kube-apiserver") {
        Some(Term::ApiServer)
    } else if is("kube-controller-manager") {
        Some(Term::ControllerManager)
    } else if is("kube-scheduler") {
        Some(Term::Scheduler)
    } else {
        None
    }
}

pub fn is_kube_proxy<P: PodFacts + ?Sized>(pod: &P) -> bool {
    pod.namespace() == "kube-system"
        && (pod.label("k8s-app") == Some("kube-proxy") || pod.name().starts_with("kube-proxy-"))
}

/// Pod health from its phase and container states.
pub fn pod_state(pod: &Pod) -> State {
    let Some(status) = pod.status.as_ref() else {
        return State::Pending;
    };
    let waiting_badly = status.container_statuses.iter().flatten().any(|c| {
        c.state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.as_deref())
            .is_some_and(|r| {
                r.contains("BackOff") || r.contains("Err") || r == "CreateContainerConfigError"
            })
    });
    match status.phase.as_deref() {
        _ if waiting_badly => State::Failed,
        Some("Running") => State::Normal,
        Some("Succeeded") => State::Done,
        Some("Failed") => State::Failed,
        _ => State::Pending,
    }
}

/// The controlling owner reference, if any.
pub fn controller(meta: &ObjectMeta) -> Option<&OwnerReference> {
    let owners = meta.owner_references.as_ref()?;
    owners
        .iter()
        .find(|o| o.controller == Some(true))
        .or_else(|| owners.first())
}

/// A short "who made this pod" key: `ReplicaSet web-5d9f` → `web` (the Deployment),
/// other owners by name, bare pods by their own name.
pub fn owner_group<P: PodFacts + ?Sized>(pod: &P) -> String {
    match pod.controller() {
        Some(("ReplicaSet", owner)) => match owner.rsplit_once('-') {
            Some((deployment, hash)) if !deployment.is_empty() && hash.len() >= 5 => {
                deployment.to_string()
            }
            _ => owner.to_string(),
        },
        Some(("Job", owner)) => match owner.rsplit_once('-') {
            // Jobs made by a CronJob end in a numeric schedule stamp.
            Some((cron, stamp))
                if !cron.is_empty()
                    && stamp.len() >= 8
                    && stamp.bytes().all(|b| b.is_ascii_digit()) =>
            {
                cron.to_string()
            }
            _ => owner.to_string(),
        },
        Some((_, owner)) => owner.to_string(),
        None => pod.name().to_string(),
    }
}
