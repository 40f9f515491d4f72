//! `pods/{name}/exec` and `pods/{name}/attach`: the checks the apiserver
//! and the kubelet make before a stream opens, then the WebSocket upgrade
//! (`channel_stream.rs`) to a simulated process (`crate::shell`).
//!
//! kubectl 1.32 asks with a WebSocket `GET` first and, when that upgrade
//! fails for any reason, again with a SPDY `POST`. So a refusal here is
//! seen twice, and the second answer is the one kubectl prints: the
//! apiserver's own refusals are `Status` objects ("container x is not
//! valid for pod p"), the kubelet's are plain text that kubectl prints
//! after "unable to upgrade connection: ". SPDY itself is not served.
//! RBAC sees both requests as `create` on `pods/exec` (or `pods/attach`),
//! as upstream authorizes WebSocket `GET`s of these subresources.

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequestParts, Request};
use axum::response::Response;
use http::StatusCode;
use http::header::CONTENT_TYPE;
use serde_json::Value;

use super::channel_stream::{self, PROTOCOLS, Process, Streams};
use super::query::Query;
use super::{ApiError, ApiState, RequestInfo};
use crate::registry::builtin::ids;
use crate::shell::{self, ContainerContext, PodKey};
use crate::store::ListOptions;

/// Serves an exec or attach request.
pub async fn serve(
    state: &ApiState,
    info: &RequestInfo,
    req: Request,
) -> Result<Response, ApiError> {
    let query = Query::parse(req.uri().query().unwrap_or_default());
    let stored = state.store.get(&ids::pods(), &info.namespace, &info.name)?;
    let pod = stored.value();
    let container = container(pod, &info.name, query.get("container"))?;
    require_host(pod, &info.name)?;
    if !running(pod, &container) {
        return Ok(kubelet_error(
            StatusCode::NOT_FOUND,
            &format!("container not found ({container:?})"),
        ));
    }
    let exec = info.subresource == "exec";
    let command: Vec<String> =
        form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
            .filter(|(k, _)| k == "command")
            .map(|(_, v)| v.into_owned())
            .collect();
    if exec && command.is_empty() {
        return Err(ApiError::bad_request("you must specify at least 1 command"));
    }
    let (mut parts, _) = req.into_parts();
    let Ok(upgrade) = WebSocketUpgrade::from_request_parts(&mut parts, &()).await else {
        return Err(ApiError::bad_request(format!(
            "{} streams are served over WebSocket ({}) only: the Pilothouse simulator does not speak SPDY",
            info.subresource,
            PROTOCOLS.join(", ")
        )));
    };
    let upgrade = upgrade.protocols(PROTOCOLS);
    let Some(protocol) = upgrade.selected_protocol().cloned() else {
        return Err(ApiError::bad_request(format!(
            "unable to upgrade connection: none of the requested subprotocols is served (served: {})",
            PROTOCOLS.join(", ")
        )));
    };
    let services = state
        .store
        .list(&ids::services(), &ListOptions::default())?
        .items
        .iter()
        .map(|s| s.value().clone())
        .collect::<Vec<Value>>();
    let mut ctx = ContainerContext::from_pod(pod, &container, &services);
    ctx.tty = query.flag("tty");
    ctx.volume_files = shell::projected_files(pod, &container, |kind, name| {
        let id = if kind == "Secret" {
            ids::secrets()
        } else {
            ids::configmaps()
        };
        let object = state.store.get(&id, &info.namespace, name).ok()?;
        Some(object.value().clone())
    });
    let streams = Streams {
        stdin: query.flag("stdin"),
        tty: ctx.tty,
        v5: protocol == PROTOCOLS[0],
    };
    let key = PodKey {
        namespace: info.namespace.clone(),
        name: info.name.clone(),
        uid: stored.uid().to_owned(),
    };
    let store = state.store.clone();
    let files = state
        .pod_files
        .open(key, &ctx, |k| {
            store
                .get(&ids::pods(), &k.namespace, &k.name)
                .is_ok_and(|p| p.uid() == k.uid)
        })
        .map_err(|e| ApiError::new(500, "InternalError", format!("container filesystem: {e}")))?;
    let process: Process = if exec {
        let argv = command.clone();
        Box::new(move |io| shell::exec(&ctx, files, &argv, streams.stdin, io))
    } else {
        super::attach::process(state, pod, ctx, files, streams)
    };
    let (clock, shutdown) = (state.store.clock().clone(), state.shutdown.clone());
    Ok(upgrade.on_upgrade(move |socket| {
        channel_stream::run(socket, streams, clock, shutdown, command, process)
    }))
}

/// The container a request names (or the pod's only one), as the
/// apiserver checks it.
/// Upstream's refusal of a stream into a pod no node runs yet (exec,
/// attach and port-forward all go through the pod's kubelet).
pub(super) fn require_host(pod: &Value, name: &str) -> Result<(), ApiError> {
    if pod["spec"]["nodeName"]
        .as_str()
        .unwrap_or_default()
        .is_empty()
    {
        return Err(ApiError::bad_request(format!(
            "pod {name} does not have a host assigned"
        )));
    }
    Ok(())
}

fn container(pod: &Value, name: &str, asked: Option<&str>) -> Result<String, ApiError> {
    let names = |list: &str| -> Vec<String> {
        pod["spec"][list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str().map(str::to_owned))
            .collect()
    };
    let containers = names("containers");
    let all: Vec<String> = [
        containers.clone(),
        names("initContainers"),
        names("ephemeralContainers"),
    ]
    .concat();
    match asked {
        Some(c) if all.iter().any(|n| n == c) => Ok(c.to_owned()),
        Some(c) => Err(ApiError::bad_request(format!(
            "container {c} is not valid for pod {name}"
        ))),
        None if containers.len() == 1 => Ok(containers[0].clone()),
        None => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {name}, choose one of: [{}]",
            containers.join(" ")
        ))),
    }
}

/// True while the container's status says it runs.
fn running(pod: &Value, container: &str) -> bool {
    [
        "containerStatuses",
        "initContainerStatuses",
        "ephemeralContainerStatuses",
    ]
    .iter()
    .flat_map(|l| pod["status"][*l].as_array().into_iter().flatten())
    .any(|s| s["name"] == container && !s["state"]["running"].is_null())
}

/// A refusal in the kubelet's form: plain text, which kubectl prints as
/// "unable to upgrade connection: TEXT".
fn kubelet_error(code: StatusCode, text: &str) -> Response {
    Response::builder()
        .status(code)
        .header(CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(axum::body::Body::from(format!("{text}\n")))
        .expect("valid response")
}
