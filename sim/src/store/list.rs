//! Lists over consistent snapshots, with `limit`/`continue` paging.
//!
//! A list clones the type's persistent map (O(1)) at the current revision.
//! When a page is cut short, the snapshot is kept (bounded in number and
//! age) under its revision, and the continue token names that revision and
//! the last key served; later pages read the same snapshot, so the list's
//! revision stays constant across pages. An expired token gets 410 Expired.

use std::ops::Bound;
use std::sync::Arc;
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::object::{ObjectKey, StoredObject};
use super::table::{ObjectMap, ResourceTable};
use super::{Store, StoreError};
use crate::registry::ResourceId;
use crate::selector::{FieldSelector, LabelSelector};

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// Only this namespace (None = all namespaces).
    pub namespace: Option<String>,
    pub labels: LabelSelector,
    pub fields: FieldSelector,
    /// Page size (None or 0 = everything).
    pub limit: Option<usize>,
    /// The token of the previous page.
    pub continue_token: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct ListResult {
    /// The snapshot's revision (the list's `metadata.resourceVersion`).
    pub resource_version: u64,
    pub items: Vec<Arc<StoredObject>>,
    /// Set when more items follow.
    pub continue_token: Option<String>,
}

pub(super) struct Snapshot {
    id: ResourceId,
    rv: u64,
    objects: ObjectMap,
    created: Instant,
}

const EXPIRED: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

impl Store {
    /// Lists objects of `id` matching `opts`.
    pub fn list(&self, id: &ResourceId, opts: &ListOptions) -> Result<ListResult, StoreError> {
        self.resource_type(id)?;
        let (rv, objects, start) = match &opts.continue_token {
            Some(token) if !token.is_empty() => {
                let (rv, start) = decode_token(token)?;
                let mut state = self.lock();
                let ttl = self.inner.config.snapshot_ttl;
                state.snapshots.retain(|s| s.created.elapsed() < ttl);
                let snap = state
                    .snapshots
                    .iter()
                    .find(|s| s.rv == rv && &s.id == id)
                    .ok_or_else(|| StoreError::Expired(EXPIRED.into()))?;
                (rv, snap.objects.clone(), Some(start))
            }
            _ => {
                let state = self.lock();
                let objects = state
                    .tables
                    .get(id)
                    .map(|t| t.objects.clone())
                    .unwrap_or_default();
                (state.rv, objects, None)
            }
        };
        let limit = opts.limit.filter(|l| *l > 0).unwrap_or(usize::MAX);
        let (items, last) = self.page(id, &objects, opts, start, limit);
        let continue_token = last.map(|key| {
            let mut state = self.lock();
            if !state.snapshots.iter().any(|s| s.rv == rv && &s.id == id) {
                state.snapshots.push_back(Snapshot {
                    id: id.clone(),
                    rv,
                    objects,
                    created: Instant::now(),
                });
                while state.snapshots.len() > self.inner.config.max_snapshots {
                    state.snapshots.pop_front();
                }
            }
            encode_token(rv, &key)
        });
        Ok(ListResult {
            resource_version: rv,
            items,
            continue_token,
        })
    }

    /// Up to `limit` matching objects after `start`; the last key if more follow.
    fn page(
        &self,
        id: &ResourceId,
        objects: &ObjectMap,
        opts: &ListOptions,
        start: Option<ObjectKey>,
        limit: usize,
    ) -> (Vec<Arc<StoredObject>>, Option<ObjectKey>) {
        let lower = match (&start, &opts.namespace) {
            (Some(k), _) => Bound::Excluded(k.clone()),
            (None, Some(ns)) => Bound::Included((ns.clone(), String::new())),
            (None, None) => Bound::Unbounded,
        };
        let matches = |o: &StoredObject| {
            opts.namespace.as_ref().is_none_or(|ns| o.namespace() == ns)
                && opts.labels.matches(o.value())
                && opts.fields.matches(o.value())
        };
        // Pods by node: use the index instead of scanning every pod.
        if id.resource == "pods"
            && id.group.is_empty()
            && start.is_none()
            && opts.limit.is_none_or(|l| l == 0)
            && let Some(node) = opts.fields.equality_value("spec.nodeName")
            && !node.is_empty()
        {
            let keys = self.pods_on_node(node);
            let items = keys
                .iter()
                .filter_map(|k| objects.get(k))
                .filter(|o| matches(o))
                .cloned()
                .collect();
            return (items, None);
        }
        let mut items = Vec::new();
        let mut last = None;
        for (key, obj) in objects.range((lower, Bound::Unbounded)) {
            if let Some(ns) = &opts.namespace
                && &key.0 != ns
            {
                break;
            }
            if !matches(obj) {
                continue;
            }
            if items.len() == limit {
                last = items
                    .last()
                    .map(|o: &Arc<StoredObject>| (o.namespace().to_string(), o.name().to_string()));
                break;
            }
            items.push(obj.clone());
        }
        (items, last)
    }

    /// Keys of the pods bound to `node`, from the index.
    pub fn pods_on_node(&self, node: &str) -> Vec<ObjectKey> {
        let state = self.lock();
        let Some(table) = state.tables.get(&ResourceId::new("", "pods")) else {
            return Vec::new();
        };
        pods_on_node(table, node)
    }
}

fn pods_on_node(table: &ResourceTable, node: &str) -> Vec<ObjectKey> {
    let lower = (node.to_string(), String::new(), String::new());
    table
        .by_node
        .range(lower..)
        .take_while(|(n, _, _)| n == node)
        .map(|(_, ns, name)| (ns.clone(), name.clone()))
        .collect()
}

fn encode_token(rv: u64, key: &ObjectKey) -> String {
    let body = json!({"v": "meta.k8s.io/v1", "rv": rv, "start": [key.0, key.1]});
    URL_SAFE_NO_PAD.encode(body.to_string())
}

fn decode_token(token: &str) -> Result<(u64, ObjectKey), StoreError> {
    let bad = || {
        StoreError::BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)".into())
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim_end_matches('='))
        .map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let rv = v["rv"].as_u64().ok_or_else(bad)?;
    let ns = v["start"][0].as_str().ok_or_else(bad)?;
    let name = v["start"][1].as_str().ok_or_else(bad)?;
    Ok((rv, (ns.to_string(), name.to_string())))
}
