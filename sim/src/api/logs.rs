//! `pods/{name}/log`: synthetic container logs.
//!
//! A running container "writes" one line every five simulated seconds since
//! it started; the lines are generated on demand from the container's start
//! time, so nothing is stored. `previous` reads the last terminated instance
//! (`lastState.terminated`). `follow` keeps the response open and emits new
//! lines as simulated time passes, until the container changes or the client
//! goes away.

use std::convert::Infallible;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::header::CONTENT_TYPE;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::query::Query;
use super::{ApiError, RequestInfo};
use crate::clock::parse_time;
use crate::registry::builtin::ids;
use crate::store::Store;

/// Simulated seconds between two log lines.
const LINE_EVERY_SECS: i64 = 5;
/// At most this many lines are kept per container instance.
const MAX_LINES: i64 = 5000;

/// Serves a log request.
pub async fn serve(
    store: &Store,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
    info: &RequestInfo,
    query: &Query,
) -> Result<Response, ApiError> {
    let pod = store.get(&ids::pods(), &info.namespace, &info.name)?;
    let pod = pod.value();
    let name = &info.name;
    let names = |list: &str| -> Vec<String> {
        pod["spec"][list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str().map(str::to_string))
            .collect()
    };
    let (containers, inits) = (names("containers"), names("initContainers"));
    let container = match query.get("container") {
        Some(c) => c.to_string(),
        None if containers.len() == 1 => containers[0].clone(),
        None => {
            let mut msg = format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                containers.join(" ")
            );
            if !inits.is_empty() {
                msg.push_str(&format!(
                    " or one of the init containers: [{}]",
                    inits.join(" ")
                ));
            }
            return Err(ApiError::bad_request(msg));
        }
    };
    if !containers.contains(&container) && !inits.contains(&container) {
        return Err(ApiError::bad_request(format!(
            "container {container} is not valid for pod {name}"
        )));
    }
    let status = ["containerStatuses", "initContainerStatuses"]
        .iter()
        .flat_map(|l| pod["status"][*l].as_array().into_iter().flatten())
        .find(|s| s["name"] == container.as_str())
        .cloned()
        .unwrap_or(Value::Null);
    let previous = query.flag("previous");
    let clock = store.clock().clone();
    let (started, finished, exit_code) = if previous {
        let t = &status["lastState"]["terminated"];
        if t.is_null() {
            return Err(ApiError::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{name}\" not found"
            )));
        }
        (
            time(&t["startedAt"]),
            time(&t["finishedAt"]),
            t["exitCode"].as_i64(),
        )
    } else if !status["state"]["running"].is_null() {
        (time(&status["state"]["running"]["startedAt"]), None, None)
    } else if !status["state"]["terminated"].is_null() {
        let t = &status["state"]["terminated"];
        (
            time(&t["startedAt"]),
            time(&t["finishedAt"]),
            t["exitCode"].as_i64(),
        )
    } else {
        let reason = status["state"]["waiting"]["reason"]
            .as_str()
            .unwrap_or("ContainerCreating");
        return Err(ApiError::bad_request(format!(
            "container \"{container}\" in pod \"{name}\" is waiting to start: {reason}"
        )));
    };
    let started = started.unwrap_or_else(|| clock.now());
    let end = finished.unwrap_or_else(|| clock.now());
    let log = ContainerLog {
        container: container.clone(),
        started,
        timestamps: query.flag("timestamps"),
    };
    let mut first = log.first_index(end);
    if let Some(since) = query.number("sinceSeconds")? {
        let from = end - chrono::Duration::seconds(since);
        first = first.max(log.index_at(from));
    }
    let last = log.lines_until(end);
    // The exit line is the last line of a finished container's log, so it
    // counts towards `tailLines`.
    let exit = exit_code.filter(|_| finished.is_some());
    let tail = query.number("tailLines")?.filter(|t| *t >= 0);
    if let Some(tail) = tail {
        let regular = if exit.is_some() { tail - 1 } else { tail };
        first = first.max(last - regular.max(0));
    }
    let mut text = String::new();
    for i in first..last {
        text.push_str(&log.line(i));
    }
    if let Some(code) = exit
        && tail != Some(0)
    {
        text.push_str(&log.exit_line(end, code));
    }
    let limit = query
        .number("limitBytes")?
        .filter(|l| *l > 0)
        .map(|l| l as usize);
    if let Some(limit) = limit
        && text.len() > limit
    {
        text.truncate(limit);
    }
    let follow = query.flag("follow") && !previous && finished.is_none();
    if !follow {
        return Ok(plain(Body::from(text)));
    }
    let (tx, rx) = mpsc::channel::<Result<Bytes, Infallible>>(8);
    let container_id = status["containerID"].clone();
    let store = store.clone();
    let (ns, pod_name) = (info.namespace.clone(), info.name.clone());
    tokio::spawn(async move {
        let mut sent = text.len();
        if tx.send(Ok(Bytes::from(text))).await.is_err() {
            return;
        }
        let mut next = last;
        let stop = async move {
            let _ = shutdown.wait_for(|s| *s).await;
        };
        tokio::pin!(stop);
        loop {
            let due = log.started + chrono::Duration::seconds(next * LINE_EVERY_SECS);
            tokio::select! {
                _ = clock.sleep_until(due) => {}
                _ = tx.closed() => return,
                _ = &mut stop => return,
            }
            let still_running = store.get(&ids::pods(), &ns, &pod_name).is_ok_and(|p| {
                ["containerStatuses", "initContainerStatuses"]
                    .iter()
                    .flat_map(|l| p.value()["status"][*l].as_array().into_iter().flatten())
                    .any(|s| {
                        s["name"] == log.container.as_str()
                            && s["containerID"] == container_id
                            && !s["state"]["running"].is_null()
                    })
            });
            if !still_running {
                return;
            }
            let line = log.line(next);
            sent += line.len();
            if limit.is_some_and(|l| sent > l) || tx.send(Ok(Bytes::from(line))).await.is_err() {
                return;
            }
            next += 1;
        }
    });
    Ok(plain(Body::from_stream(ReceiverStream::new(rx))))
}

/// How many lines a container that started at `started` has written by
/// `t` (the index of the next one): for `attach`, which streams from there.
pub(super) fn lines_until(started: DateTime<Utc>, t: DateTime<Utc>) -> i64 {
    ContainerLog {
        container: String::new(),
        started,
        timestamps: false,
    }
    .lines_until(t)
}

/// When line `i` of a container that started at `started` is written.
pub(super) fn line_time(started: DateTime<Utc>, i: i64) -> DateTime<Utc> {
    started + chrono::Duration::seconds(i * LINE_EVERY_SECS)
}

/// Line `i` of `container`'s log, without a timestamp.
pub(super) fn line_text(container: &str, started: DateTime<Utc>, i: i64) -> String {
    ContainerLog {
        container: container.to_owned(),
        started,
        timestamps: false,
    }
    .line(i)
}

fn plain(body: Body) -> Response {
    Response::builder()
        .header(CONTENT_TYPE, "text/plain")
        .body(body)
        .expect("valid response")
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().and_then(parse_time)
}

/// The synthetic log of one container instance.
struct ContainerLog {
    container: String,
    started: DateTime<Utc>,
    timestamps: bool,
}

impl ContainerLog {
    /// Index of the first line written at or after `t` (line 0 at start).
    fn index_at(&self, t: DateTime<Utc>) -> i64 {
        ((t - self.started).num_seconds().max(0) + LINE_EVERY_SECS - 1) / LINE_EVERY_SECS
    }

    /// How many lines were written up to and including `t` (never a line
    /// from after `t`).
    fn lines_until(&self, t: DateTime<Utc>) -> i64 {
        (t - self.started).num_seconds().max(0) / LINE_EVERY_SECS + 1
    }

    /// Oldest line still kept when reading at `end`.
    fn first_index(&self, end: DateTime<Utc>) -> i64 {
        (self.lines_until(end) - MAX_LINES).max(0)
    }

    fn at(&self, i: i64) -> DateTime<Utc> {
        self.started + chrono::Duration::seconds(i * LINE_EVERY_SECS)
    }

    fn line(&self, i: i64) -> String {
        let t = self.at(i);
        let msg = if i == 0 {
            format!("{}: starting (pid 1)", self.container)
        } else {
            format!(
                "{}: handled request {} in {}ms",
                self.container,
                i,
                3 + (i * 7) % 40
            )
        };
        self.stamp(t, &msg)
    }

    fn exit_line(&self, t: DateTime<Utc>, code: i64) -> String {
        self.stamp(t, &format!("{}: exiting with code {code}", self.container))
    }

    fn stamp(&self, t: DateTime<Utc>, msg: &str) -> String {
        if self.timestamps {
            format!(
                "{} {msg}\n",
                t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
            )
        } else {
            format!("{msg}\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> ContainerLog {
        ContainerLog {
            container: "app".into(),
            started: DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            timestamps: false,
        }
    }

    #[test]
    fn a_container_that_ran_12_seconds_wrote_lines_at_0_5_and_10() {
        let log = log();
        let at = |s: i64| log.started + chrono::Duration::seconds(s);
        assert_eq!(log.lines_until(at(12)), 3);
        assert_eq!(log.lines_until(at(10)), 3);
        assert_eq!(log.lines_until(at(0)), 1);
        // --since reaching back to 7 s starts at the line written at 10 s.
        assert_eq!(log.index_at(at(7)), 2);
        assert_eq!(log.index_at(at(5)), 1);
    }
}
