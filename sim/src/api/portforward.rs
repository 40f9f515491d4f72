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
//! kube-rs asks instead with the channel protocol (`v4.channel.k8s.io`)
//! and `?ports=`: see [`channel_session`].
//!
//! Behind the ports is the pod's simulated HTTP server (`pod_http.rs`).

use std::collections::HashMap;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request};
use axum::response::Response;
use bytes::Bytes;
use futures::{SinkExt, StreamExt};

use super::pod_http::Target;
use super::query::Query;
use super::spdy::{Decoder, Encoder, Frame, SpdyError};
use super::{ApiError, ApiState, RequestInfo};
use crate::registry::builtin::ids;

/// The WebSocket subprotocol of SPDY tunnelled in WebSocket.
const TUNNELED_SPDY: &str = "SPDY/3.1+portforward.k8s.io";

/// kube-rs's port-forward protocols (channels per port).
const CHANNEL_PROTOCOLS: [&str; 2] = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

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
    super::exec::require_host(pod, &info.name)?;
    if pod["status"]["phase"] != "Running" {
        return Err(ApiError::bad_request(format!(
            "unable to do port forwarding: pod {} is not running",
            info.name
        )));
    }
    let query = Query::parse(req.uri().query().unwrap_or_default());
    let (mut parts, _) = req.into_parts();
    let Ok(upgrade) = WebSocketUpgrade::from_request_parts(&mut parts, &()).await else {
        return Err(ApiError::bad_request(format!(
            "port-forward is served over WebSocket ({TUNNELED_SPDY}) only: the Pilothouse simulator does not speak plain SPDY"
        )));
    };
    let upgrade = upgrade.protocols([TUNNELED_SPDY, CHANNEL_PROTOCOLS[0], CHANNEL_PROTOCOLS[1]]);
    let Some(protocol) = upgrade.selected_protocol().cloned() else {
        return Err(ApiError::bad_request(format!(
            "unable to upgrade connection: port-forward needs the subprotocol {TUNNELED_SPDY} or {}",
            CHANNEL_PROTOCOLS.join(", ")
        )));
    };
    let ports: Vec<u16> = match query.get("ports") {
        None => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|p| p.trim().parse::<u16>().ok().filter(|p| *p > 0))
            .collect::<Option<Vec<u16>>>()
            .ok_or_else(|| ApiError::bad_request(format!("invalid port list {list:?}")))?,
    };
    let spdy = protocol == TUNNELED_SPDY;
    if !spdy && ports.is_empty() {
        return Err(ApiError::bad_request("at least 1 port must be specified"));
    }
    let target = Target::of(pod, stored.uid());
    let shutdown = state.shutdown.clone();
    Ok(upgrade.on_upgrade(move |socket| async move {
        let mut stop = shutdown;
        let run = async move {
            if !spdy {
                channel_session(socket, target, ports).await;
            } else if let Err(e) = session(socket, target).await {
                tracing::debug!("port-forward session ended: {}", e.0);
            }
        };
        tokio::select! {
            () = run => {}
            _ = stop.wait_for(|s| *s) => {}
        }
    }))
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
/// are open and the simulated server has an answer.
fn answer(target: &Target, f: &mut Forward) -> Vec<u8> {
    let (Some(error), Some(data)) = (f.error_stream, f.data_stream) else {
        return Vec::new();
    };
    if f.answered {
        return Vec::new();
    }
    match target.respond(f.port, &f.request) {
        None => Vec::new(),
        Some(Ok(response)) => {
            f.answered = true;
            let mut frames = Encoder::data(data, true, &response);
            frames.extend(Encoder::data(error, true, b""));
            frames
        }
        Some(Err(message)) => {
            f.answered = true;
            let mut frames = Encoder::data(error, true, message.as_bytes());
            frames.extend(Encoder::data(data, true, b""));
            frames
        }
    }
}

/// kube-rs's port-forward: the channel protocol with two channels per
/// port of `?ports=` (data 2n, error 2n+1), each opened by a frame
/// carrying its port (2 bytes, little-endian). The socket closes once
/// every port has been answered (a kube-rs connection is one per port).
async fn channel_session(socket: WebSocket, target: Target, ports: Vec<u16>) {
    let (mut sink, mut source) = socket.split();
    for (i, port) in ports.iter().enumerate() {
        for channel in [2 * i, 2 * i + 1] {
            let mut frame = vec![channel as u8];
            frame.extend(port.to_le_bytes());
            if sink
                .send(Message::Binary(Bytes::from(frame)))
                .await
                .is_err()
            {
                return;
            }
        }
    }
    let mut requests = vec![Vec::new(); ports.len()];
    let mut answered = vec![false; ports.len()];
    while let Some(Ok(message)) = source.next().await {
        let Message::Binary(data) = message else {
            if matches!(message, Message::Close(_)) {
                return;
            }
            continue;
        };
        let Some((&channel, payload)) = data.split_first() else {
            continue;
        };
        let i = usize::from(channel / 2);
        if channel % 2 != 0 || i >= ports.len() || answered[i] {
            continue;
        }
        if requests[i].len() < MAX_REQUEST_HEAD {
            requests[i].extend_from_slice(payload);
        }
        let (reply_channel, bytes) = match target.respond(i64::from(ports[i]), &requests[i]) {
            None => continue,
            Some(Ok(response)) => (channel, response),
            Some(Err(message)) => (channel + 1, message.into_bytes()),
        };
        answered[i] = true;
        let mut frame = vec![reply_channel];
        frame.extend(bytes);
        if sink
            .send(Message::Binary(Bytes::from(frame)))
            .await
            .is_err()
        {
            return;
        }
        if answered.iter().all(|a| *a) {
            let _ = sink.send(Message::Close(None)).await;
            return;
        }
    }
}
