//! The reviews: `SelfSubjectReview` (`kubectl auth whoami`),
//! `SelfSubjectAccessReview` (`kubectl auth can-i`),
//! `SelfSubjectRulesReview` (`kubectl auth can-i --list`),
//! `SubjectAccessReview`, `LocalSubjectAccessReview` and `TokenReview`.
//! Each is created, answered from the same authenticator and authorizer
//! real requests meet (so `can-i` agrees with what happens), and stored
//! nowhere: the answer is the request with its `status` filled in.

use http::StatusCode;
use k8s_openapi::api::rbac::v1::PolicyRule;
use serde_json::{Value, json};

use super::encode::json_response;
use super::{ApiError, ApiState};
use crate::auth::{Attributes, UserInfo};

/// Answers the review `kind` (a create of its kind) for `user`; `body` is
/// the decoded request object, `namespace` the request's.
pub fn answer(
    state: &ApiState,
    kind: &str,
    namespace: &str,
    user: &UserInfo,
    mut body: Value,
) -> Result<axum::response::Response, ApiError> {
    let status = match kind {
        "SelfSubjectReview" => json!({"userInfo": user_info(user)}),
        "TokenReview" => token_review(state, &body),
        "SelfSubjectAccessReview" => access(state, user, &body["spec"], "")?,
        "SubjectAccessReview" => access(state, &subject(&body["spec"])?, &body["spec"], "")?,
        "LocalSubjectAccessReview" => {
            access(state, &subject(&body["spec"])?, &body["spec"], namespace)?
        }
        "SelfSubjectRulesReview" => rules(state, user, &body["spec"]),
        _ => return Err(ApiError::no_route()),
    };
    let group = if matches!(kind, "TokenReview" | "SelfSubjectReview") {
        "authentication.k8s.io"
    } else {
        "authorization.k8s.io"
    };
    body["apiVersion"] = json!(format!("{group}/v1"));
    body["kind"] = json!(kind);
    if !body["metadata"].is_object() {
        body["metadata"] = json!({});
    }
    body["metadata"]["creationTimestamp"] = Value::Null;
    body["status"] = status;
    Ok(json_response(StatusCode::CREATED, body.to_string()))
}

fn user_info(user: &UserInfo) -> Value {
    let mut info = json!({"username": user.name, "groups": user.groups});
    if !user.uid.is_empty() {
        info["uid"] = json!(user.uid);
    }
    info
}

fn token_review(state: &ApiState, body: &Value) -> Value {
    let token = body["spec"]["token"].as_str().unwrap_or_default();
    let header = format!("Bearer {token}");
    match state
        .authenticator
        .authenticate(None, Some(header.as_bytes()))
    {
        Ok(user) if !token.is_empty() => json!({"authenticated": true, "user": user_info(&user)}),
        _ => json!({"authenticated": false, "error": "invalid bearer token"}),
    }
}

/// The user a SubjectAccessReview asks about (`spec.user`, `groups`,
/// `uid`); at least a user or a group is required, as upstream.
fn subject(spec: &Value) -> Result<UserInfo, ApiError> {
    let groups: Vec<String> = spec["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g.as_str().map(str::to_owned))
        .collect();
    let name = spec["user"].as_str().unwrap_or_default();
    if name.is_empty() && groups.is_empty() {
        return Err(ApiError::new(
            422,
            "Invalid",
            "spec.user: Invalid value: \"\": at least one of user or group must be specified",
        ));
    }
    Ok(UserInfo {
        name: name.to_owned(),
        uid: spec["uid"].as_str().unwrap_or_default().to_owned(),
        groups,
    })
}

/// Whether `user` may do what `spec` describes; `namespace` (a local
/// review's) must agree with the attributes'.
fn access(
    state: &ApiState,
    user: &UserInfo,
    spec: &Value,
    namespace: &str,
) -> Result<Value, ApiError> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let attributes = if let Some(r) = spec["resourceAttributes"].as_object() {
        let r = Value::Object(r.clone());
        let ns = text(&r["namespace"]);
        if !namespace.is_empty() && ns != namespace {
            return Err(ApiError::bad_request(format!(
                "spec.resourceAttributes.namespace: Invalid value: {ns:?}: must match metadata.namespace"
            )));
        }
        Attributes {
            verb: text(&r["verb"]),
            resource_request: true,
            group: text(&r["group"]),
            resource: text(&r["resource"]),
            subresource: text(&r["subresource"]),
            namespace: ns,
            name: text(&r["name"]),
            path: String::new(),
        }
    } else if let Some(n) = spec["nonResourceAttributes"].as_object() {
        Attributes {
            verb: text(&n["verb"]),
            path: text(&n["path"]),
            ..Attributes::default()
        }
    } else {
        return Err(ApiError::new(
            422,
            "Invalid",
            "spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified",
        ));
    };
    Ok(match state.authorizer.authorize(user, &attributes) {
        Ok(()) => json!({"allowed": true}),
        Err(reason) if reason.is_empty() => json!({"allowed": false}),
        Err(reason) => json!({"allowed": false, "reason": reason}),
    })
}

fn rules(state: &ApiState, user: &UserInfo, spec: &Value) -> Value {
    let namespace = spec["namespace"].as_str().unwrap_or_default();
    let found = state.authorizer.rules(user, namespace);
    let resource_rules: Vec<Value> = found.resource_rules.iter().map(resource_rule).collect();
    let non_resource_rules: Vec<Value> = found
        .non_resource_rules
        .iter()
        .map(|r| json!({"verbs": r.verbs, "nonResourceURLs": r.non_resource_urls.clone().unwrap_or_default()}))
        .collect();
    json!({"resourceRules": resource_rules, "nonResourceRules": non_resource_rules, "incomplete": false})
}

fn resource_rule(rule: &PolicyRule) -> Value {
    let mut r = json!({"verbs": rule.verbs,
                       "apiGroups": rule.api_groups.clone().unwrap_or_default(),
                       "resources": rule.resources.clone().unwrap_or_default()});
    if let Some(names) = rule.resource_names.as_ref().filter(|n| !n.is_empty()) {
        r["resourceNames"] = json!(names);
    }
    r
}
