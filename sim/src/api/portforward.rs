//! `pods/{name}/portforward`: `kubectl port-forward` to a simulated pod.
//!
//! kubectl 1.32 opens a WebSocket with the subprotocol
//! `SPDY/3.1+portforward.k8s.io` and runs a SPDY/3.1 session inside its
//! binary messages (client-go `portforward/tunneling_dialer.go`); plain
//! SPDY, its fallback, is not served. For every local connection it
//! opens two streams with the headers `streamType` (`error`, then
//! `data`), `port` and `requestID`; the data stream carries the
//! connection's bytes, the error stream a message if forwarding fails.
//!
//! Behind each TCP `containerPort` the pod declares sits a simulated HTTP
//! server: it reads one request head and answers `200` with a line naming
//! the pod, container and port, then closes. A port nothing declares is
//! refused on the error stream in the kubelet's words. Other traffic gets
//! no answer.

use std::collections::HashMap;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request};
use axum::response::Response;
use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use serde_json::Value;

use super::spdy::{Decoder, Encoder, Frame, SpdyError};
use super::{ApiError, ApiState, RequestInfo};
use crate::registry::builtin::ids;

/// The WebSocket subprotocol of SPDY tunnelled in WebSocket.
const TUNNELED_SPDY: &str = "SPDY/3.1+portforward.k8s.io";

/// Largest request head read before answering.
const MAX_REQUEST_HEAD: usize = 64 * 1024;

/// Serves a port-forward request.
pub async fn serve(
    state: &ApiState,
    info: &RequestInfo,
    req: Request,
) -> Result<Response, ApiError> {
    let stored = state.store.get(&ids::pods(), &info.namespace, &info.name)?;
    let pod = stored.value();
    if pod["spec"]["nodeName"]
        .as_str()
        .unwrap_or_default()
        .is_empty()
    {
        return Err(ApiError::bad_request(format!(
            "pod {} does not have a host assigned",
            info.name
        )));
    }
    if pod["status"]["phase"] != "Running" {
        return Err(ApiError::bad_request(format!(
            "unable to do port forwarding: pod {} is not running",
            info.name
        )));
    }
    let (mut parts, _) = req.into_parts();
    let Ok(upgrade) = WebSocketUpgrade::from_request_parts(&mut parts, &()).await else {
        return Err(ApiError::bad_request(format!(
            "port-forward is served over WebSocket ({TUNNELED_SPDY}) only: the Pilothouse simulator does not speak plain SPDY"
        )));
    };
    let upgrade = upgrade.protocols([TUNNELED_SPDY]);
    if upgrade.selected_protocol().is_none() {
        return Err(ApiError::bad_request(format!(
            "unable to upgrade connection: port-forward needs the subprotocol {TUNNELED_SPDY}"
        )));
    }
    let target = Target {
        pod: info.name.clone(),
        namespace: info.namespace.clone(),
        uid: stored.uid().to_owned(),
        ports: declared_ports(pod),
    };
    let shutdown = state.shutdown.clone();
    Ok(upgrade.on_upgrade(move |socket| async move {
        let mut stop = shutdown;
        tokio::select! {
            result = session(socket, target) => {
                if let Err(e) = result {
                    tracing::debug!("port-forward session ended: {}", e.0);
                }
            }
            _ = stop.wait_for(|s| *s) => {}
        }
    }))
}

/// The pod behind a session.
struct Target {
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

/// One forwarded connection: its two streams and what came so far.
#[derive(Default)]
struct Forward {
    port: i64,
    error_stream: Option<u32>,
    data_stream: Option<u32>,
    request: Vec<u8>,
    answered: bool,
}

/// Runs the SPDY session over the socket until either side ends it.
async fn session(socket: WebSocket, target: Target) -> Result<(), SpdyError> {
    let (mut sink, mut source) = socket.split();
    let mut decoder = Decoder::default();
    let mut encoder = Encoder::default();
    let mut forwards: HashMap<String, Forward> = HashMap::new();
    let mut request_of_stream: HashMap<u32, String> = HashMap::new();
    while let Some(Ok(message)) = source.next().await {
        match message {
            Message::Binary(data) => decoder.push(&data),
            Message::Close(_) => break,
            _ => continue,
        }
        let mut out: Vec<u8> = Vec::new();
        while let Some(frame) = decoder.next_frame()? {
            match frame {
                Frame::SynStream { id, headers, .. } => {
                    let header = |n: &str| {
                        headers
                            .iter()
                            .find(|(k, _)| k == n)
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default()
                    };
                    out.extend(encoder.syn_reply(id)?);
                    let request_id = header("requestid");
                    let forward = forwards.entry(request_id.clone()).or_default();
                    forward.port = header("port").parse().unwrap_or(0);
                    match header("streamtype").as_str() {
                        "error" => forward.error_stream = Some(id),
                        _ => forward.data_stream = Some(id),
                    }
                    request_of_stream.insert(id, request_id.clone());
                    if let Some(f) = forwards.get_mut(&request_id) {
                        out.extend(answer(&target, f));
                    }
                }
                Frame::Data { id, fin, data } => {
                    let Some(f) = request_of_stream.get(&id).and_then(|r| forwards.get_mut(r))
                    else {
                        continue;
                    };
                    if f.data_stream == Some(id) && f.request.len() < MAX_REQUEST_HEAD {
                        f.request.extend(data);
                    }
                    if fin && f.data_stream == Some(id) && !f.request.is_empty() {
                        // A client that half-closes gets its answer now.
                        f.request.extend(b"\r\n\r\n");
                    }
                    out.extend(answer(&target, f));
                }
                Frame::RstStream { id } => {
                    if let Some(r) = request_of_stream.remove(&id) {
                        forwards.remove(&r);
                    }
                }
                Frame::Ping(id) => out.extend(Encoder::ping(id)),
                Frame::GoAway => return Ok(()),
                Frame::Ignored => {}
            }
        }
        if !out.is_empty() && sink.send(Message::Binary(Bytes::from(out))).await.is_err() {
            break;
        }
    }
    Ok(())
}

/// The frames that answer a forwarded connection once both its streams
/// are open and, for a served port, its request head has arrived.
fn answer(target: &Target, f: &mut Forward) -> Vec<u8> {
    let (Some(error), Some(data)) = (f.error_stream, f.data_stream) else {
        return Vec::new();
    };
    if f.answered {
        return Vec::new();
    }
    let Some((_, container)) = target.ports.iter().find(|(p, _)| *p == f.port) else {
        f.answered = true;
        let message = format!(
            "error forwarding port {port} to pod {uid}, uid : failed to connect to localhost:{port} inside namespace \"{ns}/{pod}\", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused",
            port = f.port,
            uid = target.uid,
            ns = target.namespace,
            pod = target.pod,
        );
        let mut frames = Encoder::data(error, true, message.as_bytes());
        frames.extend(Encoder::data(data, true, b""));
        return frames;
    };
    let Some(end) = f.request.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Vec::new();
    };
    f.answered = true;
    let head = String::from_utf8_lossy(&f.request[..end]).into_owned();
    let response = http_response(target, container, f.port, &head);
    let mut frames = Encoder::data(data, true, &response);
    frames.extend(Encoder::data(error, true, b""));
    frames
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
