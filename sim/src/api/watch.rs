//! Watch streams: one JSON event per line over a chunked 200 response.
//!
//! A spawned task drives the store's [`Watcher`] and writes event lines
//! (reused from the store's single encoding unless this watcher sees a
//! different type, or asked for Tables) into a channel that is the response
//! body. A too-old revision ends the stream with an in-stream `ERROR` event
//! carrying a 410 Expired Status, never an HTTP 410: kube-rs only relists on
//! the in-stream form. The stream ends at `timeoutSeconds` (default 30–60
//! min, like the apiserver) or when the client goes away.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use http::HeaderMap;
use http::header::CONTENT_TYPE;
use rand::Rng;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::encode::{self, IncludeObject, wants_table};
use super::open_watches::{WatchGuard, WatchedType};
use super::query::Query;
use super::{ApiError, ApiState, RequestInfo};
use crate::faults::WatchFaults;
use crate::registry::ResourceType;
use crate::store::{
    Delivered, FieldSelector, Store, WatchError, WatchFilter, WatchStart, Watcher,
    watch::encode_line,
};

/// How often a watch that allows bookmarks gets one (real time).
const BOOKMARK_EVERY: Duration = Duration::from_secs(10);

/// Starts a watch and returns the streaming response.
pub fn serve(
    state: &ApiState,
    rt: &ResourceType,
    info: &RequestInfo,
    query: &Query,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let store = &state.store;
    let mut opts = query.list_options(rt, &info.namespace)?;
    if !info.name.is_empty() {
        let fields = match query.get("fieldSelector") {
            Some(f) => format!("{f},metadata.name={}", info.name),
            None => format!("metadata.name={}", info.name),
        };
        opts.fields = FieldSelector::parse(&fields, &rt.kind, rt.custom)
            .map_err(|e| ApiError::bad_request(e.0))?;
    }
    let filter = WatchFilter {
        namespace: opts.namespace,
        labels: opts.labels,
        fields: opts.fields,
    };
    let send_initial = query.get("sendInitialEvents").map(|v| v == "true");
    let start = match (send_initial, query.get("resourceVersion")) {
        (Some(true), _) => WatchStart::CurrentState,
        (Some(false), None | Some("0")) => WatchStart::After(store.current_rv()),
        (None, None | Some("0")) => WatchStart::CurrentState,
        (_, Some(rv)) => WatchStart::After(
            rv.parse()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv}")))?,
        ),
    };
    let timeout = match query.number("timeoutSeconds")? {
        Some(s) if s > 0 => Duration::from_secs(s as u64),
        _ => Duration::from_secs(1800 + rand::rng().random_range(0..1800)),
    };
    let watcher = store.watch(&rt.id(), filter, start)?;
    let stream = WatchStream {
        watcher,
        kind: rt.kind.clone(),
        api_version: rt.api_version(),
        bookmarks: query.flag("allowWatchBookmarks"),
        initial_end_pending: send_initial == Some(true),
        table: wants_table(headers).then(|| (rt.clone(), IncludeObject::from_query(query))),
        store: store.clone(),
        shutdown: state.shutdown.clone(),
        faults: state.faults.watch_faults(),
        _open: state.watches.open(WatchedType {
            group: rt.group.clone(),
            version: rt.version.clone(),
            resource: rt.plural.clone(),
        }),
    };
    let (tx, rx) = mpsc::channel::<Result<Bytes, Infallible>>(16);
    tokio::spawn(stream.run(tx, timeout));
    Ok(Response::builder()
        .header(CONTENT_TYPE, "application/json")
        .header(http::header::CACHE_CONTROL, "no-cache, private")
        .body(Body::from_stream(ReceiverStream::new(rx)))
        .expect("valid response"))
}

struct WatchStream {
    watcher: Watcher,
    kind: String,
    api_version: String,
    bookmarks: bool,
    initial_end_pending: bool,
    table: Option<(ResourceType, IncludeObject)>,
    store: Store,
    shutdown: tokio::sync::watch::Receiver<bool>,
    /// Fault injection: drop the stream, or hold events back for a while.
    faults: WatchFaults,
    /// Counts this stream as open until the task ends.
    _open: WatchGuard,
}

type Tx = mpsc::Sender<Result<Bytes, Infallible>>;

impl WatchStream {
    async fn run(mut self, tx: Tx, timeout: Duration) {
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut tick =
            tokio::time::interval_at(tokio::time::Instant::now() + BOOKMARK_EVERY, BOOKMARK_EVERY);
        if !self.end_initial_events(&tx).await {
            return;
        }
        let mut shutdown = self.shutdown.clone();
        let stop = async move {
            let _ = shutdown.wait_for(|s| *s).await;
        };
        tokio::pin!(stop);
        self.faults.drops.mark_unchanged();
        loop {
            tokio::select! {
                _ = &mut deadline => break,
                _ = &mut stop => break,
                _ = tx.closed() => break,
                _ = self.faults.drops.changed() => break,
                _ = tick.tick(), if self.bookmarks => {
                    if tx.send(Ok(self.bookmark(false))).await.is_err() {
                        break;
                    }
                }
                batch = self.watcher.next() => match batch {
                    Ok(events) => {
                        self.wait_while_stalled().await;
                        let bytes = self.encode(&events);
                        if tx.send(Ok(bytes)).await.is_err() || !self.end_initial_events(&tx).await {
                            break;
                        }
                    }
                    Err(e @ WatchError::Expired { .. }) => {
                        let status = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                            "message": e.to_string(), "reason": "Expired", "code": 410});
                        let _ = tx.send(Ok(encode_line("ERROR", status.to_string().as_bytes()))).await;
                        break;
                    }
                    Err(WatchError::Closed) => break,
                }
            }
        }
    }

    /// Holds delivery back while watch streams are stalled (fault injection).
    async fn wait_while_stalled(&self) {
        let until = *self.faults.stall_until.borrow();
        if let Some(until) = until {
            self.store.clock().sleep_until(until).await;
        }
    }

    /// Sends the `k8s.io/initial-events-end` bookmark once the initial
    /// events are out. False if the client is gone.
    async fn end_initial_events(&mut self, tx: &Tx) -> bool {
        if self.initial_end_pending && !self.watcher.has_initial_events() {
            self.initial_end_pending = false;
            return tx.send(Ok(self.bookmark(true))).await.is_ok();
        }
        true
    }

    fn bookmark(&self, initial_end: bool) -> Bytes {
        let mut metadata = json!({"resourceVersion": self.watcher.resource_version().to_string()});
        if initial_end {
            metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        let object =
            json!({"kind": self.kind, "apiVersion": self.api_version, "metadata": metadata});
        encode_line("BOOKMARK", object.to_string().as_bytes())
    }

    fn encode(&self, events: &[Delivered]) -> Bytes {
        let mut b = BytesMut::new();
        for d in events {
            match &self.table {
                None => b.put_slice(&d.line()),
                Some((rt, include)) => {
                    let t = encode::table(
                        rt,
                        &[d.object.value()],
                        Some(d.object.resource_version()),
                        None,
                        *include,
                        self.store.clock().now(),
                    );
                    b.put_slice(&encode_line(
                        d.event_type.as_str(),
                        t.to_string().as_bytes(),
                    ));
                }
            }
        }
        b.freeze()
    }
}
