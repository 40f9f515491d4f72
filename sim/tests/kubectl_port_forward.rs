//! `kubectl port-forward` (SPDY/3.1 tunnelled in WebSocket) and kube-rs's
//! `Api::portforward` (the channel protocol) to the simulated HTTP server
//! behind a pod's declared ports.

mod common;

use std::collections::HashMap;
use std::process::Stdio;

use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_forward_reaches_the_pods_http_server() {
    let sim = common::start().await;
    let deployments: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(sim.client().await, "demo");
    common::eventually("deployment web to be available", || async {
        let d = deployments.get("web").await.ok()?;
        (d.status?.available_replicas? >= 1).then_some(())
    })
    .await;
    // A random local port: kubectl prints the one it took.
    let mut child = sim
        .kubectl_cmd(&["port-forward", "-n", "demo", "deploy/web", ":80", ":8080"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut ports = HashMap::new();
    while ports.len() < 2 {
        let line = common::within(
            "`kubectl port-forward` to listen",
            common::TIMEOUT,
            lines.next_line(),
        )
        .await
        .expect("stdout read")
        .expect("a line");
        // "Forwarding from 127.0.0.1:PORT -> 80"
        if let Some(rest) = line.strip_prefix("Forwarding from 127.0.0.1:") {
            let (local, remote) = rest.split_once(" -> ").expect("an arrow");
            ports.insert(remote.to_owned(), local.to_owned());
        }
    }
    let get = |port: String| async move {
        let mut conn = TcpStream::connect(format!("127.0.0.1:{port}"))
            .await
            .expect("connects");
        conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .expect("request sent");
        let mut response = String::new();
        let _ = conn.read_to_string(&mut response).await;
        response
    };
    for _ in 0..2 {
        let response = common::within(
            "an answer through the forwarded port",
            common::TIMEOUT,
            get(ports["80"].clone()),
        )
        .await;
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(
            response.contains("container nginx, port 80: GET /healthz"),
            "{response}"
        );
        assert!(response.contains("Hello from pod demo/web-"), "{response}");
    }
    // A port no container declares: the connection closes unanswered and
    // kubectl reports the kubelet's error.
    let response = common::within(
        "port 8080 to be refused",
        common::TIMEOUT,
        get(ports["8080"].clone()),
    )
    .await;
    assert_eq!(response, "");
    common::within(
        "kubectl port-forward to be killed",
        common::TIMEOUT,
        child.kill(),
    )
    .await
    .expect("killed");
    let mut stderr = String::new();
    let _ = common::within(
        "kubectl's stderr",
        common::TIMEOUT,
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr),
    )
    .await;
    assert!(stderr.contains("connect: connection refused"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_rs_port_forward_reaches_the_pods_http_server() {
    let sim = common::start().await;
    let client = sim.client().await;
    let pods: Api<Pod> = Api::namespaced(client, "demo");
    let pod = common::eventually("a running web pod", || async {
        let list = pods
            .list(&kube::api::ListParams::default().labels("app=web"))
            .await
            .ok()?;
        list.items
            .into_iter()
            .find(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
    })
    .await;
    let name = pod.metadata.name.expect("a name");
    let mut forwarder = common::within(
        "kube-rs port-forward to start",
        common::TIMEOUT,
        pods.portforward(&name, &[80]),
    )
    .await
    .expect("port-forward starts");
    let mut stream = forwarder.take_stream(80).expect("a stream for port 80");
    stream
        .write_all(b"GET /from-kube-rs HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("request sent");
    let mut response = String::new();
    common::within(
        "the answer through kube-rs",
        common::TIMEOUT,
        stream.read_to_string(&mut response),
    )
    .await
    .expect("answer read");
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.contains(&format!(
            "Hello from pod demo/{name}, container nginx, port 80: GET /from-kube-rs"
        )),
        "{response}"
    );
}
