//! The simulated HTTP server behind every TCP `containerPort` a pod
//! declares, which port-forward reaches (`portforward.rs`): it reads one
//! request head and answers `200` with a line naming the pod, container,
//! port, method and path, then closes, so `curl localhost:8080` through
//! `kubectl port-forward` shows where it landed. A port nothing declares
//! is refused in the kubelet's words. Other traffic gets no answer.

use serde_json::Value;

/// The pod behind a session.
pub struct Target {
    pod: String,
    namespace: String,
    uid: String,
    /// TCP `containerPort`s, each with its container.
    ports: Vec<(i64, String)>,
}

fn declared_ports(pod: &Value) -> Vec<(i64, String)> {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| {
            let name = c["name"].as_str().unwrap_or_default().to_owned();
            c["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["protocol"].as_str().unwrap_or("TCP") == "TCP")
                .filter_map(move |p| Some((p["containerPort"].as_i64()?, name.clone())))
        })
        .collect()
}

impl Target {
    /// The pod `pod` (with uid `uid`) as a port-forward target.
    pub fn of(pod: &Value, uid: &str) -> Self {
        Target {
            pod: pod["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            namespace: pod["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            uid: uid.to_owned(),
            ports: declared_ports(pod),
        }
    }

    /// The answer to what came so far on a connection to `port`: `None`
    /// until a whole request head is there, the response, or (for a port
    /// nothing listens on) the error message.
    pub fn respond(&self, port: i64, request: &[u8]) -> Option<Result<Vec<u8>, String>> {
        let Some((_, container)) = self.ports.iter().find(|(p, _)| *p == port) else {
            return Some(Err(format!(
                "error forwarding port {port} to pod {uid}, uid : failed to connect to localhost:{port} inside namespace \"{ns}/{pod}\", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused",
                uid = self.uid,
                ns = self.namespace,
                pod = self.pod,
            )));
        };
        let end = request.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&request[..end]);
        Some(Ok(http_response(self, container, port, &head)))
    }
}

/// The simulated server's answer to a request head.
fn http_response(target: &Target, container: &str, port: i64, head: &str) -> Vec<u8> {
    let mut words = head.lines().next().unwrap_or_default().split_whitespace();
    let (method, path) = (words.next().unwrap_or("GET"), words.next().unwrap_or("/"));
    let body = format!(
        "Hello from pod {}/{}, container {container}, port {port}: {method} {path}\n",
        target.namespace, target.pod
    );
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nServer: pilothouse-sim\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if method != "HEAD" {
        response.extend(body.into_bytes());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn declared_ports_answer_http_and_others_are_refused() {
        let pod = json!({
            "metadata": {"name": "web-1", "namespace": "demo"},
            "spec": {"containers": [{"name": "nginx", "ports": [
                {"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}]}]}
        });
        let t = Target::of(&pod, "u1");
        assert_eq!(t.respond(80, b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        let response = t
            .respond(80, b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap()
            .unwrap();
        let response = String::from_utf8(response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(
            response
                .ends_with("\r\n\r\nHello from pod demo/web-1, container nginx, port 80: GET /a\n")
        );
        let refused = t.respond(53, b"").unwrap().unwrap_err();
        assert!(refused.contains("connect: connection refused"), "{refused}");
    }
}
