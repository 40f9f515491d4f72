//! Issue 7 point 8: the simulator keeps web pages out, which matters most
//! with `--insecure-http`, where it has no authentication. It refuses requests naming a foreign `Host` (DNS rebinding),
//! cross-site `Origin`s and writes that are not JSON, YAML, a patch or
//! protobuf (form and `text/plain` posts), and will not listen beyond
//! loopback unless told that this is unsafe.

mod common;

use serde_json::Value;
use sim::{Sim, SimConfig, SimError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends one raw HTTP/1.1 request; returns the status code and JSON body.
/// Panics, naming the request line, if the answer takes over
/// [`common::TIMEOUT`].
async fn raw(addr: std::net::SocketAddr, head: &str, body: &str) -> (u16, Value) {
    let request_line = head.lines().next().unwrap_or(head);
    let what = format!("an answer to {request_line}");
    let answer = common::within(&what, common::TIMEOUT, exchange(addr, head, body)).await;
    let code = answer[9..12].parse().unwrap();
    let json = answer
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (code, json)
}

/// A simulator serving plain HTTP (`--insecure-http`), where the guard
/// is all that keeps a web page from controlling the cluster; these
/// tests speak raw HTTP/1.1 to it.
fn insecure() -> SimConfig {
    SimConfig {
        clock_factor: 20.0,
        insecure_http: true,
        ..SimConfig::default()
    }
}

/// Writes the request, reads the whole answer (the server closes the
/// connection after it).
async fn exchange(addr: std::net::SocketAddr, head: &str, body: &str) -> String {
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_host_is_refused_and_loopback_names_are_served() {
    let sim = common::start_with(insecure()).await;
    let addr = sim.handle.addr();
    let port = addr.port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (code, body) = raw(
            addr,
            &format!("GET /api/v1/namespaces HTTP/1.1\r\nHost: {host}"),
            "",
        )
        .await;
        assert_eq!(code, 200, "{host}: {body}");
    }
    let (code, body) = raw(
        addr,
        &format!("GET /api/v1/secrets HTTP/1.1\r\nHost: rebound.example:{port}"),
        "",
    )
    .await;
    assert_eq!(code, 403, "{body}");
    assert_eq!(body["kind"], "Status");
    assert_eq!(body["reason"], "Forbidden");
    assert!(
        body["message"].as_str().unwrap().contains("DNS rebinding"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_and_cross_site_writes_change_nothing() {
    let sim = common::start_with(insecure()).await;
    let addr = sim.handle.addr();
    let host = format!("Host: 127.0.0.1:{}", addr.port());
    let cm = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"planted"}}"#;
    let post = format!("POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\n{host}");

    let (code, body) = raw(addr, &format!("{post}\r\nContent-Type: text/plain"), cm).await;
    assert_eq!(code, 415, "{body}");
    assert_eq!(body["reason"], "UnsupportedMediaType");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("the body of the request was in an unknown format - accepted media types include: application/json"),
        "{body}"
    );
    let (code, _) = raw(
        addr,
        &format!("{post}\r\nContent-Type: application/x-www-form-urlencoded"),
        cm,
    )
    .await;
    assert_eq!(code, 415);
    // A page's JSON, with a type or without (which means JSON), names
    // the page in Origin.
    for content_type in ["\r\nContent-Type: application/json", ""] {
        let (code, body) = raw(
            addr,
            &format!("{post}{content_type}\r\nOrigin: https://evil.example"),
            cm,
        )
        .await;
        assert_eq!(code, 403, "{body}");
    }
    // Nor can a page stop a node through the fault API.
    let (code, _) = raw(
        addr,
        &format!(
            "POST /sim/v1/nodes/worker-1/stop HTTP/1.1\r\n{host}\r\nOrigin: https://evil.example"
        ),
        "",
    )
    .await;
    assert_eq!(code, 403);
    assert!(
        sim.kubectl_err(&["get", "cm", "planted"])
            .await
            .contains("NotFound")
    );
    let faults = sim.kubectl_ok(&["get", "--raw", "/sim/v1/faults"]).await;
    assert!(faults.contains(r#""stoppedNodes":[]"#), "{faults}");

    // The same write as JSON is served.
    let (code, body) = raw(
        addr,
        &format!("{post}\r\nContent-Type: application/json"),
        cm,
    )
    .await;
    assert_eq!(code, 201, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listening_beyond_loopback_needs_the_unsafe_flag() {
    let _limit = common::TestLimit::arm(common::TEST_LIMIT);
    let refused = Sim::start(SimConfig {
        listen: "0.0.0.0:0".parse().unwrap(),
        ..SimConfig::default()
    });
    let refused = common::within("0.0.0.0 to be refused", common::TIMEOUT, refused).await;
    let Err(err @ SimError::UnsafeListen { .. }) = refused else {
        panic!("0.0.0.0 was accepted without the unsafe flag");
    };
    assert!(err.to_string().contains("--unsafe-listen-any"), "{err}");

    let sim = common::start_with(SimConfig {
        listen: "0.0.0.0:0".parse().unwrap(),
        unsafe_listen_any: true,
        insecure_http: true,
        clock_factor: 20.0,
        ..SimConfig::default()
    })
    .await;
    let addr = sim.handle.addr();
    let local = std::net::SocketAddr::from(([127, 0, 0, 1], addr.port()));
    // Any IP literal names it (an IP cannot be rebound), a host name does not.
    let (code, _) = raw(
        local,
        &format!("GET /version HTTP/1.1\r\nHost: 192.0.2.7:{}", addr.port()),
        "",
    )
    .await;
    assert_eq!(code, 200);
    let (code, _) = raw(
        local,
        &format!(
            "GET /version HTTP/1.1\r\nHost: rebound.example:{}",
            addr.port()
        ),
        "",
    )
    .await;
    assert_eq!(code, 403);
}
