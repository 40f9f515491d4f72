//! Label maps and label selectors as printers show them: ports of
//! `labels.FormatLabels`, `metav1.LabelSelectorAsSelector(..).String()` and
//! `metav1.FormatLabelSelector`.

use serde_json::Value;

/// labels.FormatLabels: `k=v` pairs sorted by key, `<none>` when empty.
pub(super) fn format_labels(labels: &Value) -> String {
    let Some(map) = labels.as_object().filter(|m| !m.is_empty()) else {
        return "<none>".into();
    };
    let mut pairs: Vec<(&String, &str)> = map
        .iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or_default()))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The selector's string form (`app=web,tier in (a,b),!legacy`): one
/// requirement per matchLabels entry and matchExpression, sorted by key,
/// values sorted. Empty for a missing or empty selector; `Err` for an
/// operator the API does not know.
pub(super) fn selector_string(selector: &Value) -> Result<String, String> {
    let mut requirements: Vec<(String, String)> = Vec::new();
    if let Some(labels) = selector["matchLabels"].as_object() {
        for (key, value) in labels {
            requirements.push((
                key.clone(),
                format!("{key}={}", value.as_str().unwrap_or_default()),
            ));
        }
    }
    for expression in selector["matchExpressions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let key = expression["key"].as_str().unwrap_or_default();
        let mut values: Vec<&str> = expression["values"]
            .as_array()
            .map(|vs| vs.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        values.sort_unstable();
        let values = values.join(",");
        let requirement = match expression["operator"].as_str().unwrap_or_default() {
            "In" => format!("{key} in ({values})"),
            "NotIn" => format!("{key} notin ({values})"),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            other => return Err(format!("{other:?} is not a valid label selector operator")),
        };
        requirements.push((key.to_string(), requirement));
    }
    requirements.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(requirements
        .into_iter()
        .map(|(_, r)| r)
        .collect::<Vec<_>>()
        .join(","))
}

/// metav1.FormatLabelSelector: the selector string, `<none>` when it selects
/// by nothing, `<error>` when it is invalid.
pub(super) fn format_label_selector(selector: &Value) -> String {
    match selector_string(selector) {
        Ok(s) if s.is_empty() => "<none>".into(),
        Ok(s) => s,
        Err(_) => "<error>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_are_sorted_pairs_or_none() {
        assert_eq!(
            format_labels(&json!({"tier": "web", "app": "shop"})),
            "app=shop,tier=web"
        );
        assert_eq!(format_labels(&json!({})), "<none>");
        assert_eq!(format_labels(&Value::Null), "<none>");
    }

    #[test]
    fn selectors_merge_labels_and_expressions_sorted_by_key() {
        let selector = json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["frontend", "cache"]},
                {"key": "legacy", "operator": "DoesNotExist"},
                {"key": "env", "operator": "NotIn", "values": ["dev"]},
                {"key": "zone", "operator": "Exists"}
            ]
        });
        assert_eq!(
            format_label_selector(&selector),
            "app=web,env notin (dev),!legacy,tier in (cache,frontend),zone"
        );
    }

    #[test]
    fn empty_and_invalid_selectors() {
        assert_eq!(format_label_selector(&json!({})), "<none>");
        assert_eq!(format_label_selector(&Value::Null), "<none>");
        let bad = json!({"matchExpressions": [{"key": "a", "operator": "Near"}]});
        assert_eq!(format_label_selector(&bad), "<error>");
    }
}
