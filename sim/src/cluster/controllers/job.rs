//! The Job controller: runs pods until `completions` succeed (at most
//! `parallelism` at a time), fails the Job past `backoffLimit` failed pods
//! or `activeDeadlineSeconds`, honours `suspend`, and deletes finished Jobs
//! after `ttlSecondsAfterFinished` (upstream's TTL-after-finished
//! controller, folded in here).
//!
//! Simplification: succeeded/failed counts are taken from the pods that
//! exist (never decreasing), instead of upstream's tracking finalizers.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::runtime::{Controller, Key, Queue, Requeue, own_key, owner_key};
use super::util::{
    claim, condition, delete, int, is_pod_active, is_pod_ready, is_terminating, phase,
    pod_from_template, set_condition, time_at,
};
use crate::cluster::ClusterContext;
use crate::cluster::events::{EventRecorder, EventType};
use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, Target, WriteOptions};

/// Builds the controller.
pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    let events = EventRecorder::new(store.clone(), "job-controller");
    Controller {
        name: "job",
        queue: Queue::new(ctx.clock.clone()),
        watches: vec![
            (ids::jobs(), own_key()),
            (ids::pods(), owner_key("Job", ids::jobs())),
        ],
        reconcile: Arc::new(move |key: &Key| reconcile(&store, &events, key)),
    }
}

/// True once the Job has a Complete or Failed condition.
pub fn is_finished(job: &Value) -> bool {
    ["Complete", "Failed"]
        .iter()
        .any(|t| condition(job, t).is_some_and(|c| c["status"] == "True"))
}

fn reconcile(
    store: &Store,
    events: &EventRecorder,
    (ns, name): &Key,
) -> Result<Requeue, StoreError> {
    let job = store.get(&ids::jobs(), ns, name)?.value().clone();
    if is_terminating(&job) {
        return Ok(None);
    }
    let clock = store.clock();
    let now = clock.now();
    let now_s = crate::clock::format_time(now);
    if is_finished(&job) {
        return ttl(store, &job, now);
    }
    let pods = claim(store, &ids::pods(), &job, &job["spec"]["selector"])?;
    let active: Vec<&Value> = pods.iter().filter(|p| is_pod_active(p)).collect();
    let count = |ph: &str| pods.iter().filter(|p| phase(p) == ph).count() as i64;
    let mut status = job["status"].clone();
    if !status.is_object() {
        status = json!({});
    }
    let succeeded = count("Succeeded").max(int(&status["succeeded"], 0));
    let failed = count("Failed").max(int(&status["failed"], 0));
    let suspended = job["spec"]["suspend"] == true;
    let completions = job["spec"]["completions"].as_i64();
    let parallelism = int(&job["spec"]["parallelism"], 1);
    let backoff_limit = int(&job["spec"]["backoffLimit"], 6);
    let mut requeue = None;

    let mut failure: Option<(&str, &str)> = None;
    if failed > backoff_limit {
        failure = Some((
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        ));
    } else if let (Some(ads), Some(start)) = (
        job["spec"]["activeDeadlineSeconds"].as_i64(),
        time_at(&job, "status.startTime"),
    ) && !suspended
    {
        let deadline = start + chrono::Duration::seconds(ads);
        if deadline <= now {
            failure = Some((
                "DeadlineExceeded",
                "Job was active longer than specified deadline",
            ));
        } else {
            requeue = Some((deadline - now).num_seconds() + 1);
        }
    }
    let complete = completions.map_or(succeeded > 0 && active.is_empty(), |c| succeeded >= c);

    let mut want_active = 0;
    if let Some((reason, message)) = failure {
        set_condition(
            &mut status,
            "FailureTarget",
            "True",
            reason,
            message,
            &now_s,
            false,
        );
        set_condition(
            &mut status,
            "Failed",
            "True",
            reason,
            message,
            &now_s,
            false,
        );
        events.record(&job, EventType::Warning, reason, message, None);
    } else if complete {
        let (reason, message) = (
            "CompletionsReached",
            "Reached expected number of succeeded pods",
        );
        set_condition(
            &mut status,
            "SuccessCriteriaMet",
            "True",
            reason,
            message,
            &now_s,
            false,
        );
        set_condition(
            &mut status,
            "Complete",
            "True",
            reason,
            message,
            &now_s,
            false,
        );
        status["completionTime"] = json!(now_s);
        events.record(&job, EventType::Normal, "Completed", "Job completed", None);
    } else if !suspended {
        want_active = match completions {
            Some(c) => parallelism.min(c - succeeded).max(0),
            None if succeeded > 0 => 0,
            None => parallelism,
        };
    }

    if suspended && !is_finished(&json!({"status": status})) {
        if condition(&json!({"status": status.clone()}), "Suspended")
            .is_none_or(|c| c["status"] != "True")
        {
            set_condition(
                &mut status,
                "Suspended",
                "True",
                "JobSuspended",
                "Job suspended",
                &now_s,
                false,
            );
            events.record(&job, EventType::Normal, "Suspended", "Job suspended", None);
        }
    } else if condition(&json!({"status": status.clone()}), "Suspended")
        .is_some_and(|c| c["status"] == "True")
    {
        set_condition(
            &mut status,
            "Suspended",
            "False",
            "JobResumed",
            "Job resumed",
            &now_s,
            false,
        );
        events.record(&job, EventType::Normal, "Resumed", "Job resumed", None);
        status["startTime"] = json!(now_s);
    }
    if !suspended && status["startTime"].is_null() {
        status["startTime"] = json!(now_s);
        if let Some(ads) = job["spec"]["activeDeadlineSeconds"].as_i64() {
            requeue = Some(ads + 1);
        }
    }

    // Pods to create or delete.
    let mut active_now = active.len() as i64;
    if active_now > want_active {
        let mut doomed = active.clone();
        // Not-ready and newer pods go first.
        doomed.sort_by_key(|p| {
            (
                is_pod_ready(p),
                std::cmp::Reverse(time_at(p, "metadata.creationTimestamp")),
            )
        });
        for pod in doomed.iter().take((active_now - want_active) as usize) {
            let pod_name = pod["metadata"]["name"].as_str().unwrap_or_default();
            delete(store, &ids::pods(), ns, pod_name)?;
            events.record(
                &job,
                EventType::Normal,
                "SuccessfulDelete",
                &format!("Deleted pod: {pod_name}"),
                None,
            );
            active_now -= 1;
        }
    }
    while active_now < want_active {
        let mut pod = pod_from_template(&job["spec"]["template"], &job);
        pod["metadata"]["generateName"] = json!(format!("{name}-"));
        let created = store.create(&ids::pods(), ns, pod, WriteOptions::default())?;
        events.record(
            &job,
            EventType::Normal,
            "SuccessfulCreate",
            &format!("Created pod: {}", created.name()),
            None,
        );
        active_now += 1;
    }

    status["active"] = json!(active_now);
    status["succeeded"] = json!(succeeded);
    status["failed"] = json!(failed);
    status["ready"] = json!(active.iter().filter(|p| is_pod_ready(p)).count());
    status["terminating"] = json!(pods.iter().filter(|p| is_terminating(p)).count());
    for k in ["active", "succeeded", "failed"] {
        if status[k] == 0 {
            status.as_object_mut().expect("object").remove(k);
        }
    }
    if job.get("status") != Some(&status) {
        store.modify(&ids::jobs(), ns, name, Target::Status, |o| {
            o["status"] = status.clone();
            Ok(())
        })?;
    }
    if is_finished(&json!({"status": status})) {
        let job = store.get(&ids::jobs(), ns, name)?.value().clone();
        return ttl(store, &job, now);
    }
    Ok(requeue.map(|s| Duration::from_secs(s.max(1) as u64)))
}

/// Deletes a finished Job whose `ttlSecondsAfterFinished` has passed, or
/// asks to look again when it will have.
fn ttl(
    store: &Store,
    job: &Value,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Requeue, StoreError> {
    let Some(ttl) = job["spec"]["ttlSecondsAfterFinished"].as_i64() else {
        return Ok(None);
    };
    let finished = ["Complete", "Failed"]
        .iter()
        .filter_map(|t| condition(job, t).filter(|c| c["status"] == "True"))
        .find_map(|c| time_at(c, "lastTransitionTime"))
        .unwrap_or(now);
    let expires = finished + chrono::Duration::seconds(ttl);
    if expires <= now {
        let ns = job["metadata"]["namespace"].as_str().unwrap_or_default();
        let name = job["metadata"]["name"].as_str().unwrap_or_default();
        delete(store, &ids::jobs(), ns, name)?;
        return Ok(None);
    }
    Ok(Some(Duration::from_secs(
        (expires - now).num_seconds().max(1) as u64,
    )))
}
