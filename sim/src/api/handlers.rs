//! Dispatch of API requests to the store: discovery and OpenAPI documents,
//! then the verbs on resources (list, get, create, update, patch, delete,
//! deletecollection) and their subresources.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::encode::{self, IncludeObject, json_response, wants_table};
use super::query::Query;
use super::status::delete_success;
use super::{
    ApiError, ApiState, RequestInfo, discovery, eviction, logs, openapi, reviews, scale,
    token_request, watch,
};
use crate::auth::UserInfo;
use crate::fieldmanager;
use crate::patch::PatchType;
use crate::registry::ResourceType;
use crate::store::{
    Apply, Cause, DeleteOptions, DeleteOutcome, Patch, Propagation, StoreError, StoredObject,
    Target, WriteOptions,
};

/// The fallback handler: everything goes through here.
pub async fn dispatch(State(state): State<ApiState>, req: Request) -> Response {
    let info = req
        .extensions()
        .get::<RequestInfo>()
        .cloned()
        .unwrap_or_default();
    match route(&state, info, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn route(state: &ApiState, info: RequestInfo, req: Request) -> Result<Response, ApiError> {
    if info.path.starts_with("/sim/") {
        return super::faults::serve(state, req).await;
    }
    if !info.is_resource_request {
        return non_resource(state, &info, req.headers());
    }
    let rt = state
        .store
        .registry()
        .get(&info.group, &info.version, &info.resource)
        .ok_or_else(ApiError::no_route)?;
    if (!rt.namespaced && !info.namespace.is_empty())
        || (rt.namespaced && info.namespace.is_empty() && !info.name.is_empty())
    {
        return Err(ApiError::no_route());
    }
    if crate::registry::builtin::is_review_group(&rt.group) {
        return review(state, &rt, &info, req).await;
    }
    if rt.id() == crate::registry::builtin::ids::pods()
        && matches!(info.subresource.as_str(), "exec" | "attach")
    {
        return super::exec::serve(state, &info, req).await;
    }
    if rt.id() == crate::registry::builtin::ids::pods() && info.subresource == "portforward" {
        return super::portforward::serve(state, &info, req).await;
    }
    let query = Query::parse(req.uri().query().unwrap_or_default());
    let headers = req.headers().clone();
    let body = if matches!(
        info.verb.as_str(),
        "create" | "update" | "patch" | "delete" | "deletecollection"
    ) {
        super::body::read(req.into_body()).await?
    } else {
        bytes::Bytes::new()
    };
    let ctx = Ctx {
        state,
        rt: &rt,
        info: &info,
        query: &query,
        headers: &headers,
    };
    match (info.verb.as_str(), info.subresource.as_str()) {
        ("list", "") => ctx.list(),
        ("watch", "") => watch::serve(state, &rt, &info, &query, &headers),
        ("get", "") => ctx.get(),
        ("create", "") => ctx.create(&body),
        ("update", "") => ctx.update(&body, Target::Main),
        ("update", "status") if rt.has_subresource("status") => ctx.update(&body, Target::Status),
        ("patch", "") => ctx.patch(&body, Target::Main),
        ("patch", "status") if rt.has_subresource("status") => ctx.patch(&body, Target::Status),
        ("get", "status") if rt.has_subresource("status") => ctx.get(),
        ("delete", "") => ctx.delete(&body),
        ("deletecollection", "") => ctx.delete_collection(&body),
        ("get" | "update" | "patch", "scale") if rt.has_subresource("scale") => {
            scale::serve(&ctx, &body)
        }
        ("create", "eviction") if rt.has_subresource("eviction") => eviction::serve(&ctx, &body),
        ("create", "token") if rt.has_subresource("token") => token_request::serve(&ctx, &body),
        ("get", "log") if rt.has_subresource("log") => {
            logs::serve(&state.store, state.shutdown.clone(), &info, &query).await
        }
        (verb, sub) => Err(ApiError::method_not_allowed(
            verb,
            &if sub.is_empty() {
                rt.plural.clone()
            } else {
                format!("{}/{sub}", rt.plural)
            },
        )),
    }
}

/// A review: only created, answered, never stored (`reviews.rs`).
async fn review(
    state: &ApiState,
    rt: &ResourceType,
    info: &RequestInfo,
    req: Request,
) -> Result<Response, ApiError> {
    if info.verb != "create" || !info.subresource.is_empty() {
        return Err(ApiError::method_not_allowed(&info.verb, &rt.plural));
    }
    let user = req
        .extensions()
        .get::<UserInfo>()
        .cloned()
        .unwrap_or_else(UserInfo::anonymous);
    let headers = req.headers().clone();
    let body = super::body::read(req.into_body()).await?;
    let object = encode::decode_body(&headers, &body, rt)?;
    reviews::answer(state, &rt.kind, &info.namespace, &user, object)
}

fn non_resource(
    state: &ApiState,
    info: &RequestInfo,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let accept = headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let types = state.store.registry().all();
    let path = info.path.trim_end_matches('/');
    let ok = |v: Value| Ok(json_response(StatusCode::OK, v.to_string()));
    match path {
        "/version" => ok(discovery::version()),
        "/healthz" | "/livez" | "/readyz" => Ok((StatusCode::OK, "ok").into_response()),
        "/api" | "/apis" if discovery::wants_aggregated(accept) => Ok(Response::builder()
            .header(CONTENT_TYPE, discovery::AGGREGATED_CONTENT_TYPE)
            .body(Body::from(
                discovery::aggregated(&types, path == "/api").to_string(),
            ))
            .expect("valid response")),
        "/api" => ok(discovery::core_versions(&state.server_address)),
        "/apis" => ok(discovery::group_list(&types)),
        "/openapi/v3" => ok(openapi::index(&types)),
        _ => {
            if let Some(gv) = path.strip_prefix("/openapi/v3/") {
                return openapi::document(&types, gv).map_or_else(|| Err(ApiError::no_route()), ok);
            }
            if !info.version.is_empty() {
                return discovery::resource_list(&types, &info.group, &info.version)
                    .map_or_else(|| Err(ApiError::no_route()), ok);
            }
            Err(ApiError::no_route())
        }
    }
}

/// One resource request being served.
pub(super) struct Ctx<'a> {
    pub state: &'a ApiState,
    pub rt: &'a Arc<ResourceType>,
    pub info: &'a RequestInfo,
    pub query: &'a Query,
    pub headers: &'a HeaderMap,
}

impl Ctx<'_> {
    /// The options of a write this request makes: its dry run and the
    /// field manager it is credited to.
    pub(super) fn write_options(&self) -> WriteOptions {
        let user_agent = self
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok());
        WriteOptions {
            dry_run: self.query.dry_run(),
            field_manager: fieldmanager::manager_of_request(
                self.query.get("fieldManager"),
                user_agent,
            )
            .map(Into::into),
        }
    }

    /// A single object, as JSON or as a one-row Table.
    fn object_response(&self, code: StatusCode, obj: &StoredObject) -> Response {
        if wants_table(self.headers) && code == StatusCode::OK && self.info.verb == "get" {
            let t = encode::table(
                self.rt,
                &[obj.value()],
                None,
                None,
                IncludeObject::from_query(self.query),
                self.state.store.clock().now(),
            );
            return encode::table_response(&t);
        }
        json_response(code, obj.json().clone())
    }

    fn list(&self) -> Result<Response, ApiError> {
        let opts = self.query.list_options(self.rt, &self.info.namespace)?;
        let page = self.state.store.list(&self.rt.id(), &opts)?;
        if wants_table(self.headers) {
            let objects: Vec<&Value> = page.items.iter().map(|o| o.value()).collect();
            let t = encode::table(
                self.rt,
                &objects,
                Some(page.resource_version),
                page.continue_token.as_deref(),
                IncludeObject::from_query(self.query),
                self.state.store.clock().now(),
            );
            return Ok(encode::table_response(&t));
        }
        Ok(json_response(
            StatusCode::OK,
            encode::list_json(
                self.rt,
                page.resource_version,
                page.continue_token.as_deref(),
                &page.items,
            ),
        ))
    }

    fn get(&self) -> Result<Response, ApiError> {
        let obj = self
            .state
            .store
            .get(&self.rt.id(), &self.info.namespace, &self.info.name)?;
        Ok(self.object_response(StatusCode::OK, &obj))
    }

    /// Decodes a body and checks its kind and namespace against the URL.
    fn decode(&self, body: &[u8]) -> Result<Value, ApiError> {
        let obj = encode::decode_body(self.headers, body, self.rt)?;
        let api_version = obj["apiVersion"].as_str().unwrap_or_default();
        let kind = obj["kind"].as_str().unwrap_or_default();
        if !api_version.is_empty() && api_version != self.rt.api_version() {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({api_version}) does not match the expected API version ({})",
                self.rt.api_version()
            )));
        }
        if !kind.is_empty() && kind != self.rt.kind && self.info.subresource.is_empty() {
            return Err(ApiError::bad_request(format!(
                "the object provided is unrecognized (must be of type {}): kind \"{kind}\" does not match",
                self.rt.kind
            )));
        }
        let ns = obj["metadata"]["namespace"].as_str().unwrap_or_default();
        if self.rt.namespaced && !ns.is_empty() && ns != self.info.namespace {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        Ok(obj)
    }

    fn create(&self, body: &[u8]) -> Result<Response, ApiError> {
        let obj = self.decode(body)?;
        let stored = self.state.store.create(
            &self.rt.id(),
            &self.info.namespace,
            obj,
            self.write_options(),
        )?;
        Ok(self.object_response(StatusCode::CREATED, &stored))
    }

    fn update(&self, body: &[u8], target: Target) -> Result<Response, ApiError> {
        let obj = self.decode(body)?;
        let name = obj["metadata"]["name"].as_str().unwrap_or_default();
        if name != self.info.name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({name}) does not match the name on the URL ({})",
                self.info.name
            )));
        }
        let stored = self.state.store.update(
            &self.rt.id(),
            &self.info.namespace,
            obj,
            target,
            self.write_options(),
        )?;
        Ok(self.object_response(StatusCode::OK, &stored))
    }

    fn patch(&self, body: &[u8], target: Target) -> Result<Response, ApiError> {
        if is_apply(self.headers) {
            return self.apply(body, target);
        }
        let patch_type = patch_type(self.headers)?;
        let patch: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
        let stored = self.state.store.patch(
            &self.rt.id(),
            &self.info.namespace,
            &self.info.name,
            &Patch {
                patch_type,
                body: &patch,
            },
            target,
            self.write_options(),
        )?;
        Ok(self.object_response(StatusCode::OK, &stored))
    }

    /// Server-side apply: a `PATCH` whose body is the applier's whole
    /// configuration; creates the object when it does not exist (201).
    fn apply(&self, body: &[u8], target: Target) -> Result<Response, ApiError> {
        let Some(manager) = self.query.get("fieldManager").filter(|m| !m.is_empty()) else {
            return Err(StoreError::Invalid {
                kind: "PatchOptions.meta.k8s.io".into(),
                group: String::new(),
                name: String::new(),
                causes: vec![Cause {
                    reason: "FieldValueRequired".into(),
                    message: "Required value: is required for apply patch".into(),
                    field: "fieldManager".into(),
                }],
            }
            .into());
        };
        let config = self.decode(body)?;
        let existed = self
            .state
            .store
            .get(&self.rt.id(), &self.info.namespace, &self.info.name)
            .is_ok();
        let stored = self.state.store.apply(
            &self.rt.id(),
            &self.info.namespace,
            &self.info.name,
            &Apply {
                config: &config,
                manager,
                force: self.query.get("force") == Some("true"),
            },
            target,
            self.write_options(),
        )?;
        let code = if existed {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        Ok(self.object_response(code, &stored))
    }

    fn delete(&self, body: &[u8]) -> Result<Response, ApiError> {
        let opts = delete_options(self.headers, self.query, body)?;
        let id = self.rt.id();
        match self
            .state
            .store
            .delete(&id, &self.info.namespace, &self.info.name, &opts)?
        {
            DeleteOutcome::Pending(obj) => Ok(json_response(StatusCode::OK, obj.json().clone())),
            DeleteOutcome::Deleted(obj) if self.rt.kind == "Pod" && self.rt.group.is_empty() => {
                Ok(json_response(StatusCode::OK, obj.json().clone()))
            }
            DeleteOutcome::Deleted(obj) => Ok(json_response(
                StatusCode::OK,
                delete_success(obj.name(), &self.rt.group, &self.rt.plural, obj.uid()).to_string(),
            )),
        }
    }

    fn delete_collection(&self, body: &[u8]) -> Result<Response, ApiError> {
        let opts = delete_options(self.headers, self.query, body)?;
        let list_opts = self.query.list_options(self.rt, &self.info.namespace)?;
        let id = self.rt.id();
        let page = self.state.store.list(
            &id,
            &crate::store::ListOptions {
                limit: None,
                continue_token: None,
                ..list_opts
            },
        )?;
        let mut deleted = Vec::new();
        for o in &page.items {
            match self.state.store.delete(&id, o.namespace(), o.name(), &opts) {
                Ok(DeleteOutcome::Deleted(d) | DeleteOutcome::Pending(d)) => deleted.push(d),
                Err(crate::store::StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(json_response(
            StatusCode::OK,
            encode::list_json(self.rt, self.state.store.current_rv(), None, &deleted),
        ))
    }
}

/// Whether a `PATCH` is a server-side apply.
fn is_apply(headers: &HeaderMap) -> bool {
    let ct = encode::content_type(headers);
    ct.split(';').next().unwrap_or_default().trim() == "application/apply-patch+yaml"
}

fn patch_type(headers: &HeaderMap) -> Result<PatchType, ApiError> {
    let ct = encode::content_type(headers);
    let base = ct.split(';').next().unwrap_or_default().trim();
    match base {
        "application/json-patch+json" => Ok(PatchType::Json),
        "application/merge-patch+json" => Ok(PatchType::Merge),
        "application/strategic-merge-patch+json" => Ok(PatchType::StrategicMerge),
        other => Err(ApiError::unsupported_media_type(format!(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {other})"
        ))),
    }
}

/// `DeleteOptions` from the body (JSON, or protobuf as `kubectl drain`
/// sends it) and the query string.
fn delete_options(
    headers: &HeaderMap,
    query: &Query,
    body: &[u8],
) -> Result<DeleteOptions, ApiError> {
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else if encode::is_protobuf(&encode::content_type(headers)) {
        encode::decode_protobuf(body, ("meta.k8s.io/v1", "DeleteOptions"))?
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding DeleteOptions: {e}")))?
    };
    delete_options_from(query, &body)
}

/// `DeleteOptions` from a decoded body (null for none) and the query string.
pub(super) fn delete_options_from(query: &Query, body: &Value) -> Result<DeleteOptions, ApiError> {
    let policy = body["propagationPolicy"]
        .as_str()
        .map(str::to_string)
        .or_else(|| query.get("propagationPolicy").map(str::to_string));
    let propagation = match policy.as_deref() {
        None => match body["orphanDependents"].as_bool() {
            Some(true) => Some(Propagation::Orphan),
            _ => None,
        },
        Some("Background") => Some(Propagation::Background),
        Some("Foreground") => Some(Propagation::Foreground),
        Some("Orphan") => Some(Propagation::Orphan),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "propagationPolicy: Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\""
            )));
        }
    };
    let grace = match body["gracePeriodSeconds"].as_i64() {
        Some(g) => Some(g),
        None => query.number("gracePeriodSeconds")?,
    };
    Ok(DeleteOptions {
        propagation,
        grace_period_seconds: grace,
        precondition_uid: body["preconditions"]["uid"].as_str().map(str::to_string),
        precondition_resource_version: body["preconditions"]["resourceVersion"]
            .as_str()
            .map(str::to_string),
        dry_run: query.dry_run()
            || body["dryRun"]
                .as_array()
                .is_some_and(|a| a.iter().any(|v| v == "All")),
    })
}
