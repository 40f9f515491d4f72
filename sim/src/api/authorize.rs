//! The two gates every request passes before a handler: authentication
//! (who is asking: 401 when credentials do not check out) and
//! authorization (may they, by the cluster's [`Authorizer`], RBAC by
//! default: 403 with upstream's wording).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::AUTHORIZATION;
use serde_json::json;

use super::{ApiError, ApiState, RequestInfo};
use crate::auth::{Attributes, UserInfo};
use crate::listener::CertificateUser;

impl From<&RequestInfo> for Attributes {
    fn from(info: &RequestInfo) -> Self {
        Attributes {
            verb: info.verb.clone(),
            resource_request: info.is_resource_request,
            group: info.group.clone(),
            resource: info.resource.clone(),
            subresource: info.subresource.clone(),
            namespace: info.namespace.clone(),
            name: info.name.clone(),
            path: info.path.clone(),
        }
    }
}

/// Authentication: sets the request's [`UserInfo`], or answers 401.
pub async fn authenticate(State(state): State<ApiState>, mut req: Request, next: Next) -> Response {
    let certificate = req
        .extensions()
        .get::<CertificateUser>()
        .and_then(|c| c.0.clone());
    let authorization = req.headers().get(AUTHORIZATION).map(|v| v.as_bytes());
    match state
        .authenticator
        .authenticate(certificate.as_ref(), authorization)
    {
        Ok(user) => {
            req.extensions_mut().insert(user);
            next.run(req).await
        }
        Err(_) => ApiError::new(401, "Unauthorized", "Unauthorized").into_response(),
    }
}

/// Authorization: lets the request on, or answers 403 `Forbidden`.
pub async fn authorize(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    let info = req
        .extensions()
        .get::<RequestInfo>()
        .cloned()
        .unwrap_or_default();
    let user = req
        .extensions()
        .get::<UserInfo>()
        .cloned()
        .unwrap_or_else(UserInfo::anonymous);
    match state.authorizer.authorize(&user, &Attributes::from(&info)) {
        Ok(()) => next.run(req).await,
        Err(reason) => forbidden(&user, &Attributes::from(&info), &reason).into_response(),
    }
}

/// The 403 upstream sends (`responsewriters.Forbidden` with
/// `apierrors.NewForbidden`): the message names the user, verb, resource
/// and namespace, or the path of a non-resource request.
pub fn forbidden(user: &UserInfo, info: &Attributes, reason: &str) -> ApiError {
    let mut why = if info.resource_request {
        let resource = if info.subresource.is_empty() {
            info.resource.clone()
        } else {
            format!("{}/{}", info.resource, info.subresource)
        };
        let scope = if info.namespace.is_empty() {
            "at the cluster scope".to_owned()
        } else {
            format!("in the namespace {:?}", info.namespace)
        };
        format!(
            "User {:?} cannot {} resource {resource:?} in API group {:?} {scope}",
            user.name, info.verb, info.group
        )
    } else {
        format!(
            "User {:?} cannot {} path {:?}",
            user.name, info.verb, info.path
        )
    };
    if !reason.is_empty() {
        why = format!("{why}: {reason}");
    }
    let qualified = match (info.resource.as_str(), info.group.as_str()) {
        ("", _) => String::new(),
        (r, "") => r.to_owned(),
        (r, g) => format!("{r}.{g}"),
    };
    let message = match (qualified.as_str(), info.name.as_str()) {
        ("", _) => format!("forbidden: {why}"),
        (q, "") => format!("{q} is forbidden: {why}"),
        (q, name) => format!("{q} {name:?} is forbidden: {why}"),
    };
    let mut details = json!({ "kind": info.resource });
    if !info.name.is_empty() {
        details["name"] = json!(info.name);
    }
    if !info.group.is_empty() {
        details["group"] = json!(info.group);
    }
    let mut error = ApiError::new(403, "Forbidden", message);
    if info.resource_request {
        error.details = details;
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    use crate::auth::{AuthenticatedOnly, Authorizer};

    fn anonymous(method: Method, path: &str) -> Result<(), String> {
        let info = RequestInfo::parse(&method, path, "");
        AuthenticatedOnly.authorize(&UserInfo::anonymous(), &Attributes::from(&info))
    }

    #[test]
    fn anonymous_requests_may_only_read_health_and_version() {
        for path in ["/healthz", "/livez", "/readyz", "/version"] {
            assert_eq!(anonymous(Method::GET, path), Ok(()), "{path}");
        }
        assert!(anonymous(Method::POST, "/healthz").is_err());
        assert!(anonymous(Method::GET, "/api").is_err());
        assert!(anonymous(Method::GET, "/api/v1/pods").is_err());
        let jane = UserInfo::authenticated("jane", "", &[]);
        let info = RequestInfo::parse(&Method::DELETE, "/api/v1/namespaces/a/pods/p", "");
        assert_eq!(
            AuthenticatedOnly.authorize(&jane, &Attributes::from(&info)),
            Ok(())
        );
    }

    #[test]
    fn forbidden_messages_read_like_upstream() {
        let user = UserInfo::anonymous();
        let message = |method: Method, path: &str| {
            forbidden(
                &user,
                &Attributes::from(&RequestInfo::parse(&method, path, "")),
                "",
            )
            .message
        };
        assert_eq!(
            message(Method::GET, "/api/v1/namespaces/demo/pods"),
            r#"pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "demo""#
        );
        assert_eq!(
            message(
                Method::DELETE,
                "/apis/apps/v1/namespaces/demo/deployments/web"
            ),
            r#"deployments.apps "web" is forbidden: User "system:anonymous" cannot delete resource "deployments" in API group "apps" in the namespace "demo""#
        );
        assert_eq!(
            message(Method::GET, "/api/v1/nodes"),
            r#"nodes is forbidden: User "system:anonymous" cannot list resource "nodes" in API group "" at the cluster scope"#
        );
        assert_eq!(
            message(Method::GET, "/api"),
            r#"forbidden: User "system:anonymous" cannot get path "/api""#
        );
        assert_eq!(
            message(Method::POST, "/api/v1/namespaces/demo/pods/p/eviction"),
            r#"pods "p" is forbidden: User "system:anonymous" cannot create resource "pods/eviction" in API group "" in the namespace "demo""#
        );
    }
}
