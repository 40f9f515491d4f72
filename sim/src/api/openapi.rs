//! A minimal `/openapi/v3`: per group version, one PATCH operation per kind
//! with the `fieldValidation` parameter and `x-kubernetes-group-version-kind`.
//! That is what kubectl 1.32 checks before trusting server-side field
//! validation; with it `apply`, `create -f`, `replace` and `edit` work with
//! default flags. (No schemas: `kubectl explain` is not supported.)

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::registry::ResourceType;

/// `GET /openapi/v3`: the index of group-version documents.
pub fn index(types: &[Arc<ResourceType>]) -> Value {
    let mut paths = serde_json::Map::new();
    for (gv, ts) in group_versions(types) {
        let hash = hash_of(&ts);
        paths.insert(
            gv.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{gv}?hash={hash:016X}")}),
        );
    }
    json!({"paths": paths})
}

/// `GET /openapi/v3/{api/v1 | apis/g/v}`, or None if not served.
pub fn document(types: &[Arc<ResourceType>], gv_path: &str) -> Option<Value> {
    let (_, ts) = group_versions(types)
        .into_iter()
        .find(|(gv, _)| gv == gv_path)?;
    let mut paths = serde_json::Map::new();
    for t in ts {
        let prefix = if t.group.is_empty() {
            format!("/api/{}", t.version)
        } else {
            format!("/apis/{}/{}", t.group, t.version)
        };
        let path = if t.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}/{{name}}", t.plural)
        } else {
            format!("{prefix}/{}/{{name}}", t.plural)
        };
        paths.insert(
            path,
            json!({"patch": {
                "x-kubernetes-group-version-kind": {"group": t.group, "version": t.version, "kind": t.kind},
                "x-kubernetes-action": "patch",
                "parameters": [
                    {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
                    {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
                    {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
                    {"name": "force", "in": "query", "schema": {"type": "boolean", "uniqueItems": true}}
                ],
                "responses": {"200": {"description": "OK"}, "201": {"description": "Created"}}
            }}),
        );
    }
    Some(
        json!({"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": crate::api::discovery::GIT_VERSION}, "paths": paths, "components": {}}),
    )
}

fn group_versions(types: &[Arc<ResourceType>]) -> BTreeMap<String, Vec<Arc<ResourceType>>> {
    let mut out: BTreeMap<String, Vec<Arc<ResourceType>>> = BTreeMap::new();
    for t in types {
        let gv = if t.group.is_empty() {
            format!("api/{}", t.version)
        } else {
            format!("apis/{}/{}", t.group, t.version)
        };
        out.entry(gv).or_default().push(t.clone());
    }
    out
}

fn hash_of(ts: &[Arc<ResourceType>]) -> u64 {
    ts.iter()
        .flat_map(|t| {
            t.plural
                .bytes()
                .chain(t.kind.bytes())
                .chain([t.namespaced as u8])
        })
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        })
}
