//! ControllerRevisions, the template history of StatefulSets and
//! DaemonSets (`kubectl rollout history|undo` read and apply them): one per
//! distinct pod template, named `<owner>-<hash>`, numbered in order of use.

use serde_json::{Value, json};

use super::util::{controlled_by, delete, hash_value, int, list_ns, normalized, owner_reference};
use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, Target, WriteOptions};

/// The revision data upstream stores: the template as a replacing patch.
pub fn revision_data(owner: &Value) -> Value {
    let mut template = owner["spec"]["template"].clone();
    template["$patch"] = json!("replace");
    json!({"spec": {"template": template}})
}

/// The owner's revisions, oldest first.
pub fn revisions(store: &Store, owner: &Value) -> Vec<Value> {
    let ns = owner["metadata"]["namespace"].as_str().unwrap_or_default();
    let uid = owner["metadata"]["uid"].as_str().unwrap_or_default();
    let mut revs: Vec<Value> = list_ns(store, &ids::controllerrevisions(), ns)
        .iter()
        .map(|r| r.value().clone())
        .filter(|r| controlled_by(r, uid))
        .collect();
    revs.sort_by_key(|r| int(&r["revision"], 0));
    revs
}

/// Finds or creates the revision of the owner's current template and makes
/// it the newest. Returns (revision name, hash).
pub fn update_revision(store: &Store, owner: &Value) -> Result<(String, String), StoreError> {
    let ns = owner["metadata"]["namespace"].as_str().unwrap_or_default();
    let owner_name = owner["metadata"]["name"].as_str().unwrap_or_default();
    let data = revision_data(owner);
    let revs = revisions(store, owner);
    let latest = revs.last().map(|r| int(&r["revision"], 0)).unwrap_or(0);
    if let Some(same) = revs
        .iter()
        .find(|r| normalized(&r["data"]) == normalized(&data))
    {
        let name = same["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if int(&same["revision"], 0) < latest {
            store.modify(&ids::controllerrevisions(), ns, &name, Target::Main, |o| {
                o["revision"] = json!(latest + 1);
                Ok(())
            })?;
        }
        let hash = name
            .strip_prefix(&format!("{owner_name}-"))
            .unwrap_or(&name)
            .to_string();
        return Ok((name, hash));
    }
    let mut collisions = owner["status"]["collisionCount"].as_i64();
    loop {
        let hash = hash_value(&data, collisions);
        let name = format!("{owner_name}-{hash}");
        let mut labels = owner["spec"]["template"]["metadata"]["labels"].clone();
        if !labels.is_object() {
            labels = json!({});
        }
        labels["controller-revision-hash"] = json!(hash);
        let rev = json!({
            "apiVersion": "apps/v1", "kind": "ControllerRevision",
            "metadata": {"name": name, "labels": labels, "ownerReferences": [owner_reference(owner)]},
            "data": data, "revision": latest + 1,
        });
        match store.create(
            &ids::controllerrevisions(),
            ns,
            rev,
            WriteOptions::default(),
        ) {
            Ok(_) => return Ok((name, hash)),
            Err(StoreError::AlreadyExists { .. }) if collisions.unwrap_or(0) < 10 => {
                collisions = Some(collisions.unwrap_or(0) + 1);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Deletes the oldest revisions beyond `revisionHistoryLimit` that no pod
/// and no status field uses.
pub fn cleanup(store: &Store, owner: &Value, in_use: &[String]) -> Result<(), StoreError> {
    let ns = owner["metadata"]["namespace"].as_str().unwrap_or_default();
    let limit = int(&owner["spec"]["revisionHistoryLimit"], 10);
    let revs = revisions(store, owner);
    let idle: Vec<&Value> = revs
        .iter()
        .filter(|r| {
            let name = r["metadata"]["name"].as_str().unwrap_or_default();
            let hash = r["metadata"]["labels"]["controller-revision-hash"]
                .as_str()
                .unwrap_or_default();
            !in_use.iter().any(|u| u == name || u == hash)
        })
        .collect();
    let excess = idle.len() as i64 - limit;
    for r in idle.iter().take(excess.max(0) as usize) {
        delete(
            store,
            &ids::controllerrevisions(),
            ns,
            r["metadata"]["name"].as_str().unwrap_or_default(),
        )?;
    }
    Ok(())
}
