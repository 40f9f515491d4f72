//! Validation with the apiserver's messages: object names (DNS-1123 and
//! DNS-1035 rules per kind) and the required fields whose absence would make
//! the simulated cluster misbehave.

use serde_json::Value;

use super::{Cause, Rejection};
use crate::registry::ResourceType;

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/// Validates `obj` as an object of `rt`.
pub fn validate(rt: &ResourceType, obj: &Value, old: Option<&Value>) -> Result<(), Rejection> {
    let mut causes = Vec::new();
    let name = obj["metadata"]["name"].as_str().unwrap_or_default();
    if name.is_empty() {
        causes.push(required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else if let Some(msg) = name_problem(rt, name) {
        causes.push(Cause {
            reason: "FieldValueInvalid".into(),
            message: format!("Invalid value: \"{name}\": {msg}"),
            field: "metadata.name".into(),
        });
    }
    if let Some(labels) = obj["metadata"]["labels"].as_object() {
        for (k, v) in labels {
            let v = v.as_str().unwrap_or_default();
            if v.len() > 63
                || !v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                causes.push(Cause {
                    reason: "FieldValueInvalid".into(),
                    message: format!("Invalid value: \"{v}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
                    field: "metadata.labels".to_string(),
                });
            }
            let _ = k;
        }
    }
    if !rt.custom {
        kind_rules(rt, obj, old, &mut causes);
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(Rejection::Invalid {
            kind: rt.kind.clone(),
            group: rt.group.clone(),
            name: name.to_string(),
            causes,
        })
    }
}

fn required(field: &str, message: &str) -> Cause {
    Cause {
        reason: "FieldValueRequired".into(),
        message: format!("Required value: {message}"),
        field: field.into(),
    }
}

/// Why `name` is not a valid name for `rt`, if it is not.
fn name_problem(rt: &ResourceType, name: &str) -> Option<&'static str> {
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Namespace") => (!is_dns1123_label(name)).then_some(LABEL_MSG),
        ("", "Service") => (!is_dns1035_label(name)).then_some(DNS1035_MSG),
        ("rbac.authorization.k8s.io", _) => {
            (name.contains('/') || name == "." || name == "..").then_some("may not contain '/'")
        }
        _ => (!is_dns1123_subdomain(name)).then_some(SUBDOMAIN_MSG),
    }
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Dot-separated DNS-1123 labels, at most 253 characters.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// A DNS-1123 label that starts with a letter.
pub fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

fn kind_rules(rt: &ResourceType, obj: &Value, old: Option<&Value>, causes: &mut Vec<Cause>) {
    let spec = &obj["spec"];
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Pod") => pod_spec(spec, "spec", causes),
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") => {
            if spec["selector"].is_null() {
                causes.push(required("spec.selector", ""));
            } else {
                let selector = crate::selector::LabelSelector::from_json(&spec["selector"]);
                let template = serde_json::json!({"metadata": {"labels": spec["template"]["metadata"]["labels"].clone()}});
                if !selector.matches(&template) {
                    causes.push(Cause {
                        reason: "FieldValueInvalid".into(),
                        message: "Invalid value: map[string]string(nil): `selector` does not match template `labels`".into(),
                        field: "spec.template.metadata.labels".into(),
                    });
                }
                if let Some(old) = old
                    && old["spec"]["selector"] != spec["selector"]
                {
                    causes.push(Cause {
                        reason: "FieldValueInvalid".into(),
                        message: "Invalid value: field is immutable".into(),
                        field: "spec.selector".into(),
                    });
                }
            }
            pod_spec(&spec["template"]["spec"], "spec.template.spec", causes);
        }
        ("batch", "Job") => pod_spec(&spec["template"]["spec"], "spec.template.spec", causes),
        ("", "Service") => {
            let external = spec["type"] == "ExternalName";
            let headless = spec["clusterIP"] == "None";
            if !external && !headless && spec["ports"].as_array().is_none_or(|p| p.is_empty()) {
                causes.push(required("spec.ports", ""));
            }
        }
        _ => {}
    }
}

fn pod_spec(spec: &Value, path: &str, causes: &mut Vec<Cause>) {
    let Some(containers) = spec["containers"].as_array().filter(|c| !c.is_empty()) else {
        causes.push(required(&format!("{path}.containers"), ""));
        return;
    };
    for (i, c) in containers.iter().enumerate() {
        let name = c["name"].as_str().unwrap_or_default();
        if name.is_empty() {
            causes.push(required(&format!("{path}.containers[{i}].name"), ""));
        } else if !is_dns1123_label(name) {
            causes.push(Cause {
                reason: "FieldValueInvalid".into(),
                message: format!("Invalid value: \"{name}\": {LABEL_MSG}"),
                field: format!("{path}.containers[{i}].name"),
            });
        }
        if c["image"].as_str().unwrap_or_default().is_empty() {
            causes.push(required(&format!("{path}.containers[{i}].image"), ""));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_rules_match_the_apiserver() {
        assert!(is_dns1123_subdomain("web-1.example"));
        assert!(!is_dns1123_subdomain("Bad_Name"));
        assert!(!is_dns1123_label("a.b"));
        assert!(is_dns1123_label("1abc"));
        assert!(!is_dns1035_label("1abc"));
        assert!(!is_dns1123_label(&"a".repeat(64)));
    }
}
