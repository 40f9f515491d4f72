//! Pod helpers: create pods from JSON, wait on a watch for a pod state,
//! record the versions a watch delivers, read the STATUS column the server
//! prints, list a pod's events.

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::{Api, ListParams, PostParams};
use kube::runtime::{WatchStreamExt, watcher};
use serde_json::Value;

use super::{TIMEOUT, within};

/// Creates a pod from its JSON manifest.
pub async fn create_pod(api: &Api<Pod>, manifest: Value) -> Pod {
    let pod: Pod = serde_json::from_value(manifest).expect("pod manifest");
    api.create(&PostParams::default(), &pod)
        .await
        .expect("pod created")
}

/// The pod as JSON.
pub fn json(pod: &Pod) -> Value {
    serde_json::to_value(pod).expect("pod serializes")
}

/// The STATUS column `kubectl get pods` prints for `pod` (the server's printer).
pub fn status_column(pod: &Pod) -> String {
    sim::table::summarize_pod(&json(pod)).status
}

/// Watches pod `name` until `done` holds for it; calls `seen` with every
/// version on the way. Panics after [`TIMEOUT`].
pub async fn watch_pod_until(
    api: &Api<Pod>,
    name: &str,
    what: &str,
    mut seen: impl FnMut(&Pod),
    done: impl Fn(&Pod) -> bool,
) -> Pod {
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let stream = watcher(api.clone(), config).applied_objects();
    within(what, TIMEOUT, async {
        futures::pin_mut!(stream);
        while let Some(pod) = stream.try_next().await.expect("watch works") {
            seen(&pod);
            if done(&pod) {
                return pod;
            }
        }
        panic!("the watch ended before {what}");
    })
    .await
}

/// Waits until `done` holds for pod `name`.
pub async fn wait_pod(api: &Api<Pod>, name: &str, what: &str, done: impl Fn(&Pod) -> bool) -> Pod {
    watch_pod_until(api, name, what, |_| {}, done).await
}

/// The status of the pod's condition `ty`.
pub fn condition(pod: &Pod, ty: &str) -> Option<String> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == ty)
        .map(|c| c.status.clone())
}

/// The events about pod `name` in `ns`, as (reason, message).
pub async fn pod_events(client: &kube::Client, ns: &str, name: &str) -> Vec<(String, String)> {
    let events: Api<Event> = Api::namespaced(client.clone(), ns);
    events
        .list(&ListParams::default().fields(&format!("involvedObject.name={name}")))
        .await
        .expect("events list")
        .items
        .into_iter()
        .map(|e| (e.reason.unwrap_or_default(), e.message.unwrap_or_default()))
        .collect()
}

/// Waits for a stream of watch events to end; `what` names the stream.
/// Panics after [`TIMEOUT`].
pub async fn ends<S: futures::Stream + Unpin>(what: &str, mut stream: S) {
    let what = format!("{what} to end");
    within(&what, TIMEOUT, async {
        while stream.next().await.is_some() {}
    })
    .await
}

/// Starts watching pod `name` (which may not exist yet) and returns once the
/// watch is established; the task yields every version seen until `done`
/// (which `what` names). The task panics after [`TIMEOUT`], with the
/// STATUS values it saw.
pub async fn record_pod(
    api: &Api<Pod>,
    name: &str,
    what: &str,
    done: fn(&Pod) -> bool,
) -> tokio::task::JoinHandle<Vec<Pod>> {
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let stream = watcher(api.clone(), config);
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let listed = format!("the watch of {name} to list");
    let what = what.to_owned();
    let task = tokio::spawn(async move {
        let mut ready = Some(ready_tx);
        let mut seen = Vec::new();
        let recorded = tokio::time::timeout(TIMEOUT, async {
            futures::pin_mut!(stream);
            while let Some(event) = stream.try_next().await.expect("watch works") {
                match event {
                    watcher::Event::InitDone => {
                        if let Some(tx) = ready.take() {
                            let _ = tx.send(());
                        }
                    }
                    watcher::Event::Apply(pod) | watcher::Event::InitApply(pod) => {
                        let finished = done(&pod);
                        seen.push(pod);
                        if finished {
                            return;
                        }
                    }
                    _ => {}
                }
            }
        })
        .await;
        let last: Vec<String> = seen.iter().map(status_column).collect();
        assert!(
            recorded.is_ok(),
            "timed out after {TIMEOUT:?} waiting for {what}; saw {last:?}"
        );
        seen
    });
    within(&listed, TIMEOUT, ready_rx)
        .await
        .expect("the watch starts");
    task
}

/// The distinct consecutive STATUS values of `pods`.
pub fn status_walk(pods: &[Pod]) -> Vec<String> {
    let mut walk: Vec<String> = Vec::new();
    for s in pods.iter().map(status_column) {
        if walk.last() != Some(&s) {
            walk.push(s);
        }
    }
    walk
}
