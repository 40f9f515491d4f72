//! The Kubernetes objects a diagram is drawn from.
//!
//! Callers either fill [`ClusterObjects`] with typed k8s-openapi objects (the
//! server lists them with kube-rs) or pass parsed YAML/JSON documents to
//! [`ClusterObjects::from_values`]. Parsing text is the caller's job: this
//! crate does no IO.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Node, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;

/// All objects of the kinds diagrams use. Other kinds are not needed.
#[derive(Debug, Clone, Default)]
pub struct ClusterObjects {
    /// Nodes (topology).
    pub nodes: Vec<Node>,
    /// Pods (every diagram).
    pub pods: Vec<Pod>,
    /// Services (service map).
    pub services: Vec<Service>,
    /// EndpointSlices linking Services to pods.
    pub endpoint_slices: Vec<EndpointSlice>,
    /// Ingresses in front of Services.
    pub ingresses: Vec<Ingress>,
    /// Deployments (ownership, service map).
    pub deployments: Vec<Deployment>,
    /// ReplicaSets, one per Deployment revision.
    pub replica_sets: Vec<ReplicaSet>,
    /// StatefulSets.
    pub stateful_sets: Vec<StatefulSet>,
    /// DaemonSets.
    pub daemon_sets: Vec<DaemonSet>,
    /// Jobs, standalone or made by CronJobs.
    pub jobs: Vec<Job>,
    /// CronJobs.
    pub cron_jobs: Vec<CronJob>,
    /// Kinds present in the input that no diagram uses (e.g. ConfigMap), with counts.
    pub ignored_kinds: Vec<(String, usize)>,
}

impl ClusterObjects {
    /// Sorts objects from documents (one Kubernetes object each; `kind: List`
    /// and `*List` documents are unpacked; `null` documents, as left by a
    /// trailing `---`, are skipped).
    pub fn from_values(documents: impl IntoIterator<Item = Value>) -> Result<Self, Error> {
        let mut objects = ClusterObjects::default();
        for (index, doc) in documents.into_iter().enumerate() {
            objects.add_value(index, doc)?;
        }
        objects.ignored_kinds.sort();
        Ok(objects)
    }

    fn add_value(&mut self, index: usize, doc: Value) -> Result<(), Error> {
        if doc.is_null() {
            return Ok(());
        }
        let Some(map) = doc.as_object() else {
            return Err(Error::NotAnObject {
                index,
                message: "expected a mapping".into(),
            });
        };
        let Some(kind) = map.get("kind").and_then(Value::as_str).map(str::to_owned) else {
            return Err(Error::NotAnObject {
                index,
                message: "it has no `kind`".into(),
            });
        };
        if kind == "List" || (kind.ends_with("List") && map.contains_key("items")) {
            let items = map
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let item_kind = kind
                .strip_suffix("List")
                .filter(|k| !k.is_empty())
                .map(str::to_owned);
            for mut item in items {
                if let (Some(k), Some(obj)) = (&item_kind, item.as_object_mut()) {
                    obj.entry("kind")
                        .or_insert_with(|| Value::String(k.clone()));
                }
                self.add_value(index, item)?;
            }
            return Ok(());
        }
        match kind.as_str() {
            "Node" => self.nodes.push(typed(&kind, doc)?),
            "Pod" => self.pods.push(typed(&kind, doc)?),
            "Service" => self.services.push(typed(&kind, doc)?),
            "EndpointSlice" => self.endpoint_slices.push(typed(&kind, doc)?),
            "Ingress" => self.ingresses.push(typed(&kind, doc)?),
            "Deployment" => self.deployments.push(typed(&kind, doc)?),
            "ReplicaSet" => self.replica_sets.push(typed(&kind, doc)?),
            "StatefulSet" => self.stateful_sets.push(typed(&kind, doc)?),
            "DaemonSet" => self.daemon_sets.push(typed(&kind, doc)?),
            "Job" => self.jobs.push(typed(&kind, doc)?),
            "CronJob" => self.cron_jobs.push(typed(&kind, doc)?),
            _ => match self.ignored_kinds.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => self.ignored_kinds.push((kind, 1)),
            },
        }
        Ok(())
    }

    /// Number of objects held, all kinds together.
    pub fn len(&self) -> usize {
        self.nodes.len()
            + self.pods.len()
            + self.services.len()
            + self.endpoint_slices.len()
            + self.ingresses.len()
            + self.deployments.len()
            + self.replica_sets.len()
            + self.stateful_sets.len()
            + self.daemon_sets.len()
            + self.jobs.len()
            + self.cron_jobs.len()
    }

    /// True when no object of a used kind is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn typed<T: DeserializeOwned>(kind: &str, doc: Value) -> Result<T, Error> {
    let name = doc
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("<unnamed>")
        .to_string();
    serde_json::from_value(doc).map_err(|e| Error::InvalidObject {
        kind: kind.to_string(),
        name,
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_documents_by_kind_and_unpacks_lists() {
        let docs = vec![
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}),
            Value::Null,
            json!({"apiVersion": "v1", "kind": "PodList", "items": [
                {"apiVersion": "v1", "metadata": {"name": "p1"}},
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p2"}}
            ]}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}),
        ];
        let objects = ClusterObjects::from_values(docs).unwrap();
        assert_eq!(objects.nodes.len(), 1);
        assert_eq!(objects.pods.len(), 2);
        assert_eq!(objects.ignored_kinds, vec![("ConfigMap".to_string(), 1)]);
    }

    #[test]
    fn malformed_objects_name_their_kind() {
        let docs = vec![
            json!({"kind": "Pod", "metadata": {"name": "bad"}, "spec": {"containers": "nope"}}),
        ];
        let err = ClusterObjects::from_values(docs).unwrap_err().to_string();
        assert!(err.contains("Pod") && err.contains("bad"), "{err}");
        let err = ClusterObjects::from_values(vec![json!({"metadata": {}})]).unwrap_err();
        assert!(err.to_string().contains("no `kind`"));
    }
}
