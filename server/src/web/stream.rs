//! The live stream: one WebSocket per browser tab, multiplexing the
//! subscriptions of the page it shows. Opened only with a live session and
//! a same-origin `Origin`; the subject is the session's user, never
//! anything the browser says. Closed when the session ends (sign-out,
//! idle or absolute expiry), checked every [`SESSION_CHECK`].

use std::collections::HashMap;
use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use app::live::protocol::{ClientMessage, ServerMessage};
use app::ssr::AuthenticatedUser;
use gateway::{Gateway, Subject};

use super::api::subject;
use crate::auth::AuthSession;
use crate::auth::sessions::{self, LOGIN_AT_KEY};
use crate::state::AppState;

/// How often the stream checks that its session still lives.
const SESSION_CHECK: Duration = Duration::from_secs(2);
/// Subscriptions one stream may hold at once.
const MAX_SUBSCRIPTIONS: usize = 32;
/// The Overview and the cluster states are computed again when what they
/// read has changed, at most this often.
const SUMMARY_EVERY: Duration = Duration::from_millis(500);

/// `GET /api/v1/stream`: upgrades to a WebSocket.
pub async fn open(
    State(state): State<AppState>,
    Extension(user): Extension<AuthenticatedUser>,
    auth: AuthSession,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "cross-origin stream refused\n").into_response();
    }
    let Some(session_id) = auth.session.id() else {
        return (StatusCode::UNAUTHORIZED, "not signed in\n").into_response();
    };
    let login_at: i64 = auth
        .session
        .get(LOGIN_AT_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    let ends_at = login_at + state.config.session_max_hours * 3600;
    let subject = subject(&user);
    upgrade
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| async move {
            let session = SessionWatch {
                state: state.clone(),
                id: session_id,
                ends_at,
            };
            serve(socket, state.gateway.clone(), subject, session).await;
        })
}

/// Whether the `Origin` (when a browser sends one) is this server.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    authority.is_some_and(|a| !host.is_empty() && a.eq_ignore_ascii_case(host))
}

/// The session a stream belongs to.
struct SessionWatch {
    state: AppState,
    id: tower_sessions::session::Id,
    ends_at: i64,
}

impl SessionWatch {
    async fn live(&self) -> bool {
        chrono::Utc::now().timestamp() <= self.ends_at
            && sessions::is_live(&self.state.session_store, &self.id).await
    }
}

async fn serve(
    socket: WebSocket,
    gateway: std::sync::Arc<Gateway>,
    subject: Subject,
    session: SessionWatch,
) {
    let (mut sink, mut incoming) = socket.split();
    let (out, mut outgoing) = mpsc::channel::<ServerMessage>(64);
    let mut subscriptions: HashMap<String, JoinHandle<()>> = HashMap::new();
    let mut check = tokio::time::interval(SESSION_CHECK);
    loop {
        tokio::select! {
            message = incoming.next() => {
                let Some(Ok(message)) = message else { break };
                let text = match message {
                    Message::Text(text) => text,
                    Message::Close(_) => break,
                    _ => continue,
                };
                handle(&text, &gateway, &subject, &out, &mut subscriptions);
            }
            Some(message) = outgoing.recv() => {
                let Ok(text) = serde_json::to_string(&message) else { continue };
                if sink.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            _ = check.tick() => {
                if !session.live().await {
                    let ended = ServerMessage::Ended { reason: "session".into() };
                    if let Ok(text) = serde_json::to_string(&ended) {
                        let _ = sink.send(Message::Text(text.into())).await;
                    }
                    let _ = sink.send(Message::Close(None)).await;
                    break;
                }
            }
        }
    }
    for (_, task) in subscriptions {
        task.abort();
    }
}

/// Applies one client message: opens or closes a subscription.
fn handle(
    text: &str,
    gateway: &std::sync::Arc<Gateway>,
    subject: &Subject,
    out: &mpsc::Sender<ServerMessage>,
    subscriptions: &mut HashMap<String, JoinHandle<()>>,
) {
    let message: ClientMessage = match serde_json::from_str(text) {
        Ok(message) => message,
        Err(err) => {
            let _ = out.try_send(ServerMessage::Error {
                id: String::new(),
                code: 400,
                message: format!("malformed message: {err}"),
            });
            return;
        }
    };
    let id = match &message {
        ClientMessage::List { id, .. }
        | ClientMessage::Overview { id, .. }
        | ClientMessage::Diagram { id, .. }
        | ClientMessage::Clusters { id }
        | ClientMessage::Close { id } => id.chars().take(64).collect::<String>(),
    };
    if let Some(old) = subscriptions.remove(&id) {
        old.abort();
    }
    if matches!(message, ClientMessage::Close { .. }) {
        return;
    }
    if subscriptions.len() >= MAX_SUBSCRIPTIONS {
        let _ = out.try_send(ServerMessage::Error {
            id,
            code: 429,
            message: format!("at most {MAX_SUBSCRIPTIONS} subscriptions per stream"),
        });
        return;
    }
    let task = tokio::spawn(subscription(
        message,
        id.clone(),
        gateway.clone(),
        subject.clone(),
        out.clone(),
    ));
    subscriptions.insert(id, task);
}

/// Runs one subscription until it fails or the stream closes.
async fn subscription(
    message: ClientMessage,
    id: String,
    gateway: std::sync::Arc<Gateway>,
    subject: Subject,
    out: mpsc::Sender<ServerMessage>,
) {
    let fail = |err: gateway::GatewayError| ServerMessage::Error {
        id: id.clone(),
        code: err.status_code(),
        message: err.to_string(),
    };
    match message {
        ClientMessage::List {
            cluster,
            kind,
            query,
            ..
        } => {
            let mut live = match gateway.live(&subject, &cluster, &kind, query).await {
                Ok(live) => live,
                Err(err) => {
                    let _ = out.send(fail(err)).await;
                    return;
                }
            };
            while let Some(diff) = live.next().await {
                if out
                    .send(ServerMessage::Page {
                        id: id.clone(),
                        diff,
                    })
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
        ClientMessage::Overview { cluster, .. } => {
            let mut last = None;
            loop {
                // Subscribed before reading, so no change falls between.
                let mut signals = match gateway.overview_signals(&subject, &cluster) {
                    Ok(signals) => signals,
                    Err(err) => {
                        let _ = out.send(fail(err)).await;
                        return;
                    }
                };
                match gateway.overview(&subject, &cluster).await {
                    Ok(overview) => {
                        let mut compared = overview.clone();
                        compared.cluster.now_ms = 0;
                        if last.as_ref() != Some(&compared) {
                            last = Some(compared);
                            let message = ServerMessage::Overview {
                                id: id.clone(),
                                overview: Box::new(overview),
                            };
                            if out.send(message).await.is_err() {
                                return;
                            }
                        }
                    }
                    Err(err) => {
                        let _ = out.send(fail(err)).await;
                        return;
                    }
                }
                // A source that went away (a watch restarted) wakes at
                // once; the next round subscribes to its successor.
                signals.changed().await;
                tokio::time::sleep(SUMMARY_EVERY).await;
            }
        }
        ClientMessage::Clusters { .. } => {
            let mut last = None;
            let mut signals = gateway.cluster_signals(&subject);
            loop {
                let clusters = gateway.clusters(&subject);
                let states: Vec<_> = clusters
                    .iter()
                    .map(|c| (c.state.clone(), c.version.clone()))
                    .collect();
                if last.as_ref() != Some(&states) {
                    last = Some(states);
                    let message = ServerMessage::Clusters {
                        id: id.clone(),
                        clusters,
                    };
                    if out.send(message).await.is_err() {
                        return;
                    }
                }
                signals.changed().await;
                tokio::time::sleep(SUMMARY_EVERY).await;
                signals.mark_seen();
            }
        }
        ClientMessage::Diagram { cluster, query, .. } => {
            let mut live = match gateway
                .live_diagram(&subject, &cluster, query.clone())
                .await
            {
                Ok(live) => live,
                Err(err) => {
                    let _ = out.send(fail(err)).await;
                    return;
                }
            };
            let mut last = String::new();
            loop {
                let Some(drawn) = live.next().await else {
                    return;
                };
                let message = match drawn {
                    Ok(diagram) => {
                        let svg = app::diagram_svg::page_svg(&cluster, &diagram, &query.expand);
                        if svg == last {
                            continue;
                        }
                        last.clone_from(&svg);
                        ServerMessage::Diagram {
                            id: id.clone(),
                            svg,
                        }
                    }
                    // A pod that went away, a namespace left without
                    // Services: said once; the diagram comes back with them.
                    Err(err) => fail(err),
                };
                if out.send(message).await.is_err() {
                    return;
                }
            }
        }
        ClientMessage::Close { .. } => {}
    }
}
