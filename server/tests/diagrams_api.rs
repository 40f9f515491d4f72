//! The diagram API over a live cluster: the embedded cluster drawn from
//! the gateway's caches, exported in every format with a filename, behind
//! the same sign-in as the pages; and the live diagram over the stream,
//! drawn again when the cluster changes.

mod common;

use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use futures::{SinkExt, StreamExt};
use http_body_util::BodyExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use common::cluster::{Served, WAIT, serve, serve_cluster};
use common::http::{get, send};

const TOPOLOGY: &str = "/api/v1/clusters/sim/diagrams/topology";
const MYAPP_POD: &str = "/api/v1/clusters/sim/diagrams/pod?namespace=demo&name=myapp-pod";

async fn bytes(response: Response<Body>) -> Vec<u8> {
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

/// Status, content type, content disposition and body of a GET.
async fn fetch(f: &Served, path: &str) -> (StatusCode, String, String, Vec<u8>) {
    let response = send(&f.app, get(path, Some(&f.cookie))).await;
    let header_of = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (content_type, disposition) = (
        header_of(header::CONTENT_TYPE),
        header_of(header::CONTENT_DISPOSITION),
    );
    (
        response.status(),
        content_type,
        disposition,
        bytes(response).await,
    )
}

async fn text(f: &Served, path: &str) -> String {
    let (status, _, _, body) = fetch(f, path).await;
    let body = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_session_the_diagram_api_answers_401() {
    let f = serve().await;
    for path in [TOPOLOGY, MYAPP_POD] {
        let response = send(&f.app, get(path, None)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    f.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_topology_exports_in_every_format_with_a_filename() {
    let f = serve().await;
    let cases = [
        ("plantuml", "text/plain; charset=utf-8", "sim-topology.puml"),
        ("svg", "image/svg+xml", "sim-topology.svg"),
        ("png", "image/png", "sim-topology.png"),
        ("mermaid", "text/plain; charset=utf-8", "sim-topology.mmd"),
        ("dot", "text/plain; charset=utf-8", "sim-topology.dot"),
    ];
    for (format, content_type, filename) in cases {
        let (status, got_type, disposition, body) =
            fetch(&f, &format!("{TOPOLOGY}?format={format}")).await;
        assert_eq!(status, StatusCode::OK, "{format}");
        assert_eq!(got_type, content_type, "{format}");
        assert_eq!(
            disposition,
            format!("attachment; filename=\"{filename}\""),
            "{format}"
        );
        match format {
            "png" => {
                let image = resvg::tiny_skia::Pixmap::decode_png(&body).expect("a PNG");
                assert!(image.width() > 200 && image.height() > 100);
            }
            "svg" => {
                let svg = String::from_utf8(body).unwrap();
                let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default());
                assert!(tree.is_ok(), "the SVG parses");
                assert!(svg.contains("worker-3"), "{svg}");
            }
            _ => {
                let source = String::from_utf8(body).unwrap();
                for node in ["control-plane", "worker-1", "worker-2", "worker-3"] {
                    assert!(source.contains(node), "{format} draws {node}");
                }
            }
        }
    }
    // The seed's figure 1: the master with its components, workers with
    // kubelet and kube-proxy.
    let puml = text(&f, TOPOLOGY).await;
    assert!(puml.starts_with("@startuml"), "{puml}");
    for part in [
        "k8s master",
        "etcd",
        "api server",
        "controller manager",
        "scheduler",
        "kubelet",
        "kube-proxy",
    ] {
        assert!(puml.contains(part), "the topology shows {part}");
    }
    // No PlantUML server configured: no link, and a clear error.
    let (status, _, _, body) = fetch(&f, &format!("{TOPOLOGY}?format=url")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("--plantuml-server")
    );
    f.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_node_cluster_is_one_host_with_both_roles() {
    let mut cluster = sim::SimConfig::default();
    cluster.cluster.single_node = true;
    let f = serve_cluster(|_| {}, cluster).await;
    let svg = text(&f, &format!("{TOPOLOGY}?format=svg")).await;
    assert_eq!(svg.matches("boundary boundary-host").count(), 1, "{svg}");
    assert!(
        svg.contains("role-master") && svg.contains("role-worker"),
        "{svg}"
    );
    f.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pod_is_drawn_from_the_cluster_with_its_init_containers_in_order() {
    let f = serve().await;
    let puml = text(&f, MYAPP_POD).await;
    let at = |name: &str| {
        puml.find(name)
            .unwrap_or_else(|| panic!("{name} in\n{puml}"))
    };
    assert!(at("init-myservice") < at("init-mydb"));
    assert!(at("init-mydb") < at("myapp-container"));
    // zh-CN relabels the fixed parts, not the names.
    let zh = text(&f, &format!("{MYAPP_POD}&lang=zh-CN")).await;
    assert!(
        zh.contains("init 容器") && zh.contains("myapp-container"),
        "{zh}"
    );
    let (_, _, disposition, _) = fetch(&f, &format!("{MYAPP_POD}&format=svg")).await;
    assert_eq!(
        disposition,
        "attachment; filename=\"sim-pod-demo-myapp-pod.svg\""
    );
    f.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_diagram_requests_get_status_objects() {
    let f = serve().await;
    let cases = [
        ("/api/v1/clusters/sim/diagrams/blueprint", 400),
        ("/api/v1/clusters/sim/diagrams/pod", 400),
        (
            "/api/v1/clusters/sim/diagrams/pod?namespace=demo&name=nowhere",
            404,
        ),
        ("/api/v1/clusters/nowhere/diagrams/topology", 404),
        ("/api/v1/clusters/sim/diagrams/topology?format=exe", 400),
        ("/api/v1/clusters/sim/diagrams/topology?lang=tlh", 400),
        (
            "/api/v1/clusters/sim/diagrams/service?namespace=nothing-here",
            404,
        ),
    ];
    for (path, code) in cases {
        let (status, body) = f.json(path).await;
        assert_eq!(status.as_u16(), code, "{path}: {body}");
        assert_eq!(body["kind"], "Status", "{path}");
        assert!(!body["message"].as_str().unwrap().is_empty(), "{path}");
    }
    f.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_stays_text_in_every_format() {
    let f = serve().await;
    let hostile = "x\"/><script>alert(1)</script>\n@enduml\n!include http://evil.example/x";
    let pod: Pod = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "hostile", "namespace": "demo",
            "labels": {"app": "hostile"},
            "annotations": {"note": hostile}},
        "spec": {"containers": [{"name": "c", "image": hostile}]}
    }))
    .unwrap();
    Api::<Pod>::namespaced(f.kube.clone(), "demo")
        .create(&PostParams::default(), &pod)
        .await
        .unwrap();
    let base = "/api/v1/clusters/sim/diagrams/pod?namespace=demo&name=hostile";
    let puml = text(&f, base).await;
    let lines: Vec<&str> = puml.lines().collect();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.trim_start().starts_with("@enduml"))
            .count(),
        1
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.trim_start().starts_with("!include http")),
        "{puml}"
    );
    let svg = text(&f, &format!("{base}&format=svg")).await;
    assert!(!svg.contains("<script"), "{svg}");
    // Mermaid escapes markup to entities; DOT keeps it inside a quoted
    // label whose quotes are escaped, so it cannot end the label.
    let mermaid = text(&f, &format!("{base}&format=mermaid")).await;
    assert!(!mermaid.contains("<script>"), "{mermaid}");
    let dot = text(&f, &format!("{base}&format=dot")).await;
    assert!(dot.contains(r#"[x\"/><script>"#), "{dot}");
    for source in [&mermaid, &dot] {
        assert!(
            !source
                .lines()
                .any(|l| l.trim_start().starts_with("@enduml"))
        );
        assert!(
            !source
                .lines()
                .any(|l| l.trim_start().starts_with("!include"))
        );
    }
    f.sim.shutdown().await;
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next message of the stream, skipping pings.
async fn next(socket: &mut Socket) -> Value {
    let read = async {
        while let Some(message) = socket.next().await {
            if let Message::Text(text) = message.unwrap() {
                return serde_json::from_str(&text).unwrap();
            }
        }
        panic!("the stream closed");
    };
    tokio::time::timeout(WAIT, read)
        .await
        .expect("a message within the wait")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_topology_is_drawn_again_when_a_node_is_cordoned() {
    let f = serve().await;
    let mut socket = subscribe(&f, json!({"kind": "topology", "lang": "en"})).await;
    let first = next(&mut socket).await;
    assert_eq!(first["type"], "diagram", "{first}");
    let svg = first["svg"].as_str().unwrap();
    // Boxes link to their objects' pages.
    assert!(svg.contains(r#"href="/c/sim/k/nodes/-/worker-2""#), "{svg}");
    assert!(
        svg.contains(r#"href="/c/sim/k/pods/demo/myapp-pod""#),
        "{svg}"
    );
    assert!(!svg.contains("cordoned"));

    Api::<Node>::all(f.kube.clone())
        .patch(
            "worker-2",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"unschedulable": true}})),
        )
        .await
        .unwrap();
    loop {
        let message = next(&mut socket).await;
        assert_eq!(message["type"], "diagram", "{message}");
        if message["svg"].as_str().unwrap().contains("cordoned") {
            break;
        }
    }
    f.sim.shutdown().await;
}

/// Subscribes to a live diagram on the stream.
async fn subscribe(f: &Served, query: Value) -> Socket {
    let mut request = format!("ws://{}/api/v1/stream", f.addr)
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert(header::COOKIE, f.cookie.parse().unwrap());
    headers.insert(header::ORIGIN, f.origin().parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let subscribe = json!({"op": "diagram", "id": "d", "cluster": "sim", "query": query});
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    socket
}

/// The service map of `demo`, drawn from the shared caches: each Service
/// with its type and ports, the EndpointSlices the cluster made for it,
/// the pods they point at, and the Ingress-free Services alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_map_shows_services_ports_slices_and_pods() {
    let f = serve().await;
    let path = "/api/v1/clusters/sim/diagrams/service?namespace=demo&format=plantuml";
    // The slices name their pods once the pods have IPs: wait for it.
    let deadline = tokio::time::Instant::now() + WAIT;
    let puml = loop {
        let puml = text(&f, path).await;
        if puml.contains("\"web-") && puml.contains("EndpointSlice") {
            break puml;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no slice of web: {puml}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(puml.contains("80/TCP"), "{puml}");
    assert!(puml.contains("5432/TCP"), "{puml}");
    assert!(puml.contains("\"ClusterIP 10."), "{puml}");
    assert!(puml.contains("selects"), "{puml}");
    // A Service's page draws that Service alone.
    let one = text(
        &f,
        "/api/v1/clusters/sim/diagrams/service?namespace=demo&name=db&format=plantuml",
    )
    .await;
    assert!(one.contains("5432/TCP") && !one.contains("80/TCP"), "{one}");
    f.sim.shutdown().await;
}

/// The ownership graph of `demo` names each workload's replicas, and is
/// drawn again, live, when a Deployment is scaled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_ownership_graph_follows_a_scaled_deployment() {
    let f = serve().await;
    let mut socket = subscribe(
        &f,
        json!({"kind": "ownership", "namespace": "demo", "lang": "en"}),
    )
    .await;
    let first = next(&mut socket).await;
    assert_eq!(first["type"], "diagram", "{first}");
    let svg = first["svg"].as_str().unwrap();
    assert!(svg.contains("replicas 3"), "{svg}");
    assert!(svg.contains("StatefulSet"), "{svg}");
    assert!(
        svg.contains(r#"href="/c/sim/k/deployments.apps/demo/web""#),
        "{svg}"
    );

    Api::<Deployment>::namespaced(f.kube.clone(), "demo")
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 4}})),
        )
        .await
        .unwrap();
    loop {
        let message = next(&mut socket).await;
        assert_eq!(message["type"], "diagram", "{message}");
        if message["svg"].as_str().unwrap().contains("replicas 4") {
            break;
        }
    }
    f.sim.shutdown().await;
}
