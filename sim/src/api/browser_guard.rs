//! Keeping web pages away from the cluster's API.
//!
//! With `--insecure-http`, anyone who can send the simulator a request
//! controls the cluster, and a browser on the same machine can be made to
//! send one by any page it visits; over HTTPS, a browser that holds a
//! client certificate of the cluster could be made to use it. Three checks close the ways a
//! page can reach a loopback server (the middleware runs before everything
//! else, `/sim/v1` included):
//!
//! * **DNS rebinding**: a page's own host name re-pointed at 127.0.0.1 makes
//!   its requests same-origin, so their answers are readable. Such requests
//!   carry the page's name in `Host`; only the names this server is
//!   reached by are accepted (`127.0.0.1:PORT`, `localhost:PORT`,
//!   `[::1]:PORT`, the listen address, and any IP literal when listening
//!   on all addresses, since an IP literal cannot be rebound).
//! * **Cross-site requests**: browsers send `Origin` with every
//!   cross-origin write; kubectl and kube-rs never send it. An `Origin`
//!   that is not this server is refused.
//! * **Form posts**: a page can POST a form or `text/plain` without a
//!   CORS preflight. Writes (POST, PUT, PATCH) that name a media type must
//!   name JSON, YAML, a patch or protobuf, as the apiserver's decoders
//!   require (`apiserver/pkg/endpoints/handlers/negotiation`), else 415.
//!   No `Content-Type` at all means JSON, as upstream (`kubectl create
//!   --raw` sends none); a browser cannot send that cross-site without
//!   an `Origin`.
//!
//! Refusals are `Status` objects: 403 Forbidden, or 415 UnsupportedMediaType
//! with upstream's wording.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, HOST, ORIGIN};
use http::{HeaderMap, Method};

use super::{ApiError, ApiState};

/// Media types a write may carry (lower case, without parameters).
const WRITE_MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
];

/// The `host:port` names a server bound to `listen` answers to.
#[derive(Debug, Clone)]
pub struct ServedHosts {
    port: u16,
    listen: String,
    /// Bound to 0.0.0.0 or [::]: any IP literal with the port is us.
    any_ip: bool,
}

impl ServedHosts {
    /// For a server bound to `listen`.
    pub fn new(listen: std::net::SocketAddr) -> Self {
        Self {
            port: listen.port(),
            listen: listen.to_string(),
            any_ip: listen.ip().is_unspecified(),
        }
    }

    /// True if `authority` (`host:port` from `Host`) names this server.
    pub fn serves(&self, authority: &str) -> bool {
        let authority = authority.to_ascii_lowercase();
        let Some((host, port)) = authority.rsplit_once(':') else {
            return false;
        };
        if port.parse::<u16>() != Ok(self.port) {
            return false;
        }
        matches!(host, "127.0.0.1" | "localhost" | "[::1]")
            || authority == self.listen
            || (self.any_ip && is_ip_literal(host))
    }
}

fn is_ip_literal(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>().is_ok()
}

/// The middleware: refuses what a browser could have been made to send.
pub async fn guard(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    let served = &state.served_hosts;
    let checked = check_host(served, &req)
        .and_then(|()| check_origin(served, req.headers()))
        .and_then(|()| check_media_type(req.method(), req.headers()));
    match checked {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

fn check_host(served: &ServedHosts, req: &Request) -> Result<(), ApiError> {
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    match host {
        Some(h) if served.serves(&h) => Ok(()),
        Some(h) => Err(forbidden(format!(
            "host {h:?} is not an address this server is reached by; use 127.0.0.1:{port}, localhost:{port} or [::1]:{port} (requests naming another host are refused to block DNS rebinding)",
            port = served.port
        ))),
        None => Err(forbidden("a Host header is required")),
    }
}

fn check_origin(served: &ServedHosts, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or_default();
    match origin.strip_prefix("http://") {
        Some(authority) if served.serves(authority) => Ok(()),
        _ => Err(forbidden(format!(
            "requests from web pages are refused (Origin {origin:?})"
        ))),
    }
}

fn check_media_type(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    if !matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
        return Ok(());
    }
    let media_type = headers.get(CONTENT_TYPE).map(|v| {
        v.to_str()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    match media_type {
        None => Ok(()),
        Some(t) if WRITE_MEDIA_TYPES.contains(&t.as_str()) => Ok(()),
        Some(_) => Err(ApiError::unsupported_media_type(
            if *method == Method::PATCH {
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"
            } else {
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"
            },
        )),
    }
}

fn forbidden(message: impl Into<String>) -> ApiError {
    ApiError::new(403, "Forbidden", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_with_the_port_are_served() {
        let served = ServedHosts::new("127.0.0.1:6443".parse().unwrap());
        for ok in [
            "127.0.0.1:6443",
            "localhost:6443",
            "LOCALHOST:6443",
            "[::1]:6443",
        ] {
            assert!(served.serves(ok), "{ok}");
        }
        for bad in [
            "evil.example:6443",
            "127.0.0.1:80",
            "127.0.0.1",
            "10.0.0.1:6443",
            "localhost.evil.example:6443",
        ] {
            assert!(!served.serves(bad), "{bad}");
        }
    }

    #[test]
    fn all_addresses_accept_ip_literals_but_no_names() {
        let served = ServedHosts::new("0.0.0.0:6443".parse().unwrap());
        assert!(served.serves("192.168.1.5:6443"));
        assert!(served.serves("[fe80::1]:6443"));
        assert!(!served.serves("rebound.example:6443"));
        let one = ServedHosts::new("192.168.1.5:6443".parse().unwrap());
        assert!(one.serves("192.168.1.5:6443"));
        assert!(!one.serves("192.168.1.6:6443"));
    }

    #[test]
    fn writes_need_a_kubernetes_media_type() {
        let with = |ct: &str| {
            let mut h = HeaderMap::new();
            h.insert(CONTENT_TYPE, ct.parse().unwrap());
            h
        };
        assert!(check_media_type(&Method::POST, &with("application/json; charset=utf-8")).is_ok());
        assert!(check_media_type(&Method::PATCH, &with("application/merge-patch+json")).is_ok());
        let refused = check_media_type(&Method::POST, &with("text/plain")).unwrap_err();
        assert_eq!(refused.code, 415);
        assert!(
            check_media_type(&Method::POST, &with("application/x-www-form-urlencoded")).is_err()
        );
        assert!(check_media_type(&Method::GET, &with("text/plain")).is_ok());
        assert!(
            check_media_type(&Method::POST, &HeaderMap::new()).is_ok(),
            "no stated type means JSON"
        );
    }
}
