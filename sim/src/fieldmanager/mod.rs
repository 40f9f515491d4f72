//! Field management: `metadata.managedFields` and server-side apply.
//!
//! Every write made through the API under a field manager (the request's
//! `fieldManager`, or its User-Agent's product) records which fields that
//! manager set ([`record_update`]). A server-side apply ([`apply`]) merges a
//! partial configuration into the live object, removes the fields the same
//! applier set last time and no longer sets (unless another manager owns
//! them), and refuses, with upstream's 409 message, to change a field
//! another manager owns unless forced, in which case it takes the field
//! over. This follows kube-apiserver's `fieldmanager` package and
//! structured-merge-diff, for the built-in kinds' list semantics
//! ([`schema`]); custom resources merge maps and replace lists.
//!
//! Writes the simulated cluster makes itself (controllers, kubelets) go
//! straight to the store and record no manager, which keeps objects small at
//! 150,000 pods.
//!
//! Pure: no IO, no store; the store calls in while it holds the object.

mod fields_v1;
mod fieldset;
mod managed;
mod merge;
mod path;
mod schema;

use serde_json::{Map, Value, json};

pub use managed::{ManagedEntry, Operation};
pub use path::{FieldSet, Path, PathElement};

use crate::patch::merge_keys::{SchemaType, root_type};

/// What a write is, for field management.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The kind's schema (`None` for custom resources).
    pub schema: Option<SchemaType>,
    /// `group/version` of the request.
    pub api_version: &'a str,
    /// The time recorded on changed entries (RFC 3339).
    pub now: &'a str,
    /// The kind has a status subresource, so writes to the main resource
    /// leave `status` alone and are not credited with it.
    pub has_status: bool,
    /// The write is to the status subresource.
    pub status: bool,
}

impl Context<'_> {
    /// The schema of a kind in `group`.
    pub fn schema_of(group: &str, kind: &str) -> Option<SchemaType> {
        root_type(group, kind)
    }

    fn ty(&self) -> SchemaType {
        self.schema.unwrap_or(SchemaType::Opaque)
    }

    fn subresource(&self) -> Option<&'static str> {
        self.status.then_some("status")
    }

    /// The part of `obj` managers own: everything but identity and
    /// server-set metadata, and only `status` or only the rest, by target.
    fn tracked(&self, obj: &Value) -> Value {
        let mut out = obj.as_object().cloned().unwrap_or_default();
        out.remove("apiVersion");
        out.remove("kind");
        if let Some(Value::Object(meta)) = out.get_mut("metadata") {
            for key in SERVER_METADATA {
                meta.remove(*key);
            }
            if meta.is_empty() {
                out.remove("metadata");
            }
        }
        if self.status {
            out.retain(|k, _| k == "status");
        } else if self.has_status {
            out.remove("status");
        }
        Value::Object(out)
    }

    /// `tracked` put back together with what [`tracked`](Self::tracked)
    /// leaves out of `base`.
    fn restore(&self, tracked: Value, base: &Value) -> Value {
        let Value::Object(mut tracked) = tracked else {
            return base.clone();
        };
        let mut out = base.as_object().cloned().unwrap_or_default();
        if self.status {
            match tracked.remove("status") {
                Some(status) => out.insert("status".into(), status),
                None => out.remove("status"),
            };
            return Value::Object(out);
        }
        out.retain(|k, _| {
            matches!(k.as_str(), "apiVersion" | "kind" | "metadata")
                || (k == "status" && self.has_status)
        });
        let mut meta: Map<String, Value> = base["metadata"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| SERVER_METADATA.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(Value::Object(owned)) = tracked.remove("metadata") {
            meta.extend(owned);
        }
        out.insert("metadata".into(), Value::Object(meta));
        out.extend(tracked);
        Value::Object(out)
    }
}

/// Metadata the server sets or that names the object: never owned.
const SERVER_METADATA: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
    "managedFields",
];

/// Records a write by `manager` (not an apply) that turned `old` (`None` for
/// a create) into `new`: the manager owns what it changed, and no one else
/// owns it any more. `new`'s own `managedFields` are the starting point (the
/// store puts the old ones there unless the client sent its own).
pub fn record_update(old: Option<&Value>, new: &mut Value, manager: &str, cx: &Context<'_>) {
    let before = old.map_or_else(|| json!({}), |o| cx.tracked(o));
    let changes = fieldset::compare(&before, &cx.tracked(new), cx.ty());
    if changes.is_empty() {
        return;
    }
    let mut entries = managed::read(new);
    for entry in &mut entries {
        fieldset::remove_below(&mut entry.fields, &changes.removed);
        entry.fields.retain(|p| !changes.set.contains(p));
    }
    let subresource = cx.subresource();
    let mine = match entries
        .iter()
        .position(|e| e.is(manager, Operation::Update, cx.api_version, subresource))
    {
        Some(i) => i,
        None => {
            entries.push(ManagedEntry {
                manager: manager.to_string(),
                operation: Operation::Update,
                api_version: cx.api_version.to_string(),
                time: None,
                subresource: subresource.map(str::to_string),
                fields: FieldSet::new(),
            });
            entries.len() - 1
        }
    };
    entries[mine].fields.extend(changes.set);
    entries[mine].time = Some(cx.now.to_string());
    managed::write(new, entries);
}

/// An apply that would change fields other managers own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyConflicts {
    /// Each conflict: the other manager as upstream describes it, and the
    /// field's path.
    pub conflicts: Vec<(String, String)>,
}

impl ApplyConflicts {
    /// Upstream's message (`Apply failed with 1 conflict: conflict with
    /// "kubectl-edit" using apps/v1: .spec.replicas`).
    pub fn message(&self) -> String {
        if let [(manager, path)] = self.conflicts.as_slice() {
            return format!("Apply failed with 1 conflict: conflict with {manager}: {path}");
        }
        let mut managers: Vec<&String> = self.conflicts.iter().map(|(m, _)| m).collect();
        managers.sort();
        managers.dedup();
        let mut lines = Vec::new();
        for manager in managers {
            lines.push(format!("conflicts with {manager}:"));
            for (_, path) in self.conflicts.iter().filter(|(m, _)| m == manager) {
                lines.push(format!("- {path}"));
            }
        }
        format!(
            "Apply failed with {} conflicts: {}",
            self.conflicts.len(),
            lines.join("\n")
        )
    }

    /// The `details.causes` of upstream's 409.
    pub fn causes(&self) -> Value {
        Value::Array(
            self.conflicts
                .iter()
                .map(|(manager, path)| {
                    json!({"type": "FieldManagerConflict",
                           "message": format!("conflict with {manager}"),
                           "field": path})
                })
                .collect(),
        )
    }
}

/// Applies configuration `applied` as `manager` to `live` (`None` when the
/// object does not exist yet) and returns the object to store, with its
/// managed fields. Without `force`, changing a field another manager owns is
/// a conflict; with it, the field changes hands.
pub fn apply(
    live: Option<&Value>,
    applied: &Value,
    manager: &str,
    force: bool,
    cx: &Context<'_>,
) -> Result<Value, ApplyConflicts> {
    let base = match live {
        Some(obj) => obj.clone(),
        None => json!({
            "apiVersion": applied["apiVersion"],
            "kind": applied["kind"],
            "metadata": {"name": applied["metadata"]["name"],
                         "namespace": applied["metadata"]["namespace"]},
        }),
    };
    let mut entries = managed::read(&base);
    let subresource = cx.subresource();
    let mine = entries
        .iter()
        .position(|e| e.is(manager, Operation::Apply, cx.api_version, subresource));
    let last = mine.map(|i| entries[i].fields.clone()).unwrap_or_default();
    let others: FieldSet = entries
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != mine)
        .flat_map(|(_, e)| e.fields.iter().cloned())
        .collect();

    let live_part = cx.tracked(&base);
    let config_part = cx.tracked(applied);
    let config = fieldset::fields_of(&config_part, cx.ty());
    let mut merged = merge::merge(&live_part, &config_part, cx.ty());
    let stale: FieldSet = last
        .difference(&config)
        .filter(|p| !others.contains(*p))
        .cloned()
        .collect();
    merge::remove(&mut merged, &stale);
    let changes = fieldset::compare(&live_part, &merged, cx.ty());

    let conflicts: Vec<(String, String)> = entries
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != mine)
        .flat_map(|(_, e)| {
            e.fields
                .intersection(&changes.set)
                .map(|p| (e.describe(), path::display(p)))
                .collect::<Vec<_>>()
        })
        .collect();
    if !conflicts.is_empty() && !force {
        return Err(ApplyConflicts { conflicts });
    }
    for (i, entry) in entries.iter_mut().enumerate() {
        if Some(i) != mine {
            fieldset::remove_below(&mut entry.fields, &changes.removed);
            entry.fields.retain(|p| !changes.set.contains(p));
        }
    }
    match mine {
        Some(i) if entries[i].fields == config => {}
        Some(i) => {
            entries[i].fields = config;
            entries[i].time = Some(cx.now.to_string());
            entries[i].api_version = cx.api_version.to_string();
        }
        None => entries.push(ManagedEntry {
            manager: manager.to_string(),
            operation: Operation::Apply,
            api_version: cx.api_version.to_string(),
            time: Some(cx.now.to_string()),
            subresource: subresource.map(str::to_string),
            fields: config,
        }),
    }
    let mut out = cx.restore(merged, &base);
    managed::write(&mut out, entries);
    Ok(out)
}

/// The field manager a request names: its `fieldManager`, else the product
/// of its User-Agent (`kubectl/v1.32.4 (linux/amd64) …` → `kubectl`), as
/// kube-apiserver defaults it; at most 128 characters.
pub fn manager_of_request(field_manager: Option<&str>, user_agent: Option<&str>) -> Option<String> {
    let name = match field_manager.filter(|m| !m.is_empty()) {
        Some(m) => m.to_string(),
        None => {
            let ua = user_agent.unwrap_or_default();
            ua.split('/').next().unwrap_or_default().trim().to_string()
        }
    };
    (!name.is_empty()).then(|| name.chars().take(128).collect())
}

#[cfg(test)]
mod tests;
