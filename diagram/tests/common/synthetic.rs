//! Synthetic clusters of any size, for property tests and the benchmark.

use std::collections::BTreeMap;

use diagram::ClusterObjects;
use k8s_openapi::api::core::v1::{
    Container, Node, NodeCondition, NodeSpec, NodeStatus, Pod, PodSpec, PodStatus, Taint,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

/// Shape of a generated cluster.
#[derive(Debug, Clone)]
pub struct Shape {
    pub nodes: usize,
    pub pods: usize,
    pub control_plane: usize,
    pub pools: usize,
    pub zones: usize,
    pub namespaces: usize,
    pub seed: u64,
}

/// A small deterministic generator (no global randomness).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

fn meta(name: String, namespace: Option<String>, labels: BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace,
        labels: Some(labels),
        ..ObjectMeta::default()
    }
}

/// A cluster of `shape.nodes` nodes (the first `control_plane` of them tainted
/// control-plane nodes) and `shape.pods` pods spread over them.
pub fn cluster(shape: &Shape) -> ClusterObjects {
    let mut rng = Lcg(shape.seed);
    let mut objects = ClusterObjects::default();
    for i in 0..shape.nodes {
        let name = format!("node-{i:05}");
        let mut labels = BTreeMap::new();
        let cp = i < shape.control_plane;
        if cp {
            labels.insert(
                "node-role.kubernetes.io/control-plane".into(),
                String::new(),
            );
        } else {
            labels.insert(
                "cloud.google.com/gke-nodepool".into(),
                format!("pool-{}", rng.next(shape.pools)),
            );
            labels.insert(
                "topology.kubernetes.io/zone".into(),
                format!("zone-{}", rng.next(shape.zones)),
            );
        }
        let ready = rng.next(20) != 0;
        objects.nodes.push(Node {
            metadata: meta(name, None, labels),
            spec: Some(NodeSpec {
                taints: cp.then(|| {
                    vec![Taint {
                        key: "node-role.kubernetes.io/control-plane".into(),
                        effect: "NoSchedule".into(),
                        ..Taint::default()
                    }]
                }),
                ..NodeSpec::default()
            }),
            status: Some(NodeStatus {
                conditions: Some(vec![NodeCondition {
                    type_: "Ready".into(),
                    status: if ready { "True" } else { "False" }.into(),
                    ..NodeCondition::default()
                }]),
                ..NodeStatus::default()
            }),
        });
    }
    for cp in 0..shape.control_plane.min(shape.nodes) {
        for component in [
            "etcd",
            "kube-apiserver",
            "kube-controller-manager",
            "kube-scheduler",
        ] {
            let labels = BTreeMap::from([("component".to_string(), component.to_string())]);
            objects.pods.push(pod(
                format!("{component}-node-{cp:05}"),
                "kube-system",
                labels,
                cp,
                None,
                "Running",
            ));
        }
    }
    for i in 0..shape.pods {
        let ns = format!("team-{}", rng.next(shape.namespaces));
        let app = format!("app-{}", rng.next(12));
        let node = rng.next(shape.nodes);
        let owner = OwnerReference {
            api_version: "apps/v1".into(),
            kind: "ReplicaSet".into(),
            name: format!("{app}-7c9d8f6b5"),
            uid: format!("uid-{ns}-{app}"),
            controller: Some(true),
            ..OwnerReference::default()
        };
        let phase = ["Running", "Running", "Running", "Pending", "Failed"][rng.next(5)];
        let labels = BTreeMap::from([("app".to_string(), app.clone())]);
        objects.pods.push(pod(
            format!("{app}-7c9d8f6b5-{i:06}"),
            &ns,
            labels,
            node,
            Some(owner),
            phase,
        ));
    }
    objects
}

fn pod(
    name: String,
    ns: &str,
    labels: BTreeMap<String, String>,
    node: usize,
    owner: Option<OwnerReference>,
    phase: &str,
) -> Pod {
    let mut metadata = meta(name.clone(), Some(ns.to_string()), labels);
    metadata.owner_references = owner.map(|o| vec![o]);
    Pod {
        metadata,
        spec: Some(PodSpec {
            node_name: Some(format!("node-{node:05}")),
            containers: vec![Container {
                name: "main".into(),
                image: Some("busybox:1.36".into()),
                ..Container::default()
            }],
            ..PodSpec::default()
        }),
        status: Some(PodStatus {
            phase: Some(phase.into()),
            ..PodStatus::default()
        }),
    }
}
