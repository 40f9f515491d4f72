//! Server-side apply and the managed fields of ordinary writes: the store's
//! side of [`fieldmanager`](crate::fieldmanager), run against the object
//! as it is at the moment of the write.

use std::sync::Arc;

use serde_json::Value;

use super::write::{retries_exhausted, stored_ns};
use super::{Store, StoreError, StoredObject, Target, WriteOptions};
use crate::fieldmanager::{self, Context};
use crate::registry::{ResourceId, ResourceType};

/// A server-side apply request (`PATCH` with `application/apply-patch+yaml`).
#[derive(Debug, Clone, Copy)]
pub struct Apply<'a> {
    /// The applied configuration: a partial object with apiVersion, kind and
    /// name.
    pub config: &'a Value,
    /// The applier (the request's `fieldManager`, required).
    pub manager: &'a str,
    /// `force=true`: take over conflicting fields instead of failing.
    pub force: bool,
}

impl Store {
    /// Applies a configuration to the object `name` (creating it when it does
    /// not exist), retrying on concurrent writes unless the configuration
    /// pins a resourceVersion.
    pub fn apply(
        &self,
        id: &ResourceId,
        namespace: &str,
        name: &str,
        apply: &Apply<'_>,
        target: Target,
        opts: WriteOptions,
    ) -> Result<Arc<StoredObject>, StoreError> {
        let rt = self.resource_type(id)?;
        check_config(apply.config, name)?;
        let pinned = apply.config["metadata"]["resourceVersion"]
            .as_str()
            .is_some_and(|s| !s.is_empty());
        let ns = stored_ns(&rt, namespace);
        for _ in 0..8 {
            let current = match self.get(id, &ns, name) {
                Ok(obj) => Some(obj),
                Err(StoreError::NotFound { .. }) if target == Target::Main => None,
                Err(e) => return Err(e),
            };
            let now = self.clock().now_rfc3339();
            let api_version = rt.api_version();
            let cx = context(&rt, &api_version, &now, target);
            let mut obj = fieldmanager::apply(
                current.as_ref().map(|c| c.value()),
                apply.config,
                apply.manager,
                apply.force,
                &cx,
            )
            .map_err(|c| StoreError::ApplyConflict {
                message: c.message(),
                causes: c.causes(),
            })?;
            let written = match &current {
                None => self.create(id, namespace, obj, opts.unmanaged()),
                Some(current) => {
                    if !pinned {
                        obj["metadata"]["resourceVersion"] =
                            current.value()["metadata"]["resourceVersion"].clone();
                    }
                    self.update(id, namespace, obj, target, opts.unmanaged())
                }
            };
            match written {
                Err(StoreError::AlreadyExists { .. }) => continue,
                Err(StoreError::Conflict { .. }) if !pinned => continue,
                other => return other,
            }
        }
        Err(retries_exhausted(id, name))
    }

    /// Credits the write's field manager, if any, with what turned `old`
    /// (`None` for a create) into `new`.
    pub(super) fn record_manager(
        &self,
        rt: &ResourceType,
        old: Option<&Value>,
        new: &mut Value,
        opts: &WriteOptions,
        target: Target,
    ) {
        let Some(manager) = &opts.field_manager else {
            return;
        };
        let now = self.clock().now_rfc3339();
        let api_version = rt.api_version();
        let cx = context(rt, &api_version, &now, target);
        fieldmanager::record_update(old, new, manager, &cx);
    }
}

fn context<'a>(
    rt: &ResourceType,
    api_version: &'a str,
    now: &'a str,
    target: Target,
) -> Context<'a> {
    Context {
        schema: Context::schema_of(&rt.group, &rt.kind),
        api_version,
        now,
        has_status: rt.has_subresource("status"),
        status: target == Target::Status,
    }
}

/// Upstream's checks of an applied configuration before it is merged.
fn check_config(config: &Value, name: &str) -> Result<(), StoreError> {
    if !config.is_object() {
        return Err(StoreError::BadRequest(
            "the applied configuration must be an object".into(),
        ));
    }
    let missing = |field: &str| {
        config[field].as_str().is_none_or(str::is_empty).then(|| {
            StoreError::BadRequest(format!("{field} must be set in the applied configuration"))
        })
    };
    if let Some(e) = missing("apiVersion").or_else(|| missing("kind")) {
        return Err(e);
    }
    let given = config["metadata"]["name"].as_str().unwrap_or_default();
    if given != name {
        return Err(StoreError::BadRequest(format!(
            "the name of the object ({given}) does not match the name on the URL ({name})"
        )));
    }
    Ok(())
}
