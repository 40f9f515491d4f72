//! The HorizontalPodAutoscaler row (port of printHorizontalPodAutoscaler for
//! autoscaling/v2): what it scales, its metric targets as
//! `cpu: 42%/80%`, and its replica bounds.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::cells::{age, age_column, column, has, int, items, name, name_column, quantity, text};

/// How many metrics TARGETS lists before `+ N more...`.
const SHOWN_METRICS: usize = 2;

pub(super) fn hpa_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Reference",
            "string",
            "scaleTargetRef points to the target resource to scale.",
        ),
        column(
            "Targets",
            "string",
            "metrics contains the specifications for which to use to calculate the desired replica count.",
        ),
        column(
            "MinPods",
            "string",
            "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.",
        ),
        column(
            "MaxPods",
            "string",
            "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.",
        ),
        column(
            "Replicas",
            "string",
            "currentReplicas is current number of replicas of pods managed by this autoscaler.",
        ),
        age_column(),
    ]
}

pub(super) fn hpa_cells(hpa: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let reference = format!(
        "{}/{}",
        text(hpa, "/spec/scaleTargetRef/kind"),
        text(hpa, "/spec/scaleTargetRef/name")
    );
    let min_pods = if has(hpa, "/spec/minReplicas") {
        int(hpa, "/spec/minReplicas").to_string()
    } else {
        "<unset>".to_string()
    };
    vec![
        name(hpa),
        Value::from(reference),
        Value::from(format_metrics(
            items(hpa, "/spec/metrics"),
            items(hpa, "/status/currentMetrics"),
        )),
        Value::from(min_pods),
        Value::from(int(hpa, "/spec/maxReplicas")),
        Value::from(int(hpa, "/status/currentReplicas")),
        age(hpa, now),
    ]
}

/// formatHPAMetrics: `current/target` per metric spec (current from the
/// status entry at the same index), `<none>` without metrics.
fn format_metrics(specs: &[Value], statuses: &[Value]) -> String {
    if specs.is_empty() {
        return "<none>".into();
    }
    let list: Vec<String> = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| format_metric(spec, statuses.get(i).unwrap_or(&Value::Null)))
        .collect();
    if list.len() > SHOWN_METRICS {
        format!(
            "{} + {} more...",
            list[..SHOWN_METRICS].join(", "),
            list.len() - SHOWN_METRICS
        )
    } else {
        list.join(", ")
    }
}

fn format_metric(spec: &Value, status: &Value) -> String {
    // The current value at `pointer` of the status' source, `<unknown>`.
    let current = |source: &str, pointer: &str| {
        status
            .get(source)
            .and_then(|s| s.pointer(pointer))
            .filter(|v| !v.is_null())
            .map_or_else(|| "<unknown>".to_string(), quantity)
    };
    match text(spec, "/type") {
        source @ ("External" | "Object") => {
            let key = if source == "External" {
                "external"
            } else {
                "object"
            };
            let target = &spec[key]["target"];
            if target["averageValue"].is_null() {
                format!(
                    "{}/{}",
                    current(key, "/current/value"),
                    quantity(&target["value"])
                )
            } else {
                format!(
                    "{}/{} (avg)",
                    current(key, "/current/averageValue"),
                    quantity(&target["averageValue"])
                )
            }
        }
        "Pods" => format!(
            "{}/{}",
            current("pods", "/current/averageValue"),
            quantity(&spec["pods"]["target"]["averageValue"])
        ),
        source @ ("Resource" | "ContainerResource") => {
            let key = if source == "Resource" {
                "resource"
            } else {
                "containerResource"
            };
            let resource = &spec[key];
            let resource_name = text(resource, "/name");
            let target = &resource["target"];
            if target["averageValue"].is_null() {
                let percent = |v: &Value| v.as_i64().map(|p| format!("{p}%"));
                let current = percent(&status[key]["current"]["averageUtilization"])
                    .unwrap_or_else(|| "<unknown>".into());
                let target =
                    percent(&target["averageUtilization"]).unwrap_or_else(|| "<auto>".into());
                format!("{resource_name}: {current}/{target}")
            } else {
                format!(
                    "{resource_name}: {}/{}",
                    current(key, "/current/averageValue"),
                    quantity(&target["averageValue"])
                )
            }
        }
        _ => "<unknown type>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2025-01-01T12:00:00Z".parse().unwrap()
    }

    fn cpu(target: Value) -> Value {
        json!({"type": "Resource", "resource": {"name": "cpu", "target": target}})
    }

    #[test]
    fn cpu_utilization_hpa_row() {
        let hpa = json!({
            "metadata": {"name": "web", "creationTimestamp": "2025-01-01T11:00:00Z"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": 2, "maxReplicas": 10,
                "metrics": [cpu(json!({"type": "Utilization", "averageUtilization": 80}))]
            },
            "status": {
                "currentReplicas": 3,
                "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 42, "averageValue": "210m"}}}]
            }
        });
        assert_eq!(
            hpa_cells(&hpa, now()),
            [
                json!("web"),
                json!("Deployment/web"),
                json!("cpu: 42%/80%"),
                json!("2"),
                json!(10),
                json!(3),
                json!("60m")
            ]
        );
    }

    #[test]
    fn metrics_before_the_first_observation_are_unknown() {
        let specs = [
            cpu(json!({"type": "Utilization", "averageUtilization": 50})),
            json!({"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "512Mi"}}}),
        ];
        assert_eq!(
            format_metrics(&specs, &[]),
            "cpu: <unknown>/50%, memory: <unknown>/512Mi"
        );
    }

    #[test]
    fn pods_object_and_external_metrics() {
        let specs = [
            json!({"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "100"}}}),
            json!({"type": "Object", "object": {"metric": {"name": "hits"}, "target": {"type": "Value", "value": "2k"}}}),
            json!({"type": "External", "external": {"metric": {"name": "queue"}, "target": {"type": "AverageValue", "averageValue": "30"}}}),
        ];
        let statuses = [
            json!({"type": "Pods", "pods": {"current": {"averageValue": "87"}}}),
            json!({"type": "Object", "object": {"current": {"value": "1500"}}}),
            json!({"type": "External", "external": {"current": {"averageValue": "12"}}}),
        ];
        assert_eq!(
            format_metrics(&specs[..2], &statuses[..2]),
            "87/100, 1500/2k"
        );
        assert_eq!(
            format_metrics(&specs, &statuses),
            "87/100, 1500/2k + 1 more..."
        );
        assert_eq!(format_metrics(&specs[2..], &statuses[2..]), "12/30 (avg)");
    }

    #[test]
    fn hpa_without_metrics_or_min_replicas() {
        let hpa = json!({"spec": {"scaleTargetRef": {"kind": "StatefulSet", "name": "db"}, "maxReplicas": 3}});
        let row = hpa_cells(&hpa, now());
        assert_eq!(
            row[1..6],
            [
                json!("StatefulSet/db"),
                json!("<none>"),
                json!("<unset>"),
                json!(3),
                json!(0)
            ]
        );
    }
}
