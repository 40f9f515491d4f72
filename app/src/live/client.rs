//! The browser side of the live stream: one WebSocket per tab, shared by
//! every component on the page. Components subscribe with a message and a
//! handler; the stream re-sends every subscription after a reconnect (with
//! back-off), so updates keep flowing after the socket is replaced, and
//! says when it is reconnecting or when the session has ended.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};

use super::protocol::{ClientMessage, STREAM_PATH, ServerMessage};

/// What the stream is doing, for the "reconnecting" notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamStatus {
    Connecting,
    Open,
    Reconnecting,
    /// The session ended: no reconnect; the page asks to sign in again.
    Ended,
}

type Handler = Rc<dyn Fn(ServerMessage)>;

struct Subscription {
    message: ClientMessage,
    handler: Handler,
}

struct Inner {
    socket: Option<WebSocket>,
    subscriptions: HashMap<String, Subscription>,
    next_id: u64,
    failures: u32,
    status: RwSignal<StreamStatus>,
}

thread_local! {
    static STREAM: RefCell<Option<Inner>> = const { RefCell::new(None) };
}

fn with_inner<T>(f: impl FnOnce(&mut Inner) -> T) -> T {
    STREAM.with(|cell| {
        let mut cell = cell.borrow_mut();
        let inner = cell.get_or_insert_with(|| Inner {
            socket: None,
            subscriptions: HashMap::new(),
            next_id: 0,
            failures: 0,
            status: RwSignal::new(StreamStatus::Connecting),
        });
        f(inner)
    })
}

/// The stream's status signal.
pub fn status() -> RwSignal<StreamStatus> {
    with_inner(|inner| inner.status)
}

/// Subscribes: `make` builds the message for the id the stream assigns;
/// `handler` gets every message for it. Returns the id for [`unsubscribe`].
pub fn subscribe(
    make: impl FnOnce(String) -> ClientMessage,
    handler: impl Fn(ServerMessage) + 'static,
) -> String {
    let (id, message, socket) = with_inner(|inner| {
        inner.next_id += 1;
        let id = format!("s{}", inner.next_id);
        let message = make(id.clone());
        inner.subscriptions.insert(
            id.clone(),
            Subscription {
                message: message.clone(),
                handler: Rc::new(handler),
            },
        );
        (id, message, inner.socket.clone())
    });
    match socket {
        Some(socket) if socket.ready_state() == WebSocket::OPEN => send(&socket, &message),
        Some(_) => {}
        None => connect(),
    }
    id
}

/// Ends a subscription.
pub fn unsubscribe(id: &str) {
    let socket = with_inner(|inner| {
        inner.subscriptions.remove(id);
        inner.socket.clone()
    });
    if let Some(socket) = socket
        && socket.ready_state() == WebSocket::OPEN
    {
        send(&socket, &ClientMessage::Close { id: id.to_owned() });
    }
}

fn send(socket: &WebSocket, message: &ClientMessage) {
    if let Ok(text) = serde_json::to_string(message) {
        let _ = socket.send_with_str(&text);
    }
}

fn connect() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let scheme = if location.protocol().as_deref() == Ok("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    let Ok(socket) = WebSocket::new(&format!("{scheme}://{host}{STREAM_PATH}")) else {
        schedule_reconnect();
        return;
    };
    let on_open = Closure::<dyn FnMut()>::new(move || {
        let (socket, messages) = with_inner(|inner| {
            inner.failures = 0;
            inner.status.set(StreamStatus::Open);
            let messages: Vec<ClientMessage> = inner
                .subscriptions
                .values()
                .map(|s| s.message.clone())
                .collect();
            (inner.socket.clone(), messages)
        });
        if let Some(socket) = socket {
            for message in &messages {
                send(&socket, message);
            }
        }
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        let Ok(message) = serde_json::from_str::<ServerMessage>(&text) else {
            return;
        };
        dispatch(message);
    });
    let on_close = Closure::<dyn FnMut()>::new(move || {
        let ended = with_inner(|inner| {
            inner.socket = None;
            inner.status.get_untracked() == StreamStatus::Ended
        });
        if !ended {
            schedule_reconnect();
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The socket lives as long as the tab; so do its handlers.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    with_inner(|inner| inner.socket = Some(socket));
}

fn dispatch(message: ServerMessage) {
    let id = match &message {
        ServerMessage::Page { id, .. }
        | ServerMessage::Overview { id, .. }
        | ServerMessage::Clusters { id, .. }
        | ServerMessage::Diagram { id, .. }
        | ServerMessage::Error { id, .. } => id.clone(),
        ServerMessage::Ended { .. } => {
            with_inner(|inner| inner.status.set(StreamStatus::Ended));
            return;
        }
    };
    let handler = with_inner(|inner| inner.subscriptions.get(&id).map(|s| s.handler.clone()));
    if let Some(handler) = handler {
        handler(message);
    }
}

fn schedule_reconnect() {
    let delay = with_inner(|inner| {
        inner.failures += 1;
        inner.status.set(StreamStatus::Reconnecting);
        (500 * 2u32.saturating_pow(inner.failures.min(5))).min(10_000)
    });
    set_timeout(connect, std::time::Duration::from_millis(delay.into()));
}
