//! Rows of RoleBinding and ClusterRoleBinding (ports of printRoleBinding and
//! printClusterRoleBinding): the role they grant and, wide, who gets it.
//! Role and ClusterRole have no printer upstream; they get the default
//! `Name`/`Created At` table (see `cells::created_at_columns`).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::cells::{age, age_column, column, items, name, name_column, text, wide_column};

pub(super) fn binding_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Role",
            "string",
            "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.",
        ),
        age_column(),
        wide_column("Users", "string", "Users in the roleBinding"),
        wide_column("Groups", "string", "Groups in the roleBinding"),
        wide_column(
            "ServiceAccounts",
            "string",
            "ServiceAccounts in the roleBinding",
        ),
    ]
}

pub(super) fn binding_cells(binding: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let role = format!(
        "{}/{}",
        text(binding, "/roleRef/kind"),
        text(binding, "/roleRef/name")
    );
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let mut service_accounts = Vec::new();
    for subject in items(binding, "/subjects") {
        let subject_name = text(subject, "/name");
        match text(subject, "/kind") {
            "User" => users.push(subject_name.to_string()),
            "Group" => groups.push(subject_name.to_string()),
            "ServiceAccount" => {
                service_accounts.push(format!("{}/{subject_name}", text(subject, "/namespace")))
            }
            _ => {}
        }
    }
    vec![
        name(binding),
        Value::from(role),
        age(binding, now),
        Value::from(users.join(", ")),
        Value::from(groups.join(", ")),
        Value::from(service_accounts.join(", ")),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::{column_definitions, row_cells};
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2025-01-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn role_binding_row_splits_subjects_by_kind() {
        let binding = json!({
            "metadata": {"name": "developers-edit", "namespace": "shop", "creationTimestamp": "2025-01-01T11:00:00Z"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
            "subjects": [
                {"kind": "User", "name": "alice@example.com"},
                {"kind": "User", "name": "bob@example.com"},
                {"kind": "Group", "name": "shop-devs"},
                {"kind": "ServiceAccount", "namespace": "ci", "name": "deployer"}
            ]
        });
        assert_eq!(
            binding_cells(&binding, now()),
            [
                json!("developers-edit"),
                json!("ClusterRole/edit"),
                json!("60m"),
                json!("alice@example.com, bob@example.com"),
                json!("shop-devs"),
                json!("ci/deployer")
            ]
        );
    }

    #[test]
    fn cluster_role_binding_without_subjects() {
        let binding = json!({
            "metadata": {"name": "system:basic-user"},
            "roleRef": {"kind": "ClusterRole", "name": "system:basic-user"}
        });
        let row = row_cells(
            "rbac.authorization.k8s.io",
            "ClusterRoleBinding",
            &binding,
            now(),
        );
        assert_eq!(
            row[1..],
            [
                json!("ClusterRole/system:basic-user"),
                json!("<unknown>"),
                json!(""),
                json!(""),
                json!("")
            ]
        );
    }

    #[test]
    fn roles_print_created_at_timestamps() {
        let columns = column_definitions("rbac.authorization.k8s.io", "ClusterRole");
        assert_eq!(columns[1].name, "Created At");
        assert_eq!(columns[1].type_, "date");
        let role = json!({"metadata": {"name": "pod-reader", "creationTimestamp": "2024-06-01T08:30:00Z"}});
        assert_eq!(
            row_cells("rbac.authorization.k8s.io", "Role", &role, now()),
            [json!("pod-reader"), json!("2024-06-01T08:30:00Z")]
        );
    }
}
