//! Rows of cluster-housekeeping kinds: Namespace, coordination Lease and
//! policy PodDisruptionBudget (ports of printNamespace, printLease and
//! printPodDisruptionBudget).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::cells::{age, age_column, column, int, name, name_column, quantity, text};

pub(super) fn namespace_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column("Status", "string", "The status of the namespace"),
        age_column(),
    ]
}

pub(super) fn namespace_cells(namespace: &Value, now: DateTime<Utc>) -> Vec<Value> {
    vec![
        name(namespace),
        Value::from(text(namespace, "/status/phase")),
        age(namespace, now),
    ]
}

pub(super) fn lease_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Holder",
            "string",
            "holderIdentity contains the identity of the holder of a current lease.",
        ),
        age_column(),
    ]
}

pub(super) fn lease_cells(lease: &Value, now: DateTime<Utc>) -> Vec<Value> {
    vec![
        name(lease),
        Value::from(text(lease, "/spec/holderIdentity")),
        age(lease, now),
    ]
}

pub(super) fn pdb_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Min Available",
            "string",
            "The minimum number of pods that must be available.",
        ),
        column(
            "Max Unavailable",
            "string",
            "The maximum number of pods that may be unavailable.",
        ),
        column(
            "Allowed Disruptions",
            "integer",
            "Calculated number of pods that may be disrupted at this time.",
        ),
        age_column(),
    ]
}

pub(super) fn pdb_cells(pdb: &Value, now: DateTime<Utc>) -> Vec<Value> {
    vec![
        name(pdb),
        Value::from(int_or_string(&pdb["spec"]["minAvailable"])),
        Value::from(int_or_string(&pdb["spec"]["maxUnavailable"])),
        Value::from(int(pdb, "/status/disruptionsAllowed")),
        age(pdb, now),
    ]
}

/// An IntOrString field as printed (`2`, `50%`), `N/A` when unset.
fn int_or_string(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => "N/A".into(),
    }
}

pub(super) fn resource_quota_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        age_column(),
        column(
            "Request",
            "string",
            "Request represents a minimum amount of cpu/memory that a container may consume.",
        ),
        column(
            "Limit",
            "string",
            "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
        ),
    ]
}

/// REQUEST and LIMIT list `resource: used/hard` for every hard limit, sorted
/// by resource name; `limits.*` resources go to LIMIT.
pub(super) fn resource_quota_cells(quota: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let mut requests = Vec::new();
    let mut limits = Vec::new();
    if let Some(hard) = quota["status"]["hard"].as_object() {
        let mut resources: Vec<&String> = hard.keys().collect();
        resources.sort();
        for resource in resources {
            let used = quantity(&quota["status"]["used"][resource.as_str()]);
            let entry = format!("{resource}: {used}/{}", quantity(&hard[resource.as_str()]));
            let pieces: Vec<&str> = resource.split('.').collect();
            if pieces.len() > 1 && pieces[0] == "limits" {
                limits.push(entry);
            } else {
                requests.push(entry);
            }
        }
    }
    vec![
        name(quota),
        age(quota, now),
        Value::from(requests.join(", ")),
        Value::from(limits.join(", ")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2025-01-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn namespace_row() {
        let namespace = json!({
            "metadata": {"name": "kube-system", "creationTimestamp": "2024-12-31T12:00:00Z"},
            "status": {"phase": "Active"}
        });
        assert_eq!(
            namespace_cells(&namespace, now()),
            [json!("kube-system"), json!("Active"), json!("24h")]
        );
        let mut leaving = namespace.clone();
        leaving["status"]["phase"] = json!("Terminating");
        assert_eq!(namespace_cells(&leaving, now())[1], json!("Terminating"));
    }

    #[test]
    fn lease_row_with_and_without_holder() {
        let lease = json!({
            "metadata": {"name": "kube-scheduler", "creationTimestamp": "2025-01-01T11:00:00Z"},
            "spec": {"holderIdentity": "sim-control-plane_4f1c", "leaseDurationSeconds": 15}
        });
        assert_eq!(
            lease_cells(&lease, now()),
            [
                json!("kube-scheduler"),
                json!("sim-control-plane_4f1c"),
                json!("60m")
            ]
        );
        assert_eq!(lease_cells(&json!({"spec": {}}), now())[1], json!(""));
    }

    #[test]
    fn pdb_rows_with_int_and_percent() {
        let pdb = json!({
            "metadata": {"name": "web-pdb", "creationTimestamp": "2025-01-01T11:00:00Z"},
            "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}},
            "status": {"disruptionsAllowed": 1}
        });
        assert_eq!(
            pdb_cells(&pdb, now()),
            [
                json!("web-pdb"),
                json!("2"),
                json!("N/A"),
                json!(1),
                json!("60m")
            ]
        );
        let percent = json!({"spec": {"maxUnavailable": "25%"}});
        assert_eq!(
            pdb_cells(&percent, now())[1..4],
            [json!("N/A"), json!("25%"), json!(0)]
        );
    }

    #[test]
    fn resource_quota_splits_requests_and_limits() {
        let quota = json!({
            "metadata": {"name": "team-quota", "creationTimestamp": "2025-01-01T11:00:00Z"},
            "spec": {"hard": {"requests.cpu": "4", "limits.cpu": "8", "pods": "20", "limits.memory": "16Gi"}},
            "status": {
                "hard": {"requests.cpu": "4", "limits.cpu": "8", "pods": "20", "limits.memory": "16Gi"},
                "used": {"requests.cpu": "1500m", "limits.cpu": "3", "pods": "7"}
            }
        });
        assert_eq!(
            resource_quota_cells(&quota, now()),
            [
                json!("team-quota"),
                json!("60m"),
                json!("pods: 7/20, requests.cpu: 1500m/4"),
                json!("limits.cpu: 3/8, limits.memory: 0/16Gi")
            ]
        );
        assert_eq!(
            resource_quota_cells(&json!({}), now())[2..],
            [json!(""), json!("")]
        );
    }
}
