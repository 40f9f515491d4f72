//! Impersonation, as upstream's `WithImpersonation` filter: the
//! `Impersonate-User`, `Impersonate-Group`, `Impersonate-Uid` and
//! `Impersonate-Extra-*` headers make a request act as another user, if the
//! requesting user may `impersonate` each of them (`users`, `groups` and
//! `serviceaccounts` in the core group, `uids` and `userextras/KEY` in
//! `authentication.k8s.io`). `kubectl --as` and `--as-group` send them.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::HeaderMap;

use super::{ApiError, ApiState, forbidden};
use crate::auth::{ANONYMOUS, AUTHENTICATED, Attributes, UserInfo};

const USER: &str = "impersonate-user";
const GROUP: &str = "impersonate-group";
const UID: &str = "impersonate-uid";
const EXTRA: &str = "impersonate-extra-";

/// The middleware: replaces the request's user by the impersonated one,
/// or answers 403 (not allowed to impersonate) or 400 (malformed).
pub async fn impersonate(State(state): State<ApiState>, mut req: Request, next: Next) -> Response {
    let requested = match Requested::from_headers(req.headers()) {
        Ok(None) => return next.run(req).await,
        Ok(Some(r)) => r,
        Err(e) => return e.into_response(),
    };
    let requester = req
        .extensions()
        .get::<UserInfo>()
        .cloned()
        .unwrap_or_else(UserInfo::anonymous);
    for attributes in requested.checks() {
        if let Err(reason) = state.authorizer.authorize(&requester, &attributes) {
            return forbidden(&requester, &attributes, &reason).into_response();
        }
    }
    let user = requested.user();
    let headers = req.headers_mut();
    let names: Vec<_> = headers
        .keys()
        .filter(|k| k.as_str().starts_with("impersonate-"))
        .cloned()
        .collect();
    for name in names {
        headers.remove(name);
    }
    req.extensions_mut().insert(user);
    next.run(req).await
}

/// What a request asks to act as.
#[derive(Debug, PartialEq)]
struct Requested {
    user: String,
    groups: Vec<String>,
    uid: Option<String>,
    /// (key, value) of each extra.
    extras: Vec<(String, String)>,
}

impl Requested {
    /// `None` without impersonation headers.
    fn from_headers(headers: &HeaderMap) -> Result<Option<Requested>, ApiError> {
        let values = |name: &str| -> Vec<String> {
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_owned))
                .collect()
        };
        let users = values(USER);
        let groups = values(GROUP);
        let uids = values(UID);
        let mut extras = Vec::new();
        for (name, value) in headers {
            if let Some(key) = name.as_str().strip_prefix(EXTRA)
                && let Ok(v) = value.to_str()
            {
                let key = percent_decode(key);
                extras.push((key, v.to_owned()));
            }
        }
        if users.is_empty() && groups.is_empty() && uids.is_empty() && extras.is_empty() {
            return Ok(None);
        }
        let [user] = users.as_slice() else {
            return Err(ApiError::bad_request(if users.is_empty() {
                "requested impersonation of groups, a uid or extras without impersonating a user"
            } else {
                "only one user may be impersonated"
            }));
        };
        if uids.len() > 1 {
            return Err(ApiError::bad_request("only one uid may be impersonated"));
        }
        Ok(Some(Requested {
            user: user.clone(),
            groups,
            uid: uids.into_iter().next(),
            extras,
        }))
    }

    /// The `impersonate` permission each part needs.
    fn checks(&self) -> Vec<Attributes> {
        let on = |group: &str, resource: &str, sub: &str, namespace: &str, name: &str| Attributes {
            verb: "impersonate".into(),
            resource_request: true,
            group: group.into(),
            resource: resource.into(),
            subresource: sub.into(),
            namespace: namespace.into(),
            name: name.into(),
            path: String::new(),
        };
        let mut out = vec![match service_account(&self.user) {
            Some((ns, name)) => on("", "serviceaccounts", "", ns, name),
            None => on("", "users", "", "", &self.user),
        }];
        out.extend(self.groups.iter().map(|g| on("", "groups", "", "", g)));
        out.extend(
            self.uid
                .iter()
                .map(|u| on("authentication.k8s.io", "uids", "", "", u)),
        );
        out.extend(
            self.extras
                .iter()
                .map(|(k, v)| on("authentication.k8s.io", "userextras", k, "", v)),
        );
        out
    }

    /// The user the request then acts as: the named groups, a service
    /// account's groups, and `system:authenticated` unless anonymous.
    fn user(&self) -> UserInfo {
        let mut groups = self.groups.clone();
        if let Some((ns, _)) = service_account(&self.user) {
            groups.push("system:serviceaccounts".into());
            groups.push(format!("system:serviceaccounts:{ns}"));
        }
        if self.user != ANONYMOUS && !groups.iter().any(|g| g == AUTHENTICATED) {
            groups.push(AUTHENTICATED.into());
        }
        UserInfo {
            name: self.user.clone(),
            uid: self.uid.clone().unwrap_or_default(),
            groups,
        }
    }
}

/// (namespace, name) of `system:serviceaccount:NS:NAME`.
fn service_account(user: &str) -> Option<(&str, &str)> {
    user.strip_prefix("system:serviceaccount:")?.split_once(':')
}

/// Extra keys are percent-encoded in header names.
fn percent_decode(key: &str) -> String {
    percent_encoding::percent_decode_str(key)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn headers_name_the_user_groups_and_what_to_check() {
        assert_eq!(Requested::from_headers(&headers(&[])).unwrap(), None);
        let r = Requested::from_headers(&headers(&[
            ("Impersonate-User", "jane"),
            ("Impersonate-Group", "dev"),
            ("Impersonate-Group", "ops"),
            ("Impersonate-Extra-Scopes", "view"),
        ]))
        .unwrap()
        .unwrap();
        let checked: Vec<(String, String, String)> = r
            .checks()
            .into_iter()
            .map(|a| (a.resource, a.subresource, a.name))
            .collect();
        assert_eq!(
            checked,
            [
                ("users".into(), "".into(), "jane".into()),
                ("groups".into(), "".into(), "dev".into()),
                ("groups".into(), "".into(), "ops".into()),
                ("userextras".into(), "scopes".into(), "view".into()),
            ]
        );
        assert_eq!(r.user().groups, ["dev", "ops", "system:authenticated"]);
    }

    #[test]
    fn a_service_account_is_checked_as_one_and_gets_its_groups() {
        let r = Requested::from_headers(&headers(&[(
            "Impersonate-User",
            "system:serviceaccount:demo:builder",
        )]))
        .unwrap()
        .unwrap();
        let check = &r.checks()[0];
        assert_eq!(
            (
                check.resource.as_str(),
                check.namespace.as_str(),
                check.name.as_str()
            ),
            ("serviceaccounts", "demo", "builder")
        );
        assert_eq!(
            r.user().groups,
            [
                "system:serviceaccounts",
                "system:serviceaccounts:demo",
                "system:authenticated"
            ]
        );
    }

    #[test]
    fn groups_without_a_user_are_malformed() {
        let err = Requested::from_headers(&headers(&[("Impersonate-Group", "dev")])).unwrap_err();
        assert_eq!(err.code, 400);
    }
}
