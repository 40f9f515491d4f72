//! The life of one pod on a simulated node: image pulls, init containers one
//! at a time, app containers, readiness, exits and restarts with backoff,
//! and graceful termination.
//!
//! A worker always resumes from the pod's stored status, so the kubelet can
//! abort it at any point (node stopped, container crashed, pod deleted) and
//! start another one later without losing track.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::behaviour::{self, Behaviour};
use super::images::image_id;
use crate::clock::{format_time, parse_time};
use crate::cluster::conditions;
use crate::cluster::events::{EventRecorder, EventType};
use crate::registry::builtin::ids;
use crate::store::{DeleteOptions, Store, StoreError, Target};

/// What pod workers of one node share.
pub struct NodeEnv {
    pub store: Store,
    pub recorder: EventRecorder,
    pub node: String,
    pub host_ip: String,
    /// Images pulled on this node (for `imagePullPolicy: IfNotPresent`).
    pub images: Mutex<HashSet<String>>,
}

/// The pod was deleted or replaced: the worker stops.
pub(super) struct Gone;

pub(super) type Step = Result<(), Gone>;

/// Which container list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Init,
    App,
}

impl Kind {
    fn spec_key(self) -> &'static str {
        match self {
            Kind::Init => "initContainers",
            Kind::App => "containers",
        }
    }
    fn status_key(self) -> &'static str {
        match self {
            Kind::Init => "initContainerStatuses",
            Kind::App => "containerStatuses",
        }
    }
}

/// Brings a pod to its steady state (running and ready, or finished).
/// `crash` kills that app container first.
pub async fn run(
    env: Arc<NodeEnv>,
    key: (String, String),
    uid: String,
    pod_ip: String,
    crash: Option<String>,
) {
    let Some(mut pod) = PodRun::load(env, key, uid) else {
        return;
    };
    let _ = pod.lifecycle(&pod_ip, crash.as_deref()).await;
}

/// Stops a deleted pod's containers and finishes the deletion.
pub async fn terminate(env: Arc<NodeEnv>, key: (String, String), uid: String) {
    let Some(run) = PodRun::load(env, key, uid) else {
        return;
    };
    for kind in [Kind::Init, Kind::App] {
        for i in 0..run.count(kind) {
            if !run.container_status(kind, i)["state"]["running"].is_null() {
                run.event(
                    kind,
                    i,
                    EventType::Normal,
                    "Killing",
                    &format!("Stopping container {}", run.container_name(kind, i)),
                );
            }
        }
    }
    let grace = run.pod["metadata"]["deletionGracePeriodSeconds"]
        .as_u64()
        .unwrap_or(0);
    let wait = if run.behaviour.ignore_sigterm {
        grace
    } else {
        grace.min(1)
    };
    run.clock_sleep(Duration::from_secs(wait)).await;
    let _ = run.env.store.delete(
        &ids::pods(),
        &run.key.0,
        &run.key.1,
        &DeleteOptions {
            grace_period_seconds: Some(0),
            precondition_uid: Some(run.uid.clone()),
            ..Default::default()
        },
    );
}

pub(super) struct PodRun {
    pub(super) env: Arc<NodeEnv>,
    pub(super) key: (String, String),
    pub(super) uid: String,
    /// The pod as last read or written.
    pub(super) pod: Value,
    /// The status this worker maintains.
    pub(super) status: Value,
    pub(super) behaviour: Behaviour,
}

impl PodRun {
    fn load(env: Arc<NodeEnv>, key: (String, String), uid: String) -> Option<Self> {
        let obj = env.store.get(&ids::pods(), &key.0, &key.1).ok()?;
        if obj.uid() != uid {
            return None;
        }
        let pod = obj.value().clone();
        Some(Self {
            env,
            key,
            uid,
            status: pod["status"].clone(),
            behaviour: Behaviour::of(&pod),
            pod,
        })
    }

    async fn lifecycle(&mut self, pod_ip: &str, crash: Option<&str>) -> Step {
        self.prepare(pod_ip)?;
        if let Some(c) = crash {
            self.crash(c)?;
        }
        self.init_containers().await?;
        self.app_containers().await
    }

    fn now(&self) -> DateTime<Utc> {
        self.env.store.clock().now()
    }

    pub(super) async fn clock_sleep(&self, d: Duration) {
        self.env.store.clock().sleep(d).await;
    }

    fn count(&self, kind: Kind) -> usize {
        self.pod["spec"][kind.spec_key()]
            .as_array()
            .map_or(0, Vec::len)
    }

    pub(super) fn container_spec(&self, kind: Kind, i: usize) -> &Value {
        &self.pod["spec"][kind.spec_key()][i]
    }

    fn container_name(&self, kind: Kind, i: usize) -> String {
        self.container_spec(kind, i)["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn container_status(&self, kind: Kind, i: usize) -> &Value {
        &self.status[kind.status_key()][i]
    }

    pub(super) fn status_mut(&mut self, kind: Kind, i: usize) -> &mut Value {
        &mut self.status[kind.status_key()][i]
    }

    pub(super) fn event(&self, kind: Kind, i: usize, ty: EventType, reason: &str, message: &str) {
        let path = format!(
            "spec.{}{{{}}}",
            kind.spec_key(),
            self.container_name(kind, i)
        );
        self.env.recorder.record_at(
            &self.pod,
            Some(&path),
            ty,
            reason,
            message,
            Some(&self.env.node),
        );
    }

    /// Stores this worker's part of the status; `Gone` if the pod went away.
    fn write(&mut self) -> Step {
        let uid = self.uid.clone();
        let mine = self.status.clone();
        let written = self.env.store.modify(
            &ids::pods(),
            &self.key.0,
            &self.key.1,
            Target::Status,
            |p| {
                if p["metadata"]["uid"] != uid.as_str() {
                    return Err(StoreError::not_found("pods", ""));
                }
                let status = &mut p["status"];
                for k in [
                    "phase",
                    "hostIP",
                    "hostIPs",
                    "podIP",
                    "podIPs",
                    "startTime",
                    "initContainerStatuses",
                    "containerStatuses",
                ] {
                    if !mine[k].is_null() {
                        status[k] = mine[k].clone();
                    }
                }
                let now = mine["startTime"].as_str().unwrap_or_default().to_owned();
                for c in mine["conditions"].as_array().into_iter().flatten() {
                    conditions::set(
                        status,
                        c["type"].as_str().unwrap_or_default(),
                        c["status"].as_str().unwrap_or_default(),
                        c["reason"].as_str(),
                        c["message"].as_str(),
                        c["lastTransitionTime"].as_str().unwrap_or(&now),
                    );
                }
                Ok(())
            },
        );
        match written {
            Ok(obj) => {
                self.pod = obj.value().clone();
                Ok(())
            }
            Err(_) => Err(Gone),
        }
    }

    fn set_condition(&mut self, ty: &str, ok: bool, reason: Option<&str>, message: Option<String>) {
        let now = format_time(self.now());
        conditions::set(
            &mut self.status,
            ty,
            if ok { "True" } else { "False" },
            reason,
            message.as_deref(),
            &now,
        );
    }

    /// First sight of the pod: host and pod IP, start time, conditions and
    /// waiting container statuses.
    fn prepare(&mut self, pod_ip: &str) -> Step {
        let now = format_time(self.now());
        let inits = self.count(Kind::Init);
        for kind in [Kind::Init, Kind::App] {
            let n = self.count(kind);
            let statuses = self.status[kind.status_key()]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut fixed = Vec::with_capacity(n);
            for i in 0..n {
                let name = self.container_name(kind, i);
                let existing = statuses.iter().find(|s| s["name"] == name.as_str());
                fixed.push(match existing {
                    Some(s) => s.clone(),
                    None => {
                        let reason = if kind == Kind::App && inits == 0 {
                            "ContainerCreating"
                        } else {
                            "PodInitializing"
                        };
                        json!({"name": name, "image": self.container_spec(kind, i)["image"], "imageID": "",
                               "ready": false, "started": false, "restartCount": 0,
                               "state": {"waiting": {"reason": reason}}})
                    }
                });
            }
            if n > 0 {
                self.status[kind.status_key()] = Value::Array(fixed);
            }
        }
        if self.status["startTime"].is_null() {
            self.status["phase"] = json!("Pending");
            self.status["hostIP"] = json!(self.env.host_ip);
            self.status["hostIPs"] = json!([{"ip": self.env.host_ip}]);
            self.status["podIP"] = json!(pod_ip);
            self.status["podIPs"] = json!([{"ip": pod_ip}]);
            self.status["startTime"] = json!(now);
            self.set_condition("PodReadyToStartContainers", true, None, None);
            self.set_condition("PodScheduled", true, None, None);
            self.refresh_conditions();
        }
        self.write()
    }

    /// Initialized / ContainersReady / Ready from the container statuses.
    fn refresh_conditions(&mut self) {
        let pending = |kind: Kind, this: &Self, done: &dyn Fn(&Value) -> bool| -> Vec<String> {
            (0..this.count(kind))
                .filter(|i| !done(this.container_status(kind, *i)))
                .map(|i| this.container_name(kind, i))
                .collect()
        };
        let not_init = pending(Kind::Init, self, &|s| {
            s["state"]["terminated"]["exitCode"] == 0
        });
        let unready = pending(Kind::App, self, &|s| s["ready"] == true);
        let completed = matches!(self.status["phase"].as_str(), Some("Succeeded" | "Failed"));
        if not_init.is_empty() {
            self.set_condition("Initialized", true, None, None);
        } else {
            self.set_condition(
                "Initialized",
                false,
                Some("ContainersNotInitialized"),
                Some(format!(
                    "containers with incomplete status: [{}]",
                    not_init.join(" ")
                )),
            );
        }
        for ty in ["ContainersReady", "Ready"] {
            if unready.is_empty() {
                self.set_condition(ty, true, None, None);
            } else if completed {
                self.set_condition(ty, false, Some("PodCompleted"), None);
            } else {
                self.set_condition(
                    ty,
                    false,
                    Some("ContainersNotReady"),
                    Some(format!(
                        "containers with unready status: [{}]",
                        unready.join(" ")
                    )),
                );
            }
        }
    }

    /// Kills a running app container (exit code 137).
    fn crash(&mut self, container: &str) -> Step {
        let Some(i) =
            (0..self.count(Kind::App)).find(|i| self.container_name(Kind::App, *i) == container)
        else {
            return Ok(());
        };
        if self.container_status(Kind::App, i)["state"]["running"].is_null() {
            return Ok(());
        }
        self.exit(Kind::App, i, 137);
        self.refresh_conditions();
        self.write()
    }

    /// Marks a running container terminated with `code` now.
    fn exit(&mut self, kind: Kind, i: usize, code: i64) {
        self.exit_at(kind, i, code, self.now());
    }

    /// Marks a running container terminated with `code` at `at` (its planned
    /// exit time, not when this worker woke up to notice it, so `finishedAt`
    /// and the container's log do not depend on how loaded the host is).
    fn exit_at(&mut self, kind: Kind, i: usize, code: i64, at: DateTime<Utc>) {
        let now = format_time(at);
        let s = self.status_mut(kind, i);
        let started = s["state"]["running"]["startedAt"].clone();
        s["state"] = json!({"terminated": {
            "exitCode": code, "reason": if code == 0 { "Completed" } else { "Error" },
            "startedAt": started, "finishedAt": now,
            "containerID": s["containerID"].clone()}});
        s["ready"] = json!(false);
        s["started"] = json!(false);
    }

    pub(super) fn wait_reason(
        &mut self,
        kind: Kind,
        i: usize,
        reason: &str,
        message: &str,
    ) -> Step {
        let s = self.status_mut(kind, i);
        s["state"] = json!({"waiting": {"reason": reason, "message": message}});
        s["ready"] = json!(false);
        s["started"] = json!(false);
        self.write()
    }

    /// Creates and starts a container whose image is present.
    fn start(&mut self, kind: Kind, i: usize) {
        let name = self.container_name(kind, i);
        self.event(
            kind,
            i,
            EventType::Normal,
            "Created",
            &format!("Created container: {name}"),
        );
        self.event(
            kind,
            i,
            EventType::Normal,
            "Started",
            &format!("Started container {name}"),
        );
        let image = self.container_spec(kind, i)["image"].clone();
        let now = format_time(self.now());
        let s = self.status_mut(kind, i);
        s["containerID"] = json!(format!("containerd://{}", uuid::Uuid::new_v4().simple()));
        s["state"] = json!({"running": {"startedAt": now}});
        s["started"] = json!(true);
        s["ready"] = json!(false);
        if s["imageID"].as_str().is_none_or(str::is_empty) {
            s["imageID"] = json!(image_id(image.as_str().unwrap_or_default()));
        }
    }

    /// Runs each init container to completion, in order.
    async fn init_containers(&mut self) -> Step {
        for i in 0..self.count(Kind::Init) {
            if self.container_status(Kind::Init, i)["state"]["terminated"]["exitCode"] == 0 {
                continue;
            }
            self.ensure_image(Kind::Init, i).await?;
            self.start(Kind::Init, i);
            self.write()?;
            self.clock_sleep(self.behaviour.init).await;
            self.exit(Kind::Init, i, 0);
            if i + 1 < self.count(Kind::Init) {
                self.write()?;
            }
        }
        self.refresh_conditions();
        self.write()
    }

    /// Starts the app containers and keeps them going until the pod is
    /// steady: all running and ready, or finished.
    async fn app_containers(&mut self) -> Step {
        loop {
            for i in 0..self.count(Kind::App) {
                self.start_app_container(i).await?;
            }
            let now = self.now();
            let mut next: Option<DateTime<Utc>> = None;
            let mut any_running = false;
            for i in 0..self.count(Kind::App) {
                let s = self.container_status(Kind::App, i);
                let Some(started) = s["state"]["running"]["startedAt"]
                    .as_str()
                    .and_then(parse_time)
                else {
                    continue;
                };
                any_running = true;
                let mut due = Vec::new();
                if s["ready"] != true {
                    due.push((
                        started
                            + chrono_dur(
                                self.behaviour
                                    .readiness_delay(self.container_spec(Kind::App, i)),
                            ),
                        None,
                    ));
                }
                if let Some((run, code)) = self.behaviour.exits {
                    due.push((started + chrono_dur(run), Some(code)));
                }
                for (at, exit) in due {
                    if at <= now {
                        match exit {
                            None => self.status_mut(Kind::App, i)["ready"] = json!(true),
                            Some(code) => self.exit_at(Kind::App, i, code, at),
                        }
                    } else {
                        next = Some(next.map_or(at, |n| n.min(at)));
                    }
                }
            }
            if any_running {
                self.status["phase"] = json!("Running");
            }
            let finished = (0..self.count(Kind::App)).all(|i| {
                let t = &self.container_status(Kind::App, i)["state"]["terminated"];
                !t.is_null() && !self.behaviour.restarts(t["exitCode"].as_i64().unwrap_or(0))
            });
            if finished {
                let ok = (0..self.count(Kind::App)).all(|i| {
                    self.container_status(Kind::App, i)["state"]["terminated"]["exitCode"] == 0
                });
                self.status["phase"] = json!(if ok { "Succeeded" } else { "Failed" });
            }
            self.refresh_conditions();
            self.write()?;
            let restarting = (0..self.count(Kind::App)).any(|i| {
                let t = &self.container_status(Kind::App, i)["state"]["terminated"];
                !t.is_null() && self.behaviour.restarts(t["exitCode"].as_i64().unwrap_or(0))
            });
            match next {
                Some(at) => self.env.store.clock().sleep_until(at).await,
                None if restarting => {}
                None => return Ok(()),
            }
        }
    }

    /// Starts app container `i` if it is not running and may run: first
    /// start (image pull) or restart after CrashLoopBackOff.
    async fn start_app_container(&mut self, i: usize) -> Step {
        let s = self.container_status(Kind::App, i).clone();
        if !s["state"]["running"].is_null() {
            return Ok(());
        }
        let terminated = s["state"]["terminated"].clone();
        if terminated.is_null() {
            self.ensure_image(Kind::App, i).await?;
            self.start(Kind::App, i);
            return Ok(());
        }
        if !self
            .behaviour
            .restarts(terminated["exitCode"].as_i64().unwrap_or(0))
        {
            return Ok(());
        }
        let restarts = s["restartCount"].as_i64().unwrap_or(0);
        let delay = behaviour::backoff(restarts);
        let name = self.container_name(Kind::App, i);
        let (ns, pod) = self.key.clone();
        self.status_mut(Kind::App, i)["lastState"] = json!({"terminated": terminated});
        if !delay.is_zero() {
            self.status_mut(Kind::App, i)["state"] = json!({"waiting": {"reason": "CrashLoopBackOff",
                "message": format!("back-off {}s restarting failed container={name} pod={pod}_{ns}({})", delay.as_secs(), self.uid)}});
            self.status["phase"] = json!("Running");
            self.refresh_conditions();
            self.write()?;
            self.event(
                Kind::App,
                i,
                EventType::Warning,
                "BackOff",
                &format!(
                    "Back-off restarting failed container {name} in pod {pod}_{ns}({})",
                    self.uid
                ),
            );
            self.clock_sleep(delay).await;
        }
        self.ensure_image(Kind::App, i).await?;
        self.start(Kind::App, i);
        self.status_mut(Kind::App, i)["restartCount"] = json!(restarts + 1);
        Ok(())
    }
}

fn chrono_dur(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or_default()
}
