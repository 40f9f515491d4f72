//! Rows of the cluster-wide "class" objects other objects name to pick a
//! behaviour: IngressClass, PriorityClass and RuntimeClass (ports of
//! printIngressClass, printPriorityClass and printRuntimeClass).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::cells::{age, age_column, column, flag, int, name, name_column, text};

pub(super) fn ingress_class_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Controller",
            "string",
            "Controller that is responsible for handling this class",
        ),
        column(
            "Parameters",
            "string",
            "A reference to a resource with additional parameters",
        ),
        age_column(),
    ]
}

pub(super) fn ingress_class_cells(class: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let parameters = match &class["spec"]["parameters"] {
        p if p.is_object() => {
            let kind = match p["apiGroup"].as_str() {
                Some(group) => format!("{}.{group}", text(p, "/kind")),
                None => text(p, "/kind").to_string(),
            };
            format!("{kind}/{}", text(p, "/name"))
        }
        _ => "<none>".to_string(),
    };
    vec![
        name(class),
        Value::from(text(class, "/spec/controller")),
        Value::from(parameters),
        age(class, now),
    ]
}

pub(super) fn priority_class_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Value",
            "integer",
            "value represents the integer value of this priority class.",
        ),
        column(
            "Global-Default",
            "boolean",
            "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.",
        ),
        age_column(),
        column(
            "PreemptionPolicy",
            "string",
            "preemptionPolicy is the Policy for preempting pods with lower priority.",
        ),
    ]
}

pub(super) fn priority_class_cells(class: &Value, now: DateTime<Utc>) -> Vec<Value> {
    vec![
        name(class),
        Value::from(int(class, "/value")),
        Value::from(flag(class, "/globalDefault")),
        age(class, now),
        Value::from(text(class, "/preemptionPolicy")),
    ]
}

pub(super) fn runtime_class_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Handler",
            "string",
            "handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class.",
        ),
        age_column(),
    ]
}

pub(super) fn runtime_class_cells(class: &Value, now: DateTime<Utc>) -> Vec<Value> {
    vec![
        name(class),
        Value::from(text(class, "/handler")),
        age(class, now),
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
    fn ingress_class_rows() {
        let nginx = json!({
            "metadata": {"name": "nginx", "creationTimestamp": "2025-01-01T11:00:00Z"},
            "spec": {"controller": "k8s.io/ingress-nginx"}
        });
        assert_eq!(
            ingress_class_cells(&nginx, now()),
            [
                json!("nginx"),
                json!("k8s.io/ingress-nginx"),
                json!("<none>"),
                json!("60m")
            ]
        );
        let alb = json!({"spec": {"controller": "ingress.k8s.aws/alb",
            "parameters": {"apiGroup": "elbv2.k8s.aws", "kind": "IngressClassParams", "name": "alb-params"}}});
        assert_eq!(
            ingress_class_cells(&alb, now())[2],
            json!("IngressClassParams.elbv2.k8s.aws/alb-params")
        );
    }

    #[test]
    fn priority_class_row() {
        let class = json!({
            "metadata": {"name": "system-cluster-critical", "creationTimestamp": "2024-12-31T12:00:00Z"},
            "value": 2000000000,
            "globalDefault": false,
            "preemptionPolicy": "PreemptLowerPriority"
        });
        assert_eq!(
            priority_class_cells(&class, now()),
            [
                json!("system-cluster-critical"),
                json!(2000000000),
                json!(false),
                json!("24h"),
                json!("PreemptLowerPriority")
            ]
        );
    }

    #[test]
    fn runtime_class_row() {
        let class = json!({"metadata": {"name": "gvisor", "creationTimestamp": "2025-01-01T11:59:00Z"}, "handler": "runsc"});
        assert_eq!(
            runtime_class_cells(&class, now()),
            [json!("gvisor"), json!("runsc"), json!("60s")]
        );
    }
}
