//! What an authorizer decides on: a user and the attributes of a request,
//! as upstream's `authorizer.Attributes`. The API layer turns each request
//! into [`Attributes`]; the access reviews ask the same questions directly.

use super::UserInfo;

/// What a request does: a verb on a resource (with group, subresource,
/// namespace and name) or on a non-resource path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    pub verb: String,
    /// True for requests on resources; false for paths like `/healthz`.
    pub resource_request: bool,
    pub group: String,
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
    /// The path of a non-resource request.
    pub path: String,
}

/// The rules a user has in a namespace, as a rules review reports them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserRules {
    pub resource_rules: Vec<k8s_openapi::api::rbac::v1::PolicyRule>,
    pub non_resource_rules: Vec<k8s_openapi::api::rbac::v1::PolicyRule>,
}

/// Decides whether a user may do what a request asks.
pub trait Authorizer: Send + Sync + 'static {
    /// `Ok` to allow; else the reason to refuse (added to the 403
    /// message; may be empty).
    fn authorize(&self, user: &UserInfo, attributes: &Attributes) -> Result<(), String>;

    /// Every rule `user` has in `namespace` (cluster-wide ones included).
    fn rules(&self, user: &UserInfo, namespace: &str) -> UserRules;
}

/// Paths anonymous requests may `get` (upstream's
/// `system:public-info-viewer`).
pub const PUBLIC_PATHS: &[&str] = &["/healthz", "/livez", "/readyz", "/version", "/version/"];

/// Every authenticated user may do everything; anonymous requests may read
/// the health and version paths. For clusters that want no RBAC.
#[derive(Debug, Default, Clone, Copy)]
pub struct AuthenticatedOnly;

impl Authorizer for AuthenticatedOnly {
    fn authorize(&self, user: &UserInfo, attributes: &Attributes) -> Result<(), String> {
        let public = !attributes.resource_request
            && attributes.verb == "get"
            && PUBLIC_PATHS.contains(&attributes.path.as_str());
        if public || !user.is_anonymous() {
            Ok(())
        } else {
            Err(String::new())
        }
    }

    fn rules(&self, user: &UserInfo, _namespace: &str) -> UserRules {
        use k8s_openapi::api::rbac::v1::PolicyRule;
        let all = || Some(vec!["*".to_owned()]);
        if user.is_anonymous() {
            return UserRules {
                resource_rules: Vec::new(),
                non_resource_rules: vec![PolicyRule {
                    verbs: vec!["get".to_owned()],
                    non_resource_urls: Some(PUBLIC_PATHS.iter().map(|p| p.to_string()).collect()),
                    ..PolicyRule::default()
                }],
            };
        }
        UserRules {
            resource_rules: vec![PolicyRule {
                verbs: vec!["*".to_owned()],
                api_groups: all(),
                resources: all(),
                ..PolicyRule::default()
            }],
            non_resource_rules: vec![PolicyRule {
                verbs: vec!["*".to_owned()],
                non_resource_urls: all(),
                ..PolicyRule::default()
            }],
        }
    }
}
