//! Deployment status (sync.go `calculateStatus`, progress.go
//! `syncRolloutStatus`) and revision-history cleanup: the fields and
//! conditions `kubectl rollout status` and `kubectl describe` read.

use serde_json::{Value, json};

use super::deployment::{Rollout, revision, spec_replicas};
use super::util::{condition, delete, int, is_terminating, set_condition, time_at};
use crate::registry::builtin::ids;
use crate::store::{StoreError, Target};

/// Writes the deployment's status. Returns the seconds until the progress
/// deadline would pass, when a rollout is still going.
pub fn sync_status(r: &mut Rollout<'_>, paused: bool) -> Result<Option<i64>, StoreError> {
    let d = &r.d;
    let all = r.all();
    let sum = |f: &dyn Fn(&Value) -> i64| all.iter().map(|rs| f(rs)).sum::<i64>();
    let status_replicas = sum(&|rs| int(&rs["status"]["replicas"], 0));
    let ready = sum(&|rs| int(&rs["status"]["readyReplicas"], 0));
    let available = sum(&|rs| int(&rs["status"]["availableReplicas"], 0));
    let total = sum(&|rs| spec_replicas(rs));
    let updated = r
        .new_rs
        .as_ref()
        .map(|n| int(&n["status"]["replicas"], 0))
        .unwrap_or(0);
    let replicas = r.replicas();
    let max_unavailable = if d["spec"]["strategy"]["type"] == "Recreate" {
        0
    } else {
        r.fenceposts().1.min(replicas)
    };
    let now = r.store.clock().now_rfc3339();
    let mut status = d["status"].clone();
    if !status.is_object() {
        status = json!({});
    }
    status["observedGeneration"] = d["metadata"]["generation"].clone();
    status["replicas"] = json!(status_replicas);
    status["updatedReplicas"] = json!(updated);
    status["readyReplicas"] = json!(ready);
    status["availableReplicas"] = json!(available);
    status["unavailableReplicas"] = json!((total - available).max(0));
    // Upstream omits zero counts (omitempty).
    for k in [
        "replicas",
        "updatedReplicas",
        "readyReplicas",
        "availableReplicas",
        "unavailableReplicas",
    ] {
        if status[k] == 0 {
            status.as_object_mut().expect("object").remove(k);
        }
    }
    if available >= replicas - max_unavailable {
        set_condition(
            &mut status,
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            &now,
            true,
        );
    } else {
        set_condition(
            &mut status,
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            &now,
            true,
        );
    }
    if let Some((reason, message)) = r.progress_note.take() {
        set_condition(
            &mut status,
            "Progressing",
            "True",
            reason,
            &message,
            &now,
            true,
        );
    }
    let new_name = r
        .new_rs
        .as_ref()
        .and_then(|n| n["metadata"]["name"].as_str())
        .map(str::to_string);
    let complete = updated == replicas
        && status_replicas == replicas
        && available == replicas
        && new_name.is_some();
    let mut wait = None;
    let deadline = d["spec"]["progressDeadlineSeconds"].as_i64();
    if paused {
        if condition(&status, "Progressing").is_none_or(|c| c["reason"] != "DeploymentPaused") {
            set_condition(
                &mut status,
                "Progressing",
                "Unknown",
                "DeploymentPaused",
                "Deployment is paused",
                &now,
                true,
            );
        }
    } else if let Some(deadline) = deadline.filter(|s| *s < i64::from(i32::MAX)) {
        let subject = match &new_name {
            Some(n) => format!("ReplicaSet \"{n}\""),
            None => format!(
                "Deployment \"{}\"",
                d["metadata"]["name"].as_str().unwrap_or_default()
            ),
        };
        let old = &d["status"];
        let progressed = updated > int(&old["updatedReplicas"], 0)
            || ready > int(&old["readyReplicas"], 0)
            || available > int(&old["availableReplicas"], 0)
            || status_replicas < int(&old["replicas"], 0);
        let current = condition(&status, "Progressing").cloned();
        if complete {
            set_condition(
                &mut status,
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                &format!("{subject} has successfully progressed."),
                &now,
                true,
            );
        } else if progressed
            || current
                .as_ref()
                .is_some_and(|c| c["reason"] == "DeploymentPaused")
        {
            // Any progress renews lastUpdateTime (the deadline counts from it).
            if let Some(conds) = status["conditions"].as_array_mut() {
                conds.retain(|c| c["type"] != "Progressing");
            }
            set_condition(
                &mut status,
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                &format!("{subject} is progressing."),
                &now,
                true,
            );
            if let Some(c) = current.filter(|c| c["status"] == "True")
                && let Some(conds) = status["conditions"].as_array_mut()
                && let Some(p) = conds.iter_mut().find(|c| c["type"] == "Progressing")
            {
                p["lastTransitionTime"] = c["lastTransitionTime"].clone();
            }
            wait = Some(deadline);
        } else if let Some(c) = current.filter(|c| c["reason"] != "NewReplicaSetAvailable") {
            let since = time_at(&c, "lastUpdateTime");
            let clock_now = r.store.clock().now();
            match since {
                Some(t) if t + chrono::Duration::seconds(deadline) <= clock_now => {
                    let timed_out = c["reason"] == "ProgressDeadlineExceeded";
                    if !timed_out {
                        set_condition(
                            &mut status,
                            "Progressing",
                            "False",
                            "ProgressDeadlineExceeded",
                            &format!("{subject} has timed out progressing."),
                            &now,
                            true,
                        );
                        r.events.record(
                            d,
                            crate::cluster::events::EventType::Warning,
                            "ProgressDeadlineExceeded",
                            &format!("{subject} has timed out progressing."),
                            None,
                        );
                    }
                }
                Some(t) => {
                    wait = Some(
                        (t + chrono::Duration::seconds(deadline) - clock_now).num_seconds() + 1,
                    )
                }
                None => {}
            }
        }
    }
    // Upstream orders conditions Available, Progressing only by insertion;
    // keep what we have.
    if d.get("status") != Some(&status) {
        let ns = d["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let name = d["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let stored = r
            .store
            .modify(&ids::deployments(), &ns, &name, Target::Status, |o| {
                o["status"] = status.clone();
                Ok(())
            })?;
        r.d = stored.value().clone();
    }
    Ok(if complete { None } else { wait })
}

/// Deletes the oldest idle ReplicaSets beyond `revisionHistoryLimit`, once
/// the rollout is complete.
pub fn cleanup_history(r: &Rollout<'_>) -> Result<(), StoreError> {
    let limit = int(&r.d["spec"]["revisionHistoryLimit"], 10);
    let replicas = r.replicas();
    let complete = r.new_rs.as_ref().is_some_and(|n| {
        int(&n["status"]["availableReplicas"], 0) == replicas && spec_replicas(n) == replicas
    }) && r.olds.iter().all(|rs| spec_replicas(rs) == 0);
    if !complete {
        return Ok(());
    }
    let mut idle: Vec<&Value> = r
        .olds
        .iter()
        .filter(|rs| {
            spec_replicas(rs) == 0
                && int(&rs["status"]["replicas"], 0) == 0
                && rs["status"]["observedGeneration"] == rs["metadata"]["generation"]
                && !is_terminating(rs)
        })
        .collect();
    let excess = idle.len() as i64 - limit;
    if excess <= 0 {
        return Ok(());
    }
    idle.sort_by_key(|rs| revision(rs));
    let ns = r.d["metadata"]["namespace"].as_str().unwrap_or_default();
    for rs in idle.iter().take(excess as usize) {
        delete(
            r.store,
            &ids::replicasets(),
            ns,
            rs["metadata"]["name"].as_str().unwrap_or_default(),
        )?;
    }
    Ok(())
}
