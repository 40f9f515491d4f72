//! The live stream over a real socket: many sessions share one upstream
//! watch per kind (the embedded cluster itself counts its open watches),
//! changes arrive as row diffs, a foreign `Origin` is refused, signing
//! out ends the session's streams, and a Secret's value never travels.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use futures::{SinkExt, StreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, PostParams};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use common::cluster::{PASSWORD, Served, WAIT, serve};
use common::http::{send, sign_in};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What these tests ask of the fixture.
trait StreamFixture {
    async fn connect(
        &self,
        cookie: &str,
        origin: &str,
    ) -> Result<Socket, tokio_tungstenite::tungstenite::Error>;
    async fn upstream_watches(&self, resource: &str) -> u64;
}

impl StreamFixture for Served {
    async fn connect(
        &self,
        cookie: &str,
        origin: &str,
    ) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
        let mut request = format!("ws://{}/api/v1/stream", self.addr)
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert(header::COOKIE, cookie.parse().unwrap());
        request
            .headers_mut()
            .insert(header::ORIGIN, origin.parse().unwrap());
        tokio_tungstenite::connect_async(request)
            .await
            .map(|(socket, _)| socket)
    }

    /// The embedded cluster's count of open watches of `resource`.
    async fn upstream_watches(&self, resource: &str) -> u64 {
        let request = http::Request::get("/sim/v1/watches")
            .body(Vec::new())
            .unwrap();
        let text = self.kube.request_text(request).await.unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        body["watches"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["resource"] == resource)
            .map(|w| w["count"].as_u64().unwrap())
            .sum()
    }
}

async fn subscribe(socket: &mut Socket, query: Value) {
    let message =
        json!({"op": "list", "id": "pods", "cluster": "sim", "kind": "pods", "query": query});
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
}

/// The next JSON message, skipping pings.
async fn next(socket: &mut Socket) -> Option<Value> {
    let read = async {
        while let Some(message) = socket.next().await {
            match message.ok()? {
                Message::Text(text) => return serde_json::from_str(&text).ok(),
                Message::Close(_) => return None,
                _ => continue,
            }
        }
        None
    };
    tokio::time::timeout(WAIT, read)
        .await
        .expect("a message within the wait")
}

fn query(namespace: &str, filter: &str) -> Value {
    json!({"namespace": namespace, "filter": filter, "selector": "", "sort": {"column": "name", "descending": false}, "offset": 0, "limit": 0})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_sessions_on_the_pods_page_open_one_pods_watch_upstream() {
    let served = serve().await;
    let mut sockets = Vec::new();
    for _ in 0..50 {
        let cookie = sign_in(&served.app, "admin", PASSWORD).await;
        let mut socket = served.connect(&cookie, &served.origin()).await.unwrap();
        subscribe(&mut socket, json!({"namespace": null, "filter": "", "selector": "", "sort": {"column": "name", "descending": false}, "offset": 0, "limit": 0})).await;
        let first = next(&mut socket).await.unwrap();
        assert_eq!(first["type"], "page", "{first}");
        assert!(first["diff"]["total"].as_u64().unwrap() > 5);
        sockets.push(socket);
    }
    assert_eq!(served.upstream_watches("pods").await, 1);
    served.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_pod_arrives_as_a_row_diff() {
    let served = serve().await;
    let cookie = sign_in(&served.app, "admin", PASSWORD).await;
    let mut socket = served.connect(&cookie, &served.origin()).await.unwrap();
    subscribe(&mut socket, query("demo", "streamed")).await;
    let first = next(&mut socket).await.unwrap();
    assert_eq!(first["diff"]["total"], 0);
    let pod: Pod = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "streamed", "namespace": "demo"},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]}
    }))
    .unwrap();
    Api::<Pod>::namespaced(served.kube.clone(), "demo")
        .create(&PostParams::default(), &pod)
        .await
        .unwrap();
    let diff = next(&mut socket).await.unwrap();
    assert_eq!(diff["diff"]["total"], 1, "{diff}");
    assert_eq!(diff["diff"]["upserts"][0]["name"], "streamed");
    assert!(
        diff["diff"]["upserts"].as_array().unwrap().len() == 1,
        "only the changed row is sent"
    );
    served.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_origin_is_refused() {
    let served = serve().await;
    let cookie = sign_in(&served.app, "admin", PASSWORD).await;
    let refused = served.connect(&cookie, "http://evil.example").await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), StatusCode::FORBIDDEN)
        }
        other => panic!("expected 403, got {other:?}"),
    }
    let no_session = served
        .connect("pilothouse_session=forged", &served.origin())
        .await;
    assert!(
        matches!(no_session, Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == StatusCode::UNAUTHORIZED)
    );
    served.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_the_stream() {
    let served = serve().await;
    let cookie = sign_in(&served.app, "admin", PASSWORD).await;
    let mut socket = served.connect(&cookie, &served.origin()).await.unwrap();
    subscribe(&mut socket, query("demo", "")).await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "page");
    let logout = Request::post("/logout")
        .header(header::COOKIE, &cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(&served.app, logout).await.status(),
        StatusCode::SEE_OTHER
    );
    loop {
        match next(&mut socket).await {
            Some(message) if message["type"] == "ended" => break,
            Some(_) => continue,
            None => panic!("closed without saying the session ended"),
        }
    }
    assert!(
        next(&mut socket).await.is_none(),
        "the stream closes after it ends"
    );
    served.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_streams_as_a_row_but_never_its_value() {
    use k8s_openapi::api::core::v1::Secret;
    use kube::api::{Patch, PatchParams};

    let served = serve().await;
    let cookie = sign_in(&served.app, "admin", PASSWORD).await;
    let mut socket = served.connect(&cookie, &served.origin()).await.unwrap();
    let message = json!({"op": "list", "id": "secrets", "cluster": "sim", "kind": "secrets",
        "query": query("demo", "streamed-secret")});
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
    let first = next(&mut socket).await.unwrap();
    assert_eq!(first["diff"]["total"], 0, "{first}");

    let (value, encoded) = ("streamed-hunter2-value", "c3RyZWFtZWQtaHVudGVyMi12YWx1ZQ");
    let secrets = Api::<Secret>::namespaced(served.kube.clone(), "demo");
    let secret: Secret = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "streamed-secret", "namespace": "demo"},
        "stringData": {"password": value}
    }))
    .unwrap();
    secrets
        .create(&PostParams::default(), &secret)
        .await
        .unwrap();
    let mut messages = vec![next(&mut socket).await.unwrap()];
    // A changed value arrives as a modified row: still no value in it.
    let patch = json!({"stringData": {"password": format!("{value}-2"), "token": value}});
    secrets
        .patch(
            "streamed-secret",
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
        .unwrap();
    messages.push(next(&mut socket).await.unwrap());
    let text: String = messages.iter().map(Value::to_string).collect();
    assert!(
        text.contains("streamed-secret"),
        "the secret is listed: {text}"
    );
    assert!(
        messages[1].to_string().contains("streamed-secret"),
        "the changed secret arrives as a modified row: {}",
        messages[1]
    );
    for leaked in [value, encoded, "c3RyZWFtZWQtaHVudGVyMi12YWx1ZS0y"] {
        assert!(!text.contains(leaked), "the stream leaks {leaked}: {text}");
    }
    served.sim.shutdown().await;
}
