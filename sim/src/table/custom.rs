//! Tables for custom resources, driven by the CRD version's
//! `additionalPrinterColumns` the way the apiextensions table convertor does:
//! `Name` first, then one column per printer column, each cell the first
//! match of its JSONPath converted to the column type (`date` becomes an age).
//! A version without printer columns gets the default `Age` column.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::cells::{AGE_DESCRIPTION, name, name_column, since};
use super::{ColumnDefinition, jsonpath};

/// The columns of a custom resource served by `crd_version`, one entry of a
/// CustomResourceDefinition's `spec.versions`.
pub fn crd_columns(crd_version: &Value) -> Vec<ColumnDefinition> {
    let mut columns = vec![name_column()];
    for column in printer_columns(crd_version) {
        columns.push(ColumnDefinition::new(
            column["name"].as_str().unwrap_or_default(),
            column["type"].as_str().unwrap_or_default(),
            column["format"].as_str().unwrap_or_default(),
            column["description"].as_str().unwrap_or_default(),
            column["priority"]
                .as_i64()
                .and_then(|p| i32::try_from(p).ok())
                .unwrap_or_default(),
        ));
    }
    columns
}

/// The cells of one custom resource `object` for [`crd_columns`]; a path
/// that matches nothing (or does not parse) gives a `null` cell.
pub fn crd_row_cells(crd_version: &Value, object: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let mut cells = vec![name(object)];
    for column in printer_columns(crd_version) {
        let path = column["jsonPath"].as_str().unwrap_or_default();
        let found = jsonpath::parse(path)
            .ok()
            .and_then(|segments| jsonpath::find_first(object, &segments).cloned());
        let cell = match found {
            Some(value) => cell_for(column["type"].as_str().unwrap_or_default(), &value, now),
            None => Value::Null,
        };
        cells.push(cell);
    }
    cells
}

/// The version's printer columns, or the default Age column.
fn printer_columns(crd_version: &Value) -> Vec<Value> {
    match crd_version["additionalPrinterColumns"].as_array() {
        Some(columns) if !columns.is_empty() => columns.clone(),
        _ => vec![json!({
            "name": "Age",
            "type": "date",
            "description": AGE_DESCRIPTION,
            "jsonPath": ".metadata.creationTimestamp"
        })],
    }
}

/// cellForJSONValue: a found value as a cell of the column's type; `null`
/// when the value does not fit the type.
fn cell_for(type_: &str, value: &Value, now: DateTime<Utc>) -> Value {
    match (type_, value) {
        (_, Value::Null) => Value::Null,
        ("string", Value::String(_)) => value.clone(),
        // Non-string values print as the JSONPath printer would: scalars as
        // text, objects and arrays as compact JSON.
        ("string", other) => Value::from(other.to_string()),
        ("integer", Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .map_or(Value::Null, Value::from),
        ("number", Value::Number(n)) => n.as_f64().map_or(Value::Null, Value::from),
        ("boolean", Value::Bool(_)) => value.clone(),
        ("date", Value::String(s)) if s.is_empty() => Value::from("<unknown>"),
        ("date", Value::String(s)) => match DateTime::parse_from_rfc3339(s) {
            Ok(t) => Value::from(since(Some(t.with_timezone(&Utc)), now)),
            Err(_) => Value::from("<invalid>"),
        },
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2025-01-01T12:00:00Z".parse().unwrap()
    }

    /// cert-manager's Certificate v1 version with its printer columns.
    fn certificate_version() -> Value {
        json!({
            "name": "v1", "served": true, "storage": true,
            "additionalPrinterColumns": [
                {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"},
                {"name": "Secret", "type": "string", "jsonPath": ".spec.secretName"},
                {"name": "Issuer", "type": "string", "priority": 1, "jsonPath": ".spec.issuerRef.name"},
                {"name": "Status", "type": "string", "priority": 1,
                 "jsonPath": ".status.conditions[?(@.type==\"Ready\")].message"},
                {"name": "Age", "type": "date", "description": "CreationTimestamp is a timestamp",
                 "jsonPath": ".metadata.creationTimestamp"}
            ]
        })
    }

    fn certificate() -> Value {
        json!({
            "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
            "metadata": {"name": "shop-tls", "creationTimestamp": "2025-01-01T09:00:00Z"},
            "spec": {"secretName": "shop-tls", "issuerRef": {"name": "letsencrypt", "kind": "ClusterIssuer"}},
            "status": {"conditions": [{"type": "Ready", "status": "True", "message": "Certificate is up to date"}]}
        })
    }

    #[test]
    fn certificate_columns_follow_the_crd() {
        let columns = crd_columns(&certificate_version());
        let summary: Vec<_> = columns
            .iter()
            .map(|c| (c.name.as_str(), c.type_.as_str(), c.priority))
            .collect();
        assert_eq!(
            summary,
            [
                ("Name", "string", 0),
                ("Ready", "string", 0),
                ("Secret", "string", 0),
                ("Issuer", "string", 1),
                ("Status", "string", 1),
                ("Age", "date", 0)
            ]
        );
        assert_eq!(columns[0].format, "name");
    }

    #[test]
    fn certificate_row_evaluates_paths_and_dates() {
        assert_eq!(
            crd_row_cells(&certificate_version(), &certificate(), now()),
            [
                json!("shop-tls"),
                json!("True"),
                json!("shop-tls"),
                json!("letsencrypt"),
                json!("Certificate is up to date"),
                json!("3h")
            ]
        );
    }

    #[test]
    fn missing_values_are_null_cells() {
        let fresh = json!({"metadata": {"name": "new-cert"}, "spec": {}});
        let row = crd_row_cells(&certificate_version(), &fresh, now());
        assert_eq!(
            row,
            [
                json!("new-cert"),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null
            ]
        );
    }

    #[test]
    fn version_without_printer_columns_prints_name_and_age() {
        let version = json!({"name": "v1alpha1", "served": true});
        let names: Vec<_> = crd_columns(&version)
            .into_iter()
            .map(|c| (c.name, c.type_))
            .collect();
        assert_eq!(
            names,
            [
                ("Name".to_string(), "string".to_string()),
                ("Age".into(), "date".into())
            ]
        );
        let widget =
            json!({"metadata": {"name": "w", "creationTimestamp": "2025-01-01T11:59:00Z"}});
        assert_eq!(
            crd_row_cells(&version, &widget, now()),
            [json!("w"), json!("60s")]
        );
    }

    #[test]
    fn cells_take_the_column_type() {
        assert_eq!(cell_for("integer", &json!(3), now()), json!(3));
        assert_eq!(cell_for("integer", &json!(2.9), now()), json!(2));
        assert_eq!(cell_for("integer", &json!("3"), now()), Value::Null);
        assert_eq!(cell_for("number", &json!(3), now()), json!(3.0));
        assert_eq!(cell_for("boolean", &json!(true), now()), json!(true));
        assert_eq!(cell_for("boolean", &json!("true"), now()), Value::Null);
        assert_eq!(cell_for("string", &json!(42), now()), json!("42"));
        assert_eq!(
            cell_for("string", &json!(["a", "b"]), now()),
            json!(r#"["a","b"]"#)
        );
        assert_eq!(
            cell_for("date", &json!("yesterday"), now()),
            json!("<invalid>")
        );
        assert_eq!(cell_for("date", &json!(""), now()), json!("<unknown>"));
    }
}
