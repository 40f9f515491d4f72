//! Fault injection: the one handle through which tests, the CLI and the
//! `/sim/v1` HTTP API break the simulated cluster on purpose — stop and
//! start a node's kubelet, crash a container, fail a pod's image pulls,
//! drop or stall watch streams, force history compaction.
//!
//! Kubelet faults are commands queued to the kubelets (which own pod
//! work); watch faults are signals the HTTP watch streams listen to.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};

use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, Target};

/// `"fail"`: every image pull of the pod fails (ErrImagePull →
/// ImagePullBackOff). A pod annotation the kubelets read; defined here, below
/// them, because injecting that fault sets it.
pub const IMAGE_PULL: &str = "sim.pilothouse.dev/image-pull";

/// What the kubelets are told to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KubeletCommand {
    /// Stop heartbeats and all pod work on the node.
    Stop(String),
    /// Resume heartbeats and pod work.
    Start(String),
    /// Kill a running container (exit code 137); it restarts per policy.
    Crash {
        namespace: String,
        pod: String,
        container: String,
    },
}

/// Why a fault cannot be injected.
#[derive(Debug, thiserror::Error)]
pub enum FaultError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Invalid(String),
}

/// The fault-injection handle. Cheap to clone.
#[derive(Clone)]
pub struct Faults {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    stopped: Mutex<BTreeSet<String>>,
    commands: mpsc::UnboundedSender<KubeletCommand>,
    command_rx: Mutex<Option<mpsc::UnboundedReceiver<KubeletCommand>>>,
    drops: watch::Sender<u64>,
    stall_until: watch::Sender<Option<DateTime<Utc>>>,
    compactions: Mutex<u64>,
}

/// What an open watch stream listens to (see `api/watch.rs`).
#[derive(Clone)]
pub struct WatchFaults {
    /// Changes whenever all open streams must end.
    pub drops: watch::Receiver<u64>,
    /// While set and in the future (simulated time), streams hold events back.
    pub stall_until: watch::Receiver<Option<DateTime<Utc>>>,
}

impl Faults {
    pub fn new(store: Store) -> Self {
        let (commands, rx) = mpsc::unbounded_channel();
        Self {
            inner: Arc::new(Inner {
                store,
                stopped: Mutex::default(),
                commands,
                command_rx: Mutex::new(Some(rx)),
                drops: watch::channel(0).0,
                stall_until: watch::channel(None).0,
                compactions: Mutex::new(0),
            }),
        }
    }

    /// Takes the kubelet command queue (once; the kubelets do).
    pub fn take_kubelet_commands(&self) -> Option<mpsc::UnboundedReceiver<KubeletCommand>> {
        self.inner.command_rx.lock().expect("poisoned").take()
    }

    /// True while the node's kubelet is stopped.
    pub fn is_stopped(&self, node: &str) -> bool {
        self.inner.stopped.lock().expect("poisoned").contains(node)
    }

    /// Stops the kubelet of `node`: no heartbeats, no pod work.
    pub fn stop_node(&self, node: &str) -> Result<Value, FaultError> {
        self.inner.store.get(&ids::nodes(), "", node)?;
        self.inner
            .stopped
            .lock()
            .expect("poisoned")
            .insert(node.into());
        let _ = self.inner.commands.send(KubeletCommand::Stop(node.into()));
        Ok(json!({"node": node, "kubelet": "stopped"}))
    }

    /// Starts the kubelet of `node` again.
    pub fn start_node(&self, node: &str) -> Result<Value, FaultError> {
        self.inner.store.get(&ids::nodes(), "", node)?;
        self.inner.stopped.lock().expect("poisoned").remove(node);
        let _ = self.inner.commands.send(KubeletCommand::Start(node.into()));
        Ok(json!({"node": node, "kubelet": "running"}))
    }

    /// Kills `container` (default: the first app container) of a running pod.
    pub fn crash_container(
        &self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
    ) -> Result<Value, FaultError> {
        let obj = self.inner.store.get(&ids::pods(), namespace, pod)?;
        let v = obj.value();
        let name = match container {
            Some(c) => c.to_owned(),
            None => v["spec"]["containers"][0]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        };
        let running = v["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| s["name"] == name.as_str() && !s["state"]["running"].is_null());
        if !running {
            return Err(FaultError::Invalid(format!(
                "container {name:?} of pod {namespace}/{pod} is not running"
            )));
        }
        let _ = self.inner.commands.send(KubeletCommand::Crash {
            namespace: namespace.into(),
            pod: pod.into(),
            container: name.clone(),
        });
        Ok(json!({"namespace": namespace, "pod": pod, "container": name, "exitCode": 137}))
    }

    /// Makes every later image pull of the pod fail (the `image-pull: fail`
    /// annotation, visible on the pod); `false` lifts it.
    pub fn fail_image_pulls(
        &self,
        namespace: &str,
        pod: &str,
        fail: bool,
    ) -> Result<Value, FaultError> {
        self.inner
            .store
            .modify(&ids::pods(), namespace, pod, Target::Main, |p| {
                if fail {
                    p["metadata"]["annotations"][IMAGE_PULL] = json!("fail");
                } else if let Some(a) = p["metadata"]["annotations"].as_object_mut() {
                    a.remove(IMAGE_PULL);
                }
                Ok(())
            })?;
        Ok(
            json!({"namespace": namespace, "pod": pod, "imagePull": if fail { "fail" } else { "ok" }}),
        )
    }

    /// Ends every open watch stream (clients resume from their last RV).
    pub fn drop_watches(&self) -> Value {
        self.inner.drops.send_modify(|n| *n += 1);
        json!({"dropped": true})
    }

    /// Holds back events on every watch stream for `seconds` simulated seconds.
    pub fn stall_watches(&self, seconds: u64) -> Value {
        let until = self.inner.store.clock().now() + chrono::Duration::seconds(seconds as i64);
        self.inner.stall_until.send_replace(Some(until));
        json!({"stalledUntil": crate::clock::format_time(until)})
    }

    /// Compacts the watch history: open watches and old RVs get 410.
    pub fn compact(&self) -> Value {
        self.inner.store.force_compaction();
        *self.inner.compactions.lock().expect("poisoned") += 1;
        json!({"compactedAt": self.inner.store.current_rv().to_string()})
    }

    /// The signals open watch streams follow.
    pub fn watch_faults(&self) -> WatchFaults {
        WatchFaults {
            drops: self.inner.drops.subscribe(),
            stall_until: self.inner.stall_until.subscribe(),
        }
    }

    /// The faults in effect.
    pub fn state(&self) -> Value {
        let stall = *self.inner.stall_until.borrow();
        let stalled = stall.filter(|t| *t > self.inner.store.clock().now());
        json!({
            "stoppedNodes": self.inner.stopped.lock().expect("poisoned").iter().collect::<Vec<_>>(),
            "watchesStalledUntil": stalled.map(crate::clock::format_time),
            "watchDrops": *self.inner.drops.borrow(),
            "compactions": *self.inner.compactions.lock().expect("poisoned"),
        })
    }
}
