//! Services, EndpointSlices, Ingresses and workloads for the service map
//! and the ownership graph, rebuilt from the shared caches' rows and the
//! [`Wiring`] each keeps — as `from_rows` does for nodes and pods — so a
//! redraw reads memory the watches already hold and never lists whole
//! objects from the cluster again, however many browsers watch the map.
//! Only what the diagram crate reads is filled in.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetStatus, Deployment, DeploymentSpec, ReplicaSet, ReplicaSetSpec,
    StatefulSet, StatefulSetSpec,
};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec};
use k8s_openapi::api::core::v1::{ObjectReference, Service, ServicePort, ServiceSpec};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointSlice};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::from_rows::meta;
use crate::row::{Row, Wiring};

/// The Service a row describes: type, cluster IP, ports and selector.
pub fn service(row: &Row) -> Service {
    let (type_, cluster_ip, ports) = match row.wiring.as_deref() {
        Some(Wiring::Service {
            type_,
            cluster_ip,
            ports,
        }) => (type_.clone(), cluster_ip.clone(), ports.clone()),
        _ => Default::default(),
    };
    Service {
        metadata: labelled(row),
        spec: Some(ServiceSpec {
            type_: Some(type_),
            cluster_ip: Some(cluster_ip),
            selector: row.selector.clone(),
            ports: Some(
                ports
                    .into_iter()
                    .map(|(port, protocol)| ServicePort {
                        port,
                        protocol: Some(protocol),
                        ..ServicePort::default()
                    })
                    .collect(),
            ),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

/// The EndpointSlice a row describes: its Service (by label), how many
/// endpoints it has and the pods they point at.
pub fn endpoint_slice(row: &Row) -> EndpointSlice {
    let (count, pods) = match row.wiring.as_deref() {
        Some(Wiring::EndpointSlice { endpoints, pods }) => (*endpoints, pods.as_slice()),
        _ => (0, [].as_slice()),
    };
    let pod_ref = |name: &String| ObjectReference {
        kind: Some("Pod".into()),
        name: Some(name.clone()),
        namespace: row.namespace.clone(),
        ..ObjectReference::default()
    };
    // One endpoint per pod, then address-only ones up to the count.
    let endpoints = (0..count.max(pods.len()))
        .map(|i| Endpoint {
            target_ref: pods.get(i).map(pod_ref),
            ..Endpoint::default()
        })
        .collect();
    EndpointSlice {
        metadata: labelled(row),
        endpoints: Some(endpoints),
        ..EndpointSlice::default()
    }
}

/// The Ingress a row describes: its hosts, and a rule per Service it
/// routes to.
pub fn ingress(row: &Row) -> Ingress {
    let (hosts, services) = match row.wiring.as_deref() {
        Some(Wiring::Ingress { hosts, services }) => (hosts.as_slice(), services.as_slice()),
        _ => ([].as_slice(), [].as_slice()),
    };
    let backend = |name: &String| HTTPIngressPath {
        backend: IngressBackend {
            service: Some(IngressServiceBackend {
                name: name.clone(),
                ..IngressServiceBackend::default()
            }),
            ..IngressBackend::default()
        },
        ..HTTPIngressPath::default()
    };
    let mut rules: Vec<IngressRule> = hosts
        .iter()
        .map(|host| IngressRule {
            host: Some(host.clone()),
            ..IngressRule::default()
        })
        .collect();
    rules.push(IngressRule {
        http: Some(HTTPIngressRuleValue {
            paths: services.iter().map(backend).collect(),
        }),
        ..IngressRule::default()
    });
    Ingress {
        metadata: labelled(row),
        spec: Some(IngressSpec {
            rules: Some(rules),
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    }
}

/// What a workload row keeps for the ownership graph.
#[derive(Default)]
struct Workload {
    replicas: Option<i32>,
    revision: Option<String>,
    desired_scheduled: i32,
    schedule: String,
    completions: Option<i32>,
}

fn workload(row: &Row) -> Workload {
    match row.wiring.as_deref() {
        Some(Wiring::Workload {
            replicas,
            revision,
            desired_scheduled,
            schedule,
            completions,
        }) => Workload {
            replicas: *replicas,
            revision: revision.clone(),
            desired_scheduled: *desired_scheduled,
            schedule: schedule.clone(),
            completions: *completions,
        },
        _ => Workload::default(),
    }
}

pub fn deployment(row: &Row) -> Deployment {
    Deployment {
        metadata: labelled(row),
        spec: DeploymentSpec {
            replicas: workload(row).replicas,
            ..DeploymentSpec::default()
        },
        ..Deployment::default()
    }
}

pub fn replica_set(row: &Row) -> ReplicaSet {
    let Workload {
        replicas, revision, ..
    } = workload(row);
    let mut metadata = labelled(row);
    metadata.annotations =
        revision.map(|r| BTreeMap::from([("deployment.kubernetes.io/revision".to_owned(), r)]));
    ReplicaSet {
        metadata,
        spec: ReplicaSetSpec {
            replicas,
            ..ReplicaSetSpec::default()
        },
        ..ReplicaSet::default()
    }
}

pub fn stateful_set(row: &Row) -> StatefulSet {
    StatefulSet {
        metadata: labelled(row),
        spec: StatefulSetSpec {
            replicas: workload(row).replicas,
            ..StatefulSetSpec::default()
        },
        ..StatefulSet::default()
    }
}

pub fn daemon_set(row: &Row) -> DaemonSet {
    DaemonSet {
        metadata: labelled(row),
        status: Some(DaemonSetStatus {
            desired_number_scheduled: workload(row).desired_scheduled,
            ..DaemonSetStatus::default()
        }),
        ..DaemonSet::default()
    }
}

pub fn job(row: &Row) -> Job {
    Job {
        metadata: labelled(row),
        spec: Some(JobSpec {
            completions: workload(row).completions,
            ..JobSpec::default()
        }),
        ..Job::default()
    }
}

pub fn cron_job(row: &Row) -> CronJob {
    CronJob {
        metadata: labelled(row),
        spec: CronJobSpec {
            schedule: workload(row).schedule,
            ..CronJobSpec::default()
        },
        ..CronJob::default()
    }
}

/// Identity, owners and labels (an EndpointSlice names its Service by one).
fn labelled(row: &Row) -> ObjectMeta {
    ObjectMeta {
        labels: Some(row.labels.clone()),
        ..meta(row)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::kind::KindInfo;

    fn row(group: &str, plural: &str, kind: &str, object: serde_json::Value) -> Row {
        let info = KindInfo::builtin(group, "v1", plural, kind, true);
        crate::rows::project(&info, &object)
    }

    /// What the service map is drawn from is the same whether the cluster
    /// sent it or a row kept it: drawn both ways, the maps are equal.
    #[test]
    fn a_service_map_from_rows_matches_one_from_whole_objects() {
        let pod = |name: &str| {
            json!({"metadata": {"name": name, "namespace": "shop", "labels": {"app": "web"},
                    "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d4", "uid": "rs1", "controller": true}]},
                   "spec": {"nodeName": "worker-1", "containers": [{"name": "c"}]},
                   "status": {"phase": "Running", "containerStatuses": [
                       {"name": "c", "ready": true, "restartCount": 0, "state": {"running": {}}}]}})
        };
        let service = json!({"metadata": {"name": "web", "namespace": "shop", "uid": "s1"},
            "spec": {"type": "NodePort", "clusterIP": "10.96.0.7", "selector": {"app": "web"},
                     "ports": [{"port": 80, "protocol": "TCP", "nodePort": 30080}, {"port": 53, "protocol": "UDP"}]}});
        let slice = json!({"metadata": {"name": "web-abc", "namespace": "shop", "uid": "e1",
                "labels": {"kubernetes.io/service-name": "web"}},
            "addressType": "IPv4",
            "endpoints": [
                {"addresses": ["10.0.0.1"], "targetRef": {"kind": "Pod", "name": "web-1", "namespace": "shop"}},
                {"addresses": ["10.0.0.2"], "targetRef": {"kind": "Pod", "name": "web-2", "namespace": "shop"}},
                {"addresses": ["10.0.0.9"]}]});
        let ingress = json!({"metadata": {"name": "front", "namespace": "shop", "uid": "i1"},
            "spec": {"rules": [{"host": "shop.example", "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}});

        // Pods come from rows in both (as they always have): what differs is
        // only where the Service, slice and Ingress come from.
        let pods = KindInfo::builtin("", "v1", "pods", "Pod", true);
        let pods: Vec<_> = [pod("web-1"), pod("web-2")]
            .iter()
            .map(|p| super::super::from_rows::pod(&crate::rows::project(&pods, p)))
            .collect();
        let typed = |mut object: serde_json::Value, api_version: &str, kind: &str| {
            object["apiVersion"] = api_version.into();
            object["kind"] = kind.into();
            object
        };
        let whole = diagram::ClusterObjects {
            pods: pods.clone(),
            ..diagram::ClusterObjects::from_values([
                typed(service.clone(), "v1", "Service"),
                typed(slice.clone(), "discovery.k8s.io/v1", "EndpointSlice"),
                typed(ingress.clone(), "networking.k8s.io/v1", "Ingress"),
            ])
            .unwrap()
        };
        let rows = diagram::ClusterObjects {
            pods,
            services: vec![super::service(&row("", "services", "Service", service))],
            endpoint_slices: vec![endpoint_slice(&row(
                "discovery.k8s.io",
                "endpointslices",
                "EndpointSlice",
                slice,
            ))],
            ingresses: vec![super::ingress(&row(
                "networking.k8s.io",
                "ingresses",
                "Ingress",
                ingress,
            ))],
            ..Default::default()
        };
        let options = diagram::Options::default();
        let from_whole = diagram::build(diagram::DiagramKind::Service, &whole, &options).unwrap();
        let from_rows = diagram::build(diagram::DiagramKind::Service, &rows, &options).unwrap();
        assert_eq!(
            diagram::render::plantuml(&from_rows),
            diagram::render::plantuml(&from_whole)
        );
        let text = diagram::render::plantuml(&from_rows);
        assert!(text.contains("80/TCP, 53/UDP"), "{text}");
        assert!(text.contains("shop.example"), "{text}");
        assert!(text.contains("3 endpoints"), "{text}");
    }

    /// The ownership graph likewise, with each kind's label (replicas,
    /// revision, desired, schedule, completions).
    #[test]
    fn an_ownership_graph_from_rows_matches_one_from_whole_objects() {
        let owned = |kind: &str, name: &str, uid: &str| json!([{"kind": kind, "name": name, "uid": uid, "controller": true}]);
        let objects = [
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "shop", "uid": "d1"},
                "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {}}}),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": "web-5d4", "namespace": "shop", "uid": "rs1",
                    "annotations": {"deployment.kubernetes.io/revision": "2"},
                    "ownerReferences": owned("Deployment", "web", "d1")},
                "spec": {"replicas": 3, "selector": {}}}),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": "web-1a2", "namespace": "shop", "uid": "rs0",
                    "annotations": {"deployment.kubernetes.io/revision": "1"},
                    "ownerReferences": owned("Deployment", "web", "d1")},
                "spec": {"replicas": 0, "selector": {}}}),
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": {"name": "db", "namespace": "shop", "uid": "ss1"},
                "spec": {"replicas": 2, "serviceName": "db", "selector": {}, "template": {}}}),
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
                "metadata": {"name": "agent", "namespace": "shop", "uid": "ds1"},
                "spec": {"selector": {}, "template": {}},
                "status": {"desiredNumberScheduled": 4, "currentNumberScheduled": 4,
                    "numberMisscheduled": 0, "numberReady": 4}}),
            json!({"apiVersion": "batch/v1", "kind": "CronJob",
                "metadata": {"name": "nightly", "namespace": "shop", "uid": "cj1"},
                "spec": {"schedule": "0 3 * * *", "jobTemplate": {}}}),
            json!({"apiVersion": "batch/v1", "kind": "Job",
                "metadata": {"name": "nightly-1", "namespace": "shop", "uid": "j1",
                    "ownerReferences": owned("CronJob", "nightly", "cj1")},
                "spec": {"completions": 1, "template": {}}}),
            json!({"apiVersion": "batch/v1", "kind": "Job",
                "metadata": {"name": "migrate", "namespace": "shop", "uid": "j2"},
                "spec": {"completions": 5, "template": {}}}),
        ];
        let whole = diagram::ClusterObjects::from_values(objects.clone()).unwrap();
        let mut rows = diagram::ClusterObjects::default();
        for object in objects {
            let kind = object["kind"].as_str().unwrap().to_owned();
            let group = if kind == "Job" || kind == "CronJob" {
                "batch"
            } else {
                "apps"
            };
            let r = row(group, "x", &kind, object);
            match kind.as_str() {
                "Deployment" => rows.deployments.push(deployment(&r)),
                "ReplicaSet" => rows.replica_sets.push(replica_set(&r)),
                "StatefulSet" => rows.stateful_sets.push(stateful_set(&r)),
                "DaemonSet" => rows.daemon_sets.push(daemon_set(&r)),
                "CronJob" => rows.cron_jobs.push(cron_job(&r)),
                _ => rows.jobs.push(job(&r)),
            }
        }
        let options = diagram::Options::default();
        let kind = diagram::DiagramKind::Ownership;
        let from_whole = diagram::build(kind, &whole, &options).unwrap();
        let from_rows = diagram::build(kind, &rows, &options).unwrap();
        let text = diagram::render::plantuml(&from_rows);
        assert_eq!(text, diagram::render::plantuml(&from_whole));
        for label in [
            "replicas 3",
            "replicas 2",
            "desired 4",
            "\"0 3 ", // the schedule (PlantUML escapes its asterisks)
            "completions 5",
        ] {
            assert!(text.contains(label), "{label} missing from {text}");
        }
    }
}
