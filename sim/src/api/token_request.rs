//! `POST …/serviceaccounts/{name}/token` (authentication/v1
//! `TokenRequest`): a signed token for the service account, as `kubectl
//! create token` asks for it. The token is checked on later requests by
//! the authenticator (`auth/service_account_token.rs`); nothing is stored.

use axum::response::Response;
use chrono::{TimeZone, Utc};
use http::StatusCode;
use serde_json::{Value, json};

use super::ApiError;
use super::encode::{self, json_response};
use super::handlers::Ctx;
use crate::auth::service_account_token::{Claims, DEFAULT_AUDIENCE};
use crate::registry::builtin::ids;

/// Upstream's default and shortest lifetimes of a requested token.
const DEFAULT_SECONDS: i64 = 3600;
const SHORTEST_SECONDS: i64 = 600;

/// Issues a token for the service account named in the URL.
pub fn serve(ctx: &Ctx, body: &[u8]) -> Result<Response, ApiError> {
    let request = decode(ctx, body)?;
    let seconds = request["spec"]["expirationSeconds"]
        .as_i64()
        .unwrap_or(DEFAULT_SECONDS);
    if seconds < SHORTEST_SECONDS {
        return Err(ApiError::new(
            422,
            "Invalid",
            "spec.expirationSeconds: Invalid value: may not specify a duration less than 10 minutes"
                .to_string(),
        ));
    }
    let audiences: Vec<String> = match request["spec"]["audiences"].as_array() {
        Some(list) if !list.is_empty() => list
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect(),
        _ => vec![DEFAULT_AUDIENCE.to_string()],
    };
    let store = &ctx.state.store;
    let namespace = ctx.info.namespace.as_str();
    let account = store.get(&ids::serviceaccounts(), namespace, &ctx.info.name)?;
    let now = store.clock().now().timestamp();
    let claims = Claims::new(
        namespace,
        &ctx.info.name,
        account.uid(),
        audiences.clone(),
        now,
        seconds,
    );
    let token = ctx.state.token_signer.issue(&claims);
    let expires = Utc
        .timestamp_opt(claims.exp, 0)
        .single()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    Ok(json_response(
        StatusCode::CREATED,
        json!({
            "kind": "TokenRequest",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"name": ctx.info.name, "namespace": namespace,
                         "creationTimestamp": store.clock().now_rfc3339()},
            "spec": {"audiences": audiences, "expirationSeconds": seconds,
                     "boundObjectRef": request["spec"]["boundObjectRef"]},
            "status": {"token": token, "expirationTimestamp": expires},
        })
        .to_string(),
    ))
}

/// The TokenRequest body: JSON, or protobuf as kubectl's typed client
/// sends it; an empty body asks for the defaults.
fn decode(ctx: &Ctx, body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    if encode::is_protobuf(&encode::content_type(ctx.headers)) {
        return encode::decode_protobuf(body, ("authentication.k8s.io/v1", "TokenRequest"));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding TokenRequest: {e}")))
}
