//! Server-side printing: the `meta.k8s.io/v1` Table that `kubectl get` asks
//! for, with the columns a real API server prints for each kind.
//!
//! Every supported kind is a port of its printer in upstream
//! `pkg/printers/internalversion/printers.go` (Kubernetes 1.32): the same
//! column names, types and priorities (priority 1 = only `-o wide`), and the
//! same cell values and JSON types (an `int64` there is a JSON number here).
//! Like the real server, rows always carry the wide cells; kubectl hides the
//! priority-1 columns itself.
//!
//! Role, ClusterRole and CustomResourceDefinition have no printer upstream;
//! they get the API server's default `Name` / `Created At` table. Other kinds
//! without a printer get `Name` and `Age`, the shape a custom resource
//! without `additionalPrinterColumns` has; custom resources with printer
//! columns go through [`crd_columns`] and [`crd_row_cells`].
//!
//! Objects are read as stored JSON: a missing field is its Go zero value.
//! Where the real API server would have defaulted a field before printing
//! (a Service's `type`, a port's `protocol`, `status.podIPs`), the printer
//! falls back to the default or the legacy field.

mod autoscaling;
mod batch;
mod cells;
mod classes;
mod cluster;
mod config;
mod custom;
mod duration;
mod events;
mod jsonpath;
mod network;
mod nodes;
mod pods;
mod rbac;
mod selectors;
mod storage;
mod workloads;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

pub use custom::{crd_columns, crd_row_cells};
pub use duration::human_duration;
pub use pods::{PodSummary, summarize_pod};

/// One column of a Table, as `meta.k8s.io/v1` `TableColumnDefinition`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnDefinition {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub format: String,
    pub description: String,
    /// 0 for default columns, 1 for those only `-o wide` shows.
    pub priority: i32,
}

impl ColumnDefinition {
    fn new(name: &str, type_: &str, format: &str, description: &str, priority: i32) -> Self {
        Self {
            name: name.into(),
            type_: type_.into(),
            format: format.into(),
            description: description.into(),
            priority,
        }
    }
}

/// Produces the column definitions of one kind.
type ColumnsFn = fn() -> Vec<ColumnDefinition>;
/// Turns one object into its row cells at a given time.
type CellsFn = fn(&Value, DateTime<Utc>) -> Vec<Value>;

/// The printer of one kind: its columns and how one object becomes a row.
struct Printer {
    columns: ColumnsFn,
    cells: CellsFn,
}

/// The printer for `kind` in API `group` (`""` or `"core"` for the core
/// group), or `None` when the kind prints the default `Name`/`Age` columns.
fn printer(group: &str, kind: &str) -> Option<Printer> {
    let group = if group == "core" { "" } else { group };
    let (columns, cells): (ColumnsFn, CellsFn) = match (group, kind) {
        ("", "Pod") => (pods::columns, pods::cells),
        ("", "Node") => (nodes::columns, nodes::cells),
        ("", "Namespace") => (cluster::namespace_columns, cluster::namespace_cells),
        ("", "Service") => (network::service_columns, network::service_cells),
        ("", "Endpoints") => (network::endpoints_columns, network::endpoints_cells),
        ("", "ConfigMap") => (config::config_map_columns, config::config_map_cells),
        ("", "Secret") => (config::secret_columns, config::secret_cells),
        ("", "ServiceAccount") => (
            config::service_account_columns,
            config::service_account_cells,
        ),
        ("", "Event") => (events::columns, events::core_cells),
        ("events.k8s.io", "Event") => (events::columns, events::events_k8s_io_cells),
        ("", "PersistentVolume") => (storage::pv_columns, storage::pv_cells),
        ("", "PersistentVolumeClaim") => (storage::pvc_columns, storage::pvc_cells),
        ("storage.k8s.io", "StorageClass") => {
            (storage::storage_class_columns, storage::storage_class_cells)
        }
        ("discovery.k8s.io", "EndpointSlice") => (
            network::endpoint_slice_columns,
            network::endpoint_slice_cells,
        ),
        ("apps", "Deployment") => (workloads::deployment_columns, workloads::deployment_cells),
        ("apps", "ReplicaSet") => (workloads::replica_set_columns, workloads::replica_set_cells),
        ("apps", "StatefulSet") => (
            workloads::stateful_set_columns,
            workloads::stateful_set_cells,
        ),
        ("apps", "DaemonSet") => (workloads::daemon_set_columns, workloads::daemon_set_cells),
        ("batch", "Job") => (batch::job_columns, batch::job_cells),
        ("batch", "CronJob") => (batch::cron_job_columns, batch::cron_job_cells),
        ("networking.k8s.io", "Ingress") => (network::ingress_columns, network::ingress_cells),
        ("networking.k8s.io", "NetworkPolicy") => (
            network::network_policy_columns,
            network::network_policy_cells,
        ),
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => {
            (cells::created_at_columns, cells::created_at_cells)
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            (rbac::binding_columns, rbac::binding_cells)
        }
        ("coordination.k8s.io", "Lease") => (cluster::lease_columns, cluster::lease_cells),
        ("policy", "PodDisruptionBudget") => (cluster::pdb_columns, cluster::pdb_cells),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            (cells::created_at_columns, cells::created_at_cells)
        }
        ("", "ResourceQuota") => (
            cluster::resource_quota_columns,
            cluster::resource_quota_cells,
        ),
        ("apps", "ControllerRevision") => (
            workloads::controller_revision_columns,
            workloads::controller_revision_cells,
        ),
        ("autoscaling", "HorizontalPodAutoscaler") => {
            (autoscaling::hpa_columns, autoscaling::hpa_cells)
        }
        ("networking.k8s.io", "IngressClass") => {
            (classes::ingress_class_columns, classes::ingress_class_cells)
        }
        ("scheduling.k8s.io", "PriorityClass") => (
            classes::priority_class_columns,
            classes::priority_class_cells,
        ),
        ("node.k8s.io", "RuntimeClass") => {
            (classes::runtime_class_columns, classes::runtime_class_cells)
        }
        _ => return None,
    };
    Some(Printer { columns, cells })
}

/// The columns printed for objects of `kind` in API group `group`.
pub fn column_definitions(group: &str, kind: &str) -> Vec<ColumnDefinition> {
    match printer(group, kind) {
        Some(printer) => (printer.columns)(),
        None => vec![cells::name_column(), cells::age_column()],
    }
}

/// The cells of one row for `object`, in the order of [`column_definitions`].
/// `now` is the simulated clock, used for ages.
pub fn row_cells(group: &str, kind: &str, object: &Value, now: DateTime<Utc>) -> Vec<Value> {
    match printer(group, kind) {
        Some(printer) => (printer.cells)(object, now),
        None => vec![cells::name(object), cells::age(object, now)],
    }
}

/// The `conditions` of `object`'s TableRow (`meta.k8s.io/v1`
/// TableRowCondition objects): only finished pods carry one, `Completed`.
pub fn row_conditions(group: &str, kind: &str, object: &Value) -> Vec<Value> {
    match (group, kind) {
        ("" | "core", "Pod") => pods::row_conditions(object),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2025-01-01T12:00:00Z".parse().unwrap()
    }

    /// The (group, kind) pairs that have a dedicated printer.
    const PRINTED: &[(&str, &str)] = &[
        ("", "Pod"),
        ("", "Node"),
        ("", "Namespace"),
        ("", "Service"),
        ("", "Endpoints"),
        ("", "ConfigMap"),
        ("", "Secret"),
        ("", "ServiceAccount"),
        ("", "Event"),
        ("events.k8s.io", "Event"),
        ("", "PersistentVolume"),
        ("", "PersistentVolumeClaim"),
        ("storage.k8s.io", "StorageClass"),
        ("discovery.k8s.io", "EndpointSlice"),
        ("apps", "Deployment"),
        ("apps", "ReplicaSet"),
        ("apps", "StatefulSet"),
        ("apps", "DaemonSet"),
        ("batch", "Job"),
        ("batch", "CronJob"),
        ("networking.k8s.io", "Ingress"),
        ("networking.k8s.io", "NetworkPolicy"),
        ("rbac.authorization.k8s.io", "Role"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "RoleBinding"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("coordination.k8s.io", "Lease"),
        ("policy", "PodDisruptionBudget"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("", "ResourceQuota"),
        ("apps", "ControllerRevision"),
        ("autoscaling", "HorizontalPodAutoscaler"),
        ("networking.k8s.io", "IngressClass"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("node.k8s.io", "RuntimeClass"),
    ];

    #[test]
    fn every_row_has_one_cell_per_column_even_for_an_empty_object() {
        let empty = json!({});
        for (group, kind) in PRINTED {
            let columns = column_definitions(group, kind);
            let cells = row_cells(group, kind, &empty, now());
            assert_eq!(columns.len(), cells.len(), "{group}/{kind}");
        }
    }

    #[test]
    fn every_listed_kind_has_its_own_printer() {
        let default = column_definitions("example.com", "Widget");
        for (group, kind) in PRINTED {
            assert_ne!(column_definitions(group, kind), default, "{group}/{kind}");
        }
    }

    #[test]
    fn exactly_one_name_formatted_column_per_kind() {
        for (group, kind) in PRINTED {
            let names: Vec<_> = column_definitions(group, kind)
                .into_iter()
                .filter(|c| c.format == "name")
                .collect();
            assert_eq!(names.len(), 1, "{group}/{kind}");
            assert_eq!(names[0].name, "Name", "{group}/{kind}");
        }
    }

    #[test]
    fn name_is_the_first_column_except_for_events() {
        for (group, kind) in PRINTED {
            let first = &column_definitions(group, kind)[0];
            if *kind == "Event" {
                assert_eq!(first.name, "Last Seen");
            } else {
                assert_eq!(first.name, "Name", "{group}/{kind}");
            }
        }
    }

    #[test]
    fn unknown_kinds_print_name_and_age() {
        let widget =
            json!({"metadata": {"name": "w1", "creationTimestamp": "2025-01-01T11:00:00Z"}});
        let columns = column_definitions("example.com", "Widget");
        assert_eq!(
            columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["Name", "Age"]
        );
        assert_eq!(
            row_cells("example.com", "Widget", &widget, now()),
            [json!("w1"), json!("60m")]
        );
    }

    #[test]
    fn core_group_may_be_spelled_core() {
        assert_eq!(
            column_definitions("core", "Pod"),
            column_definitions("", "Pod")
        );
    }

    #[test]
    fn a_core_kind_name_in_another_group_is_not_confused_with_it() {
        assert_eq!(column_definitions("example.com", "Pod").len(), 2);
    }

    #[test]
    fn finished_pods_carry_a_completed_row_condition() {
        let done = json!({"status": {"phase": "Succeeded"}});
        assert_eq!(
            row_conditions("", "Pod", &done),
            [
                json!({"type": "Completed", "status": "True", "reason": "Succeeded",
                    "message": "The pod has completed successfully."})
            ]
        );
        let failed = json!({"status": {"phase": "Failed"}});
        assert_eq!(
            row_conditions("", "Pod", &failed)[0]["reason"],
            json!("Failed")
        );
        let running = json!({"status": {"phase": "Running"}});
        assert!(row_conditions("", "Pod", &running).is_empty());
        assert!(row_conditions("batch", "Job", &done).is_empty());
    }

    #[test]
    fn column_definitions_serialize_like_meta_v1() {
        let column = &column_definitions("", "Pod")[5];
        assert_eq!(
            serde_json::to_value(column).unwrap(),
            json!({"name": "IP", "type": "string", "format": "",
                   "description": column.description, "priority": 1})
        );
    }
}
