//! Rows of the apps/v1 controllers: Deployment, ReplicaSet, StatefulSet and
//! DaemonSet, and the ControllerRevisions recording their rollouts (ports of
//! printDeployment, printReplicaSet, printStatefulSet, printDaemonSet and
//! printControllerRevision).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::cells::{
    age, age_column, column, container_cells, container_columns, int, items, name, name_column,
    text, wide_column,
};
use super::selectors::{format_label_selector, format_labels, selector_string};

const SELECTOR_DESCRIPTION: &str = "Label query over pods that should match the replica count. It must match the pod template's labels.";

pub(super) fn deployment_columns() -> Vec<ColumnDefinition> {
    let [containers, images] = container_columns();
    vec![
        name_column(),
        column("Ready", "string", "Number of the pod with ready state"),
        column(
            "Up-to-date",
            "string",
            "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
        ),
        column(
            "Available",
            "string",
            "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
        ),
        age_column(),
        containers,
        images,
        wide_column("Selector", "string", SELECTOR_DESCRIPTION),
    ]
}

pub(super) fn deployment_cells(deployment: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let selector =
        selector_string(&deployment["spec"]["selector"]).unwrap_or_else(|_| "<invalid>".into());
    let [containers, images] = container_cells(&deployment["spec"]["template"]["spec"]);
    vec![
        name(deployment),
        Value::from(format!(
            "{}/{}",
            int(deployment, "/status/readyReplicas"),
            int(deployment, "/spec/replicas")
        )),
        Value::from(int(deployment, "/status/updatedReplicas")),
        Value::from(int(deployment, "/status/availableReplicas")),
        age(deployment, now),
        containers,
        images,
        Value::from(selector),
    ]
}

pub(super) fn replica_set_columns() -> Vec<ColumnDefinition> {
    let [containers, images] = container_columns();
    vec![
        name_column(),
        column(
            "Desired",
            "integer",
            "Replicas is the number of desired pods.",
        ),
        column(
            "Current",
            "integer",
            "Replicas is the most recently observed number of replicas.",
        ),
        column(
            "Ready",
            "integer",
            "The number of pods targeted by this ReplicaSet with a Ready Condition.",
        ),
        age_column(),
        containers,
        images,
        wide_column("Selector", "string", SELECTOR_DESCRIPTION),
    ]
}

pub(super) fn replica_set_cells(replica_set: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let [containers, images] = container_cells(&replica_set["spec"]["template"]["spec"]);
    vec![
        name(replica_set),
        Value::from(int(replica_set, "/spec/replicas")),
        Value::from(int(replica_set, "/status/replicas")),
        Value::from(int(replica_set, "/status/readyReplicas")),
        age(replica_set, now),
        containers,
        images,
        Value::from(format_label_selector(&replica_set["spec"]["selector"])),
    ]
}

pub(super) fn stateful_set_columns() -> Vec<ColumnDefinition> {
    let [containers, images] = container_columns();
    vec![
        name_column(),
        column("Ready", "string", "Number of the pod with ready state"),
        age_column(),
        containers,
        images,
    ]
}

pub(super) fn stateful_set_cells(stateful_set: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let [containers, images] = container_cells(&stateful_set["spec"]["template"]["spec"]);
    vec![
        name(stateful_set),
        Value::from(format!(
            "{}/{}",
            int(stateful_set, "/status/readyReplicas"),
            int(stateful_set, "/spec/replicas")
        )),
        age(stateful_set, now),
        containers,
        images,
    ]
}

pub(super) fn daemon_set_columns() -> Vec<ColumnDefinition> {
    let [containers, images] = container_columns();
    vec![
        name_column(),
        column(
            "Desired",
            "integer",
            "The total number of nodes that should be running the daemon pod.",
        ),
        column(
            "Current",
            "integer",
            "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.",
        ),
        column(
            "Ready",
            "integer",
            "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.",
        ),
        column(
            "Up-to-date",
            "integer",
            "The total number of nodes that are running updated daemon pod.",
        ),
        column(
            "Available",
            "integer",
            "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.",
        ),
        column(
            "Node Selector",
            "string",
            "NodeSelector is a selector which must be true for the pod to fit on a node.",
        ),
        age_column(),
        containers,
        images,
        wide_column(
            "Selector",
            "string",
            "A label query over pods that are managed by the daemon set.",
        ),
    ]
}

pub(super) fn daemon_set_cells(daemon_set: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let template = &daemon_set["spec"]["template"]["spec"];
    let [containers, images] = container_cells(template);
    vec![
        name(daemon_set),
        Value::from(int(daemon_set, "/status/desiredNumberScheduled")),
        Value::from(int(daemon_set, "/status/currentNumberScheduled")),
        Value::from(int(daemon_set, "/status/numberReady")),
        Value::from(int(daemon_set, "/status/updatedNumberScheduled")),
        Value::from(int(daemon_set, "/status/numberAvailable")),
        Value::from(format_labels(&template["nodeSelector"])),
        age(daemon_set, now),
        containers,
        images,
        Value::from(format_label_selector(&daemon_set["spec"]["selector"])),
    ]
}

pub(super) fn controller_revision_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column("Controller", "string", "Controller of the object"),
        column(
            "Revision",
            "string",
            "Revision indicates the revision of the state represented by Data.",
        ),
        age_column(),
    ]
}

/// CONTROLLER is the controlling owner as `kind.group/name`
/// (`statefulset.apps/web`), `<none>` without one.
pub(super) fn controller_revision_cells(revision: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let controller = items(revision, "/metadata/ownerReferences")
        .iter()
        .find(|owner| owner["controller"].as_bool() == Some(true))
        .map_or_else(
            || "<none>".to_string(),
            |owner| {
                let group = text(owner, "/apiVersion")
                    .rsplit_once('/')
                    .map_or("", |(g, _)| g);
                let kind = text(owner, "/kind");
                let group_kind = if group.is_empty() {
                    kind.to_string()
                } else {
                    format!("{kind}.{group}")
                };
                if group_kind.is_empty() {
                    text(owner, "/name").to_string()
                } else {
                    format!("{}/{}", group_kind.to_lowercase(), text(owner, "/name"))
                }
            },
        );
    vec![
        name(revision),
        Value::from(controller),
        Value::from(int(revision, "/revision")),
        age(revision, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2025-01-03T12:00:00Z".parse().unwrap()
    }

    fn template() -> Value {
        json!({
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [
                {"name": "nginx", "image": "nginx:1.27"},
                {"name": "exporter", "image": "nginx-exporter:1.1"}
            ]}
        })
    }

    #[test]
    fn deployment_row() {
        let deployment = json!({
            "metadata": {"name": "web", "creationTimestamp": "2025-01-01T09:00:00Z"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": template()},
            "status": {"replicas": 3, "updatedReplicas": 3, "readyReplicas": 2, "availableReplicas": 2}
        });
        assert_eq!(
            deployment_cells(&deployment, now()),
            [
                json!("web"),
                json!("2/3"),
                json!(3),
                json!(2),
                json!("2d3h"),
                json!("nginx,exporter"),
                json!("nginx:1.27,nginx-exporter:1.1"),
                json!("app=web")
            ]
        );
    }

    #[test]
    fn new_deployment_without_status_is_zero_ready() {
        let deployment =
            json!({"metadata": {"name": "web"}, "spec": {"replicas": 2, "selector": {}}});
        let row = deployment_cells(&deployment, now());
        assert_eq!(row[1..4], [json!("0/2"), json!(0), json!(0)]);
        assert_eq!(row[7], json!(""));
    }

    #[test]
    fn replica_set_row_has_integer_counts() {
        let replica_set = json!({
            "metadata": {"name": "web-7d4b9c8f5", "creationTimestamp": "2025-01-03T11:30:00Z"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "7d4b9c8f5"}},
                     "template": template()},
            "status": {"replicas": 3, "readyReplicas": 1}
        });
        let row = replica_set_cells(&replica_set, now());
        assert_eq!(
            row[..5],
            [
                json!("web-7d4b9c8f5"),
                json!(3),
                json!(3),
                json!(1),
                json!("30m")
            ]
        );
        assert_eq!(row[7], json!("app=web,pod-template-hash=7d4b9c8f5"));
    }

    #[test]
    fn stateful_set_row() {
        let stateful_set = json!({
            "metadata": {"name": "postgres", "creationTimestamp": "2024-12-01T12:00:00Z"},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "postgres", "image": "postgres:17"}]}}},
            "status": {"readyReplicas": 3}
        });
        assert_eq!(
            stateful_set_cells(&stateful_set, now()),
            [
                json!("postgres"),
                json!("3/3"),
                json!("33d"),
                json!("postgres"),
                json!("postgres:17")
            ]
        );
    }

    #[test]
    fn daemon_set_row_with_node_selector() {
        let daemon_set = json!({
            "metadata": {"name": "node-exporter", "creationTimestamp": "2025-01-03T11:00:00Z"},
            "spec": {
                "selector": {"matchLabels": {"app": "node-exporter"}},
                "template": {"spec": {
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "containers": [{"name": "exporter", "image": "prom/node-exporter:v1.8.2"}]
                }}
            },
            "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2,
                       "updatedNumberScheduled": 3, "numberAvailable": 2}
        });
        assert_eq!(
            daemon_set_cells(&daemon_set, now()),
            [
                json!("node-exporter"),
                json!(3),
                json!(3),
                json!(2),
                json!(3),
                json!(2),
                json!("kubernetes.io/os=linux"),
                json!("60m"),
                json!("exporter"),
                json!("prom/node-exporter:v1.8.2"),
                json!("app=node-exporter")
            ]
        );
    }

    #[test]
    fn daemon_set_without_node_selector_prints_none() {
        let daemon_set = json!({"metadata": {"name": "ds"}, "spec": {"template": {"spec": {}}}});
        assert_eq!(daemon_set_cells(&daemon_set, now())[6], json!("<none>"));
    }

    #[test]
    fn controller_revision_names_its_controller() {
        let revision = json!({
            "metadata": {"name": "postgres-6d9f7c", "creationTimestamp": "2025-01-03T11:00:00Z",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "postgres", "controller": true}]},
            "revision": 2
        });
        assert_eq!(
            controller_revision_cells(&revision, now()),
            [
                json!("postgres-6d9f7c"),
                json!("statefulset.apps/postgres"),
                json!(2),
                json!("60m")
            ]
        );
        let orphan = json!({"metadata": {"name": "r", "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "p"}]}});
        assert_eq!(
            controller_revision_cells(&orphan, now())[1],
            json!("<none>")
        );
    }
}
