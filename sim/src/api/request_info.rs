//! Parsing a request into what it addresses, like the apiserver's
//! `RequestInfo`: verb, group, version, resource, subresource, namespace,
//! name. Authorization (later: RBAC) and the handlers both read it.

use http::Method;

/// What an API request addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestInfo {
    /// True for `/api/...` and `/apis/...` resource paths.
    pub is_resource_request: bool,
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
    /// `deletecollection` (resource requests) or the lower-case HTTP method.
    pub verb: String,
    /// The request path.
    pub path: String,
    pub group: String,
    pub version: String,
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
}

impl RequestInfo {
    /// Parses `path` and the query (`watch=true` turns list/get into watch).
    pub fn parse(method: &Method, path: &str, query: &str) -> Self {
        let mut info = RequestInfo {
            path: path.to_string(),
            verb: method.as_str().to_lowercase(),
            ..Default::default()
        };
        let parts: Vec<&str> = path
            .trim_matches('/')
            .split('/')
            .filter(|p| !p.is_empty())
            .collect();
        let rest: &[&str] = match parts.as_slice() {
            ["api", version, rest @ ..] => {
                info.version = version.to_string();
                rest
            }
            ["apis", group, version, rest @ ..] => {
                info.group = group.to_string();
                info.version = version.to_string();
                rest
            }
            _ => return info,
        };
        if rest.is_empty() {
            return info;
        }
        info.is_resource_request = true;
        let mut rest = rest;
        if rest[0] == "namespaces" && rest.len() > 1 {
            info.namespace = rest[1].to_string();
            if rest.len() > 2 && !matches!(rest[2], "status" | "finalize") {
                rest = &rest[2..];
            }
        }
        match rest {
            [resource] => info.resource = resource.to_string(),
            [resource, name] => {
                info.resource = resource.to_string();
                info.name = name.to_string();
            }
            [resource, name, sub, ..] => {
                info.resource = resource.to_string();
                info.name = name.to_string();
                info.subresource = sub.to_string();
            }
            [] => {}
        }
        if info.resource == "namespaces" {
            // `/api/v1/namespaces/{name}[/status]`: the namespace is the object.
            info.name = info.namespace.clone();
            info.namespace.clear();
        }
        let watch = query_flag(query, "watch");
        info.verb = match (method.as_str(), info.name.is_empty()) {
            ("GET" | "HEAD", true) if watch => "watch",
            ("GET" | "HEAD", true) => "list",
            ("GET" | "HEAD", false) if watch && info.subresource.is_empty() => "watch",
            ("GET" | "HEAD", false) => "get",
            ("POST", _) => "create",
            ("PUT", _) => "update",
            ("PATCH", _) => "patch",
            ("DELETE", true) => "deletecollection",
            ("DELETE", false) => "delete",
            (m, _) => {
                return RequestInfo {
                    verb: m.to_lowercase(),
                    ..info
                };
            }
        }
        .to_string();
        // The streams of a pod run commands in it: a WebSocket `GET` of
        // exec, attach or portforward needs `create`, as upstream
        // authorizes it (and kubectl's SPDY fallback `POST`s anyway).
        if info.resource == "pods"
            && info.group.is_empty()
            && info.verb == "get"
            && matches!(info.subresource.as_str(), "exec" | "attach" | "portforward")
        {
            info.verb = "create".to_string();
        }
        info
    }
}

/// True if `key` is `true` or `1` in the query string.
fn query_flag(query: &str, key: &str) -> bool {
    form_urlencoded::parse(query.as_bytes()).any(|(k, v)| k == key && (v == "true" || v == "1"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(method: Method, path: &str, query: &str) -> RequestInfo {
        RequestInfo::parse(&method, path, query)
    }

    #[test]
    fn paths_map_to_resources_like_the_apiserver() {
        let i = parse(
            Method::GET,
            "/apis/apps/v1/namespaces/demo/deployments/web/scale",
            "",
        );
        assert_eq!(
            (
                i.group.as_str(),
                i.resource.as_str(),
                i.namespace.as_str(),
                i.name.as_str(),
                i.subresource.as_str(),
                i.verb.as_str()
            ),
            ("apps", "deployments", "demo", "web", "scale", "get")
        );
        let i = parse(Method::GET, "/api/v1/pods", "&limit=500");
        assert_eq!(
            (i.resource.as_str(), i.namespace.as_str(), i.verb.as_str()),
            ("pods", "", "list")
        );
        let i = parse(
            Method::GET,
            "/api/v1/namespaces/demo/pods",
            "watch=true&resourceVersion=5",
        );
        assert_eq!(i.verb, "watch");
        let i = parse(Method::PUT, "/api/v1/namespaces/demo/status", "");
        assert_eq!(
            (
                i.resource.as_str(),
                i.name.as_str(),
                i.subresource.as_str(),
                i.namespace.as_str()
            ),
            ("namespaces", "demo", "status", "")
        );
        let i = parse(Method::DELETE, "/api/v1/namespaces/demo", "");
        assert_eq!(
            (i.resource.as_str(), i.name.as_str(), i.verb.as_str()),
            ("namespaces", "demo", "delete")
        );
        let i = parse(Method::DELETE, "/api/v1/namespaces/demo/configmaps", "");
        assert_eq!(i.verb, "deletecollection");
        let i = parse(
            Method::GET,
            "/api/v1/namespaces/demo/pods/p/exec",
            "command=ls&stdout=true",
        );
        assert_eq!(
            (i.verb.as_str(), i.subresource.as_str()),
            ("create", "exec")
        );
        assert_eq!(
            parse(Method::GET, "/api/v1/namespaces/demo/pods/p/log", "").verb,
            "get"
        );
        assert!(!parse(Method::GET, "/version", "").is_resource_request);
        assert!(!parse(Method::GET, "/apis/apps/v1", "").is_resource_request);
    }
}
