//! `/sim/v1`: the simulator's own fault-injection API. JSON in and out,
//! errors as Kubernetes `Status` objects; every action is one call on the
//! [`Faults`](crate::faults::Faults) handle.
//!
//! | request | effect |
//! |---|---|
//! | `GET /sim/v1/faults` | faults in effect |
//! | `GET /sim/v1/watches` | open watch streams per resource type |
//! | `POST /sim/v1/nodes/{name}/stop` / `start` | stop / restart the node's kubelet |
//! | `POST /sim/v1/namespaces/{ns}/pods/{name}/crash?container=C` | kill a container (exit 137) |
//! | `POST /sim/v1/namespaces/{ns}/pods/{name}/image-pull-failure` (`DELETE` lifts it) | fail its image pulls |
//! | `POST /sim/v1/watches/drop` | end every open watch stream |
//! | `POST /sim/v1/watches/stall?seconds=N` | hold back watch events N simulated seconds |
//! | `POST /sim/v1/compact` | force history compaction (410 for old RVs) |

use axum::body::to_bytes;
use axum::extract::Request;
use axum::response::Response;
use http::{Method, StatusCode};
use serde_json::Value;

use super::encode::json_response;
use super::query::Query;
use super::{ApiError, ApiState};
use crate::faults::FaultError;

/// Serves a request under `/sim/`.
pub async fn serve(state: &ApiState, req: Request) -> Result<Response, ApiError> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query = Query::parse(req.uri().query().unwrap_or_default());
    let body = to_bytes(req.into_body(), 64 * 1024)
        .await
        .map_err(|_| ApiError::new(413, "RequestEntityTooLarge", "request body too large"))?;
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?
    };
    // A parameter from the query string or the JSON body.
    let param = |name: &str| -> Option<String> {
        query
            .get(name)
            .map(str::to_owned)
            .or_else(|| match &body[name] {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
    };
    let faults = &state.faults;
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let answer = match (&method, parts.as_slice()) {
        (&Method::GET, ["sim", "v1", "faults"]) => Ok(faults.state()),
        (&Method::GET, ["sim", "v1", "watches"]) => Ok(state.watches.to_json()),
        (&Method::POST, ["sim", "v1", "nodes", node, "stop"]) => faults.stop_node(node),
        (&Method::POST, ["sim", "v1", "nodes", node, "start"]) => faults.start_node(node),
        (&Method::POST, ["sim", "v1", "namespaces", ns, "pods", pod, "crash"]) => {
            faults.crash_container(ns, pod, param("container").as_deref())
        }
        (
            &Method::POST,
            [
                "sim",
                "v1",
                "namespaces",
                ns,
                "pods",
                pod,
                "image-pull-failure",
            ],
        ) => faults.fail_image_pulls(ns, pod, true),
        (
            &Method::DELETE,
            [
                "sim",
                "v1",
                "namespaces",
                ns,
                "pods",
                pod,
                "image-pull-failure",
            ],
        ) => faults.fail_image_pulls(ns, pod, false),
        (&Method::POST, ["sim", "v1", "watches", "drop"]) => Ok(faults.drop_watches()),
        (&Method::POST, ["sim", "v1", "watches", "stall"]) => {
            let seconds = param("seconds")
                .ok_or_else(|| ApiError::bad_request("seconds is required"))?
                .parse::<u64>()
                .map_err(|_| ApiError::bad_request("seconds must be a non-negative integer"))?;
            Ok(faults.stall_watches(seconds))
        }
        (&Method::POST, ["sim", "v1", "compact"]) => Ok(faults.compact()),
        (
            _,
            ["sim", "v1", "faults" | "compact"]
            | ["sim", "v1", "watches", ..]
            | ["sim", "v1", "nodes", _, _]
            | ["sim", "v1", "namespaces", _, "pods", _, _],
        ) => {
            return Err(ApiError::method_not_allowed(method.as_str(), &path));
        }
        _ => return Err(ApiError::no_route()),
    };
    match answer {
        Ok(v) => Ok(json_response(StatusCode::OK, v.to_string())),
        Err(FaultError::Store(e)) => Err(e.into()),
        Err(FaultError::Invalid(m)) => Err(ApiError::new(409, "Conflict", m)),
    }
}
