//! Whether one RBAC rule covers a request, and whether a binding's subject
//! is a user: ports of upstream's `rbac/v1/evaluation_helpers.go` and
//! `appliesToUser`.

use k8s_openapi::api::rbac::v1::{PolicyRule, Subject};

use crate::auth::{Attributes, UserInfo};

/// `*` in verbs, groups, resources and non-resource URLs.
const ALL: &str = "*";

/// True if `rule` allows the request `a`.
pub fn allows(rule: &PolicyRule, a: &Attributes) -> bool {
    if !has(&rule.verbs, &a.verb) {
        return false;
    }
    if !a.resource_request {
        return non_resource_url_matches(rule, &a.path);
    }
    let combined = if a.subresource.is_empty() {
        a.resource.clone()
    } else {
        format!("{}/{}", a.resource, a.subresource)
    };
    has(rule.api_groups.as_deref().unwrap_or_default(), &a.group)
        && resource_matches(rule, &combined, &a.subresource)
        && resource_name_matches(rule, &a.name)
}

/// `values` holds `want` or `*`.
fn has(values: &[String], want: &str) -> bool {
    values.iter().any(|v| v == ALL || v == want)
}

/// `resource` or `resource/subresource` named, or `*`, or `*/subresource`.
fn resource_matches(rule: &PolicyRule, combined: &str, subresource: &str) -> bool {
    rule.resources.iter().flatten().any(|r| {
        r == ALL
            || r == combined
            || (!subresource.is_empty() && r.strip_prefix("*/") == Some(subresource))
    })
}

/// No names listed means every name; else the request must name one.
fn resource_name_matches(rule: &PolicyRule, name: &str) -> bool {
    match rule.resource_names.as_deref() {
        None | Some([]) => true,
        Some(names) => names.iter().any(|n| n == name),
    }
}

/// The path named, or `*`, or a prefix ending in `*`.
fn non_resource_url_matches(rule: &PolicyRule, path: &str) -> bool {
    rule.non_resource_urls.iter().flatten().any(|u| {
        u == ALL
            || u == path
            || u.strip_suffix('*')
                .is_some_and(|prefix| path.starts_with(prefix))
    })
}

/// True if a binding in `namespace` (empty for a ClusterRoleBinding) with
/// `subject` binds `user`.
pub fn applies_to(subject: &Subject, user: &UserInfo, namespace: &str) -> bool {
    match subject.kind.as_str() {
        "User" => user.name == subject.name,
        "Group" => user.in_group(&subject.name),
        "ServiceAccount" => {
            let ns = subject
                .namespace
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or(namespace);
            !ns.is_empty() && user.name == format!("system:serviceaccount:{ns}:{}", subject.name)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> PolicyRule {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        PolicyRule {
            verbs: v(verbs),
            api_groups: Some(v(groups)),
            resources: Some(v(resources)),
            resource_names: Some(v(names)),
            non_resource_urls: None,
        }
    }

    fn request(verb: &str, group: &str, resource: &str, sub: &str, name: &str) -> Attributes {
        Attributes {
            verb: verb.into(),
            resource_request: true,
            group: group.into(),
            resource: resource.into(),
            subresource: sub.into(),
            namespace: "demo".into(),
            name: name.into(),
            path: String::new(),
        }
    }

    #[test]
    fn verbs_groups_resources_and_names_must_all_match() {
        let view = rule(&["get", "list", "watch"], &[""], &["pods", "pods/log"], &[]);
        assert!(allows(&view, &request("list", "", "pods", "", "")));
        assert!(allows(&view, &request("get", "", "pods", "log", "p")));
        assert!(!allows(&view, &request("delete", "", "pods", "", "p")));
        assert!(!allows(&view, &request("get", "apps", "pods", "", "p")));
        assert!(!allows(&view, &request("get", "", "pods", "exec", "p")));
        assert!(!allows(&view, &request("get", "", "secrets", "", "s")));

        let named = rule(&["get"], &[""], &["configmaps"], &["one"]);
        assert!(allows(&named, &request("get", "", "configmaps", "", "one")));
        assert!(!allows(
            &named,
            &request("get", "", "configmaps", "", "two")
        ));
        assert!(!allows(&named, &request("list", "", "configmaps", "", "")));
    }

    #[test]
    fn stars_match_everything_and_star_slash_any_subresource() {
        let admin = rule(&["*"], &["*"], &["*"], &[]);
        assert!(allows(
            &admin,
            &request("delete", "apps", "deployments", "scale", "w")
        ));
        let status = rule(&["update"], &["apps"], &["*/status"], &[]);
        assert!(allows(
            &status,
            &request("update", "apps", "deployments", "status", "w")
        ));
        assert!(!allows(
            &status,
            &request("update", "apps", "deployments", "", "w")
        ));
    }

    #[test]
    fn non_resource_urls_match_exactly_or_by_prefix() {
        let discovery = PolicyRule {
            verbs: vec!["get".into()],
            non_resource_urls: Some(vec!["/api".into(), "/apis/*".into()]),
            ..PolicyRule::default()
        };
        let path = |p: &str| Attributes {
            verb: "get".into(),
            path: p.into(),
            ..Attributes::default()
        };
        assert!(allows(&discovery, &path("/api")));
        assert!(allows(&discovery, &path("/apis/apps/v1")));
        assert!(!allows(&discovery, &path("/api/v1")));
        assert!(!allows(&discovery, &path("/healthz")));
    }

    #[test]
    fn subjects_are_users_groups_or_service_accounts() {
        let jane = UserInfo::authenticated("jane", "", &["dev".into()]);
        let subject = |kind: &str, name: &str, ns: Option<&str>| Subject {
            kind: kind.into(),
            name: name.into(),
            namespace: ns.map(str::to_owned),
            api_group: None,
        };
        assert!(applies_to(&subject("User", "jane", None), &jane, ""));
        assert!(!applies_to(&subject("User", "bob", None), &jane, ""));
        assert!(applies_to(&subject("Group", "dev", None), &jane, ""));
        assert!(applies_to(
            &subject("Group", "system:authenticated", None),
            &jane,
            ""
        ));
        let sa = UserInfo::authenticated("system:serviceaccount:demo:builder", "", &[]);
        assert!(applies_to(
            &subject("ServiceAccount", "builder", None),
            &sa,
            "demo"
        ));
        assert!(applies_to(
            &subject("ServiceAccount", "builder", Some("demo")),
            &sa,
            ""
        ));
        assert!(!applies_to(
            &subject("ServiceAccount", "builder", None),
            &sa,
            "other"
        ));
    }
}
