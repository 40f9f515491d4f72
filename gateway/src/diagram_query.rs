//! What a diagram page, a live subscription or the diagram API asks for.
//! Plain data, shared with the browser.

use serde::{Deserialize, Serialize};

/// The four diagrams, by the names URLs and the API use.
pub const DIAGRAM_KINDS: [&str; 4] = ["topology", "pod", "service", "ownership"];

/// One diagram of one cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DiagramQuery {
    /// `topology`, `pod`, `service` or `ownership`.
    pub kind: String,
    /// Only this namespace (a pod's, a Service's, a workload's).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Only this object: the pod of a pod diagram, the Service of a service
    /// map, the workload of an ownership diagram.
    #[serde(default)]
    pub name: Option<String>,
    /// Node groups of a large cluster drawn node by node (drill-down).
    #[serde(default)]
    pub expand: Vec<String>,
    /// `en` or `zh-CN`: the language of the diagram's fixed labels.
    #[serde(default)]
    pub lang: String,
}

/// The URL segment of the kind a diagram's box stands for (`Pod` →
/// `pods`, `Deployment` → `deployments.apps`), for links to its page.
pub fn kind_slug(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Node" => "nodes",
        "Pod" => "pods",
        "Service" => "services",
        "Ingress" => "ingresses.networking.k8s.io",
        "EndpointSlice" => "endpointslices.discovery.k8s.io",
        "Deployment" => "deployments.apps",
        "ReplicaSet" => "replicasets.apps",
        "StatefulSet" => "statefulsets.apps",
        "DaemonSet" => "daemonsets.apps",
        "Job" => "jobs.batch",
        "CronJob" => "cronjobs.batch",
        _ => return None,
    })
}
