//! The client's address, as the rate limiter and the audit log see it.
//!
//! Behind a reverse proxy every request comes from the proxy, so one bad
//! actor would throttle everyone; yet `X-Forwarded-For` is just a header
//! anyone can send. It is believed only when the peer is a proxy the
//! operator named (`--trusted-proxy`), and then only up to the first hop
//! that is not such a proxy, reading from the right as proxies append.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// The resolved client address of a request, in its extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

/// The proxies whose `X-Forwarded-For` is believed.
pub type TrustedProxies = Arc<[IpAddr]>;

/// Middleware: puts a [`ClientAddr`] into every request.
pub async fn resolve_client(
    State(trusted): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let forwarded: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let client = client_of(peer, &forwarded.join(","), &trusted);
    request.extensions_mut().insert(ClientAddr(client));
    next.run(request).await
}

/// The address of the client: the peer, or, while the hop in front is a
/// trusted proxy, the address that proxy says it forwarded for.
fn client_of(peer: Option<IpAddr>, forwarded_for: &str, trusted: &[IpAddr]) -> String {
    let Some(mut client) = peer else {
        return "unknown".into();
    };
    let mut hops = forwarded_for.rsplit(',').map(str::trim);
    while trusted.contains(&client) {
        match hops.next().and_then(parse_hop) {
            Some(hop) => client = hop,
            None => break,
        }
    }
    client.to_string()
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_is_ignored_from_an_untrusted_peer() {
        let got = client_of(Some(ip("203.0.113.9")), "10.9.9.9", &[ip("10.0.0.1")]);
        assert_eq!(got, "203.0.113.9");
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        let got = client_of(Some(ip("10.0.0.1")), "198.51.100.7, 10.0.0.2", &trusted);
        assert_eq!(got, "198.51.100.7");
    }

    #[test]
    fn a_forged_entry_left_of_the_first_untrusted_hop_is_not_believed() {
        let trusted = [ip("10.0.0.1")];
        let got = client_of(Some(ip("10.0.0.1")), "1.2.3.4, 198.51.100.7", &trusted);
        assert_eq!(got, "198.51.100.7");
    }

    #[test]
    fn garbage_or_no_header_leaves_the_proxy_itself() {
        let trusted = [ip("10.0.0.1")];
        assert_eq!(client_of(Some(ip("10.0.0.1")), "", &trusted), "10.0.0.1");
        assert_eq!(
            client_of(Some(ip("10.0.0.1")), "nonsense", &trusted),
            "10.0.0.1"
        );
        assert_eq!(client_of(None, "1.2.3.4", &trusted), "unknown");
    }
}
