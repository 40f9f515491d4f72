//! What `kubectl attach` (and `kubectl run -i`) is connected to: the
//! container's main process. A container started as an interactive
//! shell (`stdin: true` and a command of `sh`, `bash` or `ash`, or none
//! with a busybox/alpine image) gets the simulated shell on the session's
//! stdin; any other container's process is its synthetic log
//! (`logs.rs`), streamed from the next line on as simulated time passes,
//! until the container stops or the client leaves; its stdin is read and
//! dropped.

use std::sync::{Arc, Mutex};

use chrono::Utc;
use serde_json::Value;

use super::ApiState;
use super::channel_stream::{Process, Streams};
use super::logs;
use crate::clock::parse_time;
use crate::registry::builtin::ids;
use crate::shell::{self, ContainerContext, PodFiles};

/// The process an attach session streams.
pub fn process(
    state: &ApiState,
    pod: &Value,
    ctx: ContainerContext,
    files: Arc<Mutex<PodFiles>>,
    streams: Streams,
) -> Process {
    let spec = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == ctx.container.as_str())
        .cloned()
        .unwrap_or(Value::Null);
    if streams.stdin && spec["stdin"] == true && is_shell(&spec) {
        return Box::new(move |io| shell::exec(&ctx, files, &["sh".to_owned()], true, io));
    }
    let status = ["containerStatuses", "initContainerStatuses"]
        .iter()
        .flat_map(|l| pod["status"][*l].as_array().into_iter().flatten())
        .find(|s| s["name"] == ctx.container.as_str())
        .cloned()
        .unwrap_or(Value::Null);
    let started = status["state"]["running"]["startedAt"]
        .as_str()
        .and_then(parse_time)
        .unwrap_or_else(Utc::now);
    let container_id = status["containerID"].clone();
    let (store, clock) = (state.store.clone(), state.store.clock().clone());
    let (namespace, name) = (ctx.namespace.clone(), ctx.pod.clone());
    Box::new(move |io| {
        let mut next = logs::lines_until(started, clock.now());
        loop {
            let due = logs::line_time(started, next);
            let wait = (due - clock.now()).num_milliseconds().max(0) as f64 / 1000.0;
            if !io.sleep(wait) {
                return 0;
            }
            let still_running = store.get(&ids::pods(), &namespace, &name).is_ok_and(|p| {
                p.value()["status"]["containerStatuses"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|s| {
                        s["name"] == ctx.container.as_str()
                            && s["containerID"] == container_id
                            && !s["state"]["running"].is_null()
                    })
            });
            if !still_running {
                return 0;
            }
            io.stdout(logs::line_text(&ctx.container, started, next).as_bytes());
            next += 1;
        }
    })
}

/// True if the container's main process is an interactive shell.
fn is_shell(spec: &Value) -> bool {
    let words: Vec<&str> = ["command", "args"]
        .iter()
        .flat_map(|k| spec[*k].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    match words.as_slice() {
        [] => {
            let image = spec["image"].as_str().unwrap_or_default();
            ["busybox", "alpine"].iter().any(|i| image.starts_with(i))
        }
        [program, rest @ ..] => {
            let program = program.rsplit('/').next().unwrap_or_default();
            matches!(program, "sh" | "bash" | "ash") && !rest.contains(&"-c")
        }
    }
}
