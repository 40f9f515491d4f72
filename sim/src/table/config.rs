//! Rows of the configuration kinds pods consume: ConfigMap, Secret and
//! ServiceAccount (ports of printConfigMap, printSecret, printServiceAccount).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::cells::{age, age_column, column, entries, items, name, name_column, text};

pub(super) fn config_map_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column("Data", "string", "Data contains the configuration data."),
        age_column(),
    ]
}

/// DATA counts `data` and `binaryData` keys together.
pub(super) fn config_map_cells(config_map: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let keys = entries(config_map, "/data") + entries(config_map, "/binaryData");
    vec![name(config_map), Value::from(keys), age(config_map, now)]
}

pub(super) fn secret_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Type",
            "string",
            "Used to facilitate programmatic handling of secret data.",
        ),
        column("Data", "string", "Data contains the secret data."),
        age_column(),
    ]
}

pub(super) fn secret_cells(secret: &Value, now: DateTime<Utc>) -> Vec<Value> {
    vec![
        name(secret),
        Value::from(text(secret, "/type")),
        Value::from(entries(secret, "/data")),
        age(secret, now),
    ]
}

pub(super) fn service_account_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Secrets",
            "string",
            "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
        ),
        age_column(),
    ]
}

pub(super) fn service_account_cells(account: &Value, now: DateTime<Utc>) -> Vec<Value> {
    vec![
        name(account),
        Value::from(items(account, "/secrets").len()),
        age(account, now),
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
    fn config_map_counts_text_and_binary_keys() {
        let config_map = json!({
            "metadata": {"name": "nginx-conf", "creationTimestamp": "2025-01-01T11:59:15Z"},
            "data": {"nginx.conf": "events {}", "mime.types": "types {}"},
            "binaryData": {"favicon.ico": "AAAB"}
        });
        assert_eq!(
            config_map_cells(&config_map, now()),
            [json!("nginx-conf"), json!(3), json!("45s")]
        );
        assert_eq!(config_map_cells(&json!({}), now())[1], json!(0));
    }

    #[test]
    fn secret_row() {
        let secret = json!({
            "metadata": {"name": "shop-tls", "creationTimestamp": "2024-12-25T12:00:00Z"},
            "type": "kubernetes.io/tls",
            "data": {"tls.crt": "LS0t", "tls.key": "LS0t"}
        });
        assert_eq!(
            secret_cells(&secret, now()),
            [
                json!("shop-tls"),
                json!("kubernetes.io/tls"),
                json!(2),
                json!("7d")
            ]
        );
    }

    #[test]
    fn service_account_counts_secrets() {
        let account =
            json!({"metadata": {"name": "default", "creationTimestamp": "2025-01-01T09:00:00Z"}});
        assert_eq!(
            service_account_cells(&account, now()),
            [json!("default"), json!(0), json!("3h")]
        );
        let legacy =
            json!({"metadata": {"name": "builder"}, "secrets": [{"name": "builder-token"}]});
        assert_eq!(service_account_cells(&legacy, now())[1], json!(1));
    }
}
