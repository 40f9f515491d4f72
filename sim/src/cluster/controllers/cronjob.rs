//! The CronJob controller: creates a Job (`<cronjob>-<scheduled minute
//! since the epoch>`) at each scheduled time of the simulated clock, with
//! the concurrency policies, `suspend`, `startingDeadlineSeconds` and the
//! successful/failed history limits of upstream's cronjob_controllerv2.
//!
//! Time zones: `timeZone` may be unset, a UTC name, or a fixed offset
//! (`Etc/GMT-2` style); other zones need a tz database the simulator does
//! not carry, so they get an `UnknownTimeZone` warning like upstream gives
//! for names it cannot load.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Value, json};

use super::cron::Schedule;
use super::job::is_finished;
use super::runtime::{Controller, Key, Queue, Requeue, own_key, owner_key};
use super::util::{condition, controlled_by, delete, int, is_terminating, list_ns, time_at};
use crate::cluster::ClusterContext;
use crate::cluster::events::{EventRecorder, EventType};
use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, Target, WriteOptions};

/// Builds the controller.
pub fn controller(ctx: &ClusterContext) -> Controller {
    let store = ctx.store.clone();
    let events = EventRecorder::new(store.clone(), "cronjob-controller");
    Controller {
        name: "cronjob",
        queue: Queue::new(ctx.clock.clone()),
        watches: vec![
            (ids::cronjobs(), own_key()),
            (ids::jobs(), owner_key("CronJob", ids::cronjobs())),
        ],
        reconcile: Arc::new(move |key: &Key| reconcile(&store, &events, key)),
    }
}

/// The zone of `timeZone` as a fixed offset, if the simulator knows it.
fn time_zone(tz: Option<&str>) -> Option<FixedOffset> {
    let utc = FixedOffset::east_opt(0);
    match tz {
        None | Some("UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" | "Etc/UCT" | "UCT" | "Zulu") => utc,
        Some(name) => {
            // Etc/GMT-2 is two hours *ahead* of UTC (POSIX sign).
            let hours: i32 = name.strip_prefix("Etc/GMT")?.parse().ok()?;
            FixedOffset::east_opt(-hours * 3600)
        }
    }
}

fn reconcile(
    store: &Store,
    events: &EventRecorder,
    (ns, name): &Key,
) -> Result<Requeue, StoreError> {
    let cj = store.get(&ids::cronjobs(), ns, name)?.value().clone();
    if is_terminating(&cj) {
        return Ok(None);
    }
    let uid = cj["metadata"]["uid"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut jobs: Vec<Value> = list_ns(store, &ids::jobs(), ns)
        .iter()
        .filter(|j| controlled_by(j.value(), &uid))
        .map(|j| j.value().clone())
        .collect();
    jobs.sort_by_key(|j| time_at(j, "metadata.creationTimestamp"));
    let mut status = cj["status"].clone();
    if !status.is_object() {
        status = json!({});
    }

    // Jobs that finished since the last look.
    let was_active: Vec<String> = status["active"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for job in &jobs {
        let job_name = job["metadata"]["name"].as_str().unwrap_or_default();
        if is_finished(job) && was_active.iter().any(|n| n == job_name) {
            let cond = if condition(job, "Complete").is_some_and(|c| c["status"] == "True") {
                "Complete"
            } else {
                "Failed"
            };
            events.record(
                &cj,
                EventType::Normal,
                "SawCompletedJob",
                &format!("Saw completed job: {job_name}, condition: {cond}"),
                None,
            );
        }
        if condition(job, "Complete").is_some_and(|c| c["status"] == "True")
            && let Some(done) = job["status"]["completionTime"].as_str()
            && status["lastSuccessfulTime"]
                .as_str()
                .is_none_or(|t| t < done)
        {
            status["lastSuccessfulTime"] = json!(done);
        }
    }
    let mut active: Vec<&Value> = jobs
        .iter()
        .filter(|j| !is_finished(j) && !is_terminating(j))
        .collect();
    cleanup_history(store, events, &cj, &jobs)?;

    let now = store.clock().now();
    let mut requeue = None;
    let created = if cj["spec"]["suspend"] == true {
        None
    } else {
        match schedule(store, events, &cj, &jobs, &mut active, now, &mut requeue)? {
            Some((job, at)) => {
                status["lastScheduleTime"] = json!(crate::clock::format_time(at));
                Some(job)
            }
            None => None,
        }
    };
    let mut refs: Vec<Value> = active.iter().map(|j| job_ref(j)).collect();
    if let Some(job) = &created {
        refs.push(job_ref(job));
    }
    if refs.is_empty() {
        status.as_object_mut().expect("object").remove("active");
    } else {
        status["active"] = json!(refs);
    }
    if cj.get("status") != Some(&status) {
        store.modify(&ids::cronjobs(), ns, name, Target::Status, |o| {
            o["status"] = status.clone();
            Ok(())
        })?;
    }
    Ok(requeue)
}

fn job_ref(job: &Value) -> Value {
    json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "name": job["metadata"]["name"], "namespace": job["metadata"]["namespace"],
        "uid": job["metadata"]["uid"], "resourceVersion": job["metadata"]["resourceVersion"],
    })
}

/// Starts the Job of the most recent missed schedule time, if due and
/// allowed. Sets `requeue` to the next schedule time.
fn schedule(
    store: &Store,
    events: &EventRecorder,
    cj: &Value,
    jobs: &[Value],
    active: &mut Vec<&Value>,
    now: DateTime<Utc>,
    requeue: &mut Requeue,
) -> Result<Option<(Value, DateTime<Utc>)>, StoreError> {
    let ns = cj["metadata"]["namespace"].as_str().unwrap_or_default();
    let name = cj["metadata"]["name"].as_str().unwrap_or_default();
    let expr = cj["spec"]["schedule"].as_str().unwrap_or_default();
    let tz_name = cj["spec"]["timeZone"].as_str();
    let Some(tz) = time_zone(tz_name) else {
        events.record(
            cj,
            EventType::Warning,
            "UnknownTimeZone",
            &format!(
                "invalid timeZone: {:?}: unknown time zone {}",
                tz_name.unwrap_or_default(),
                tz_name.unwrap_or_default()
            ),
            None,
        );
        return Ok(None);
    };
    let sched = match Schedule::parse(expr) {
        Ok(s) => s,
        Err(e) => {
            events.record(
                cj,
                EventType::Warning,
                "UnparseableSchedule",
                &format!("unparseable schedule: {expr:?} : {e}"),
                None,
            );
            return Ok(None);
        }
    };
    if let Some(next) = sched.next_after(now, &tz) {
        *requeue = Some(Duration::from_secs((next - now).num_seconds().max(1) as u64));
    }
    let deadline = cj["spec"]["startingDeadlineSeconds"].as_i64();
    let mut earliest = time_at(cj, "status.lastScheduleTime")
        .or_else(|| time_at(cj, "metadata.creationTimestamp"))
        .unwrap_or(now);
    if let Some(d) = deadline {
        earliest = earliest.max(now - chrono::Duration::seconds(d));
    }
    let mut due = None;
    let mut t = earliest;
    let mut missed = 0;
    while let Some(next) = sched.next_after(t, &tz).filter(|n| *n <= now) {
        due = Some(next);
        t = next;
        missed += 1;
        if missed > 100_000 {
            break;
        }
    }
    let Some(at) = due else {
        return Ok(None);
    };
    if missed > 100 {
        events.record(cj, EventType::Warning, "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew", None);
    }
    let job_name = format!("{name}-{}", at.timestamp() / 60);
    if jobs
        .iter()
        .any(|j| j["metadata"]["name"] == job_name.as_str())
    {
        return Ok(None);
    }
    match cj["spec"]["concurrencyPolicy"].as_str().unwrap_or("Allow") {
        "Forbid" if !active.is_empty() => {
            events.record(cj, EventType::Normal, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid", None);
            return Ok(None);
        }
        "Replace" => {
            for job in active.drain(..) {
                let old = job["metadata"]["name"].as_str().unwrap_or_default();
                delete(store, &ids::jobs(), ns, old)?;
                events.record(
                    cj,
                    EventType::Normal,
                    "SuccessfulDelete",
                    &format!("Deleted job {old}"),
                    None,
                );
            }
        }
        _ => {}
    }
    let template = &cj["spec"]["jobTemplate"];
    let mut annotations = template["metadata"]["annotations"].clone();
    if !annotations.is_object() {
        annotations = json!({});
    }
    annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"] = json!(
        at.with_timezone(&tz)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let mut job = json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {
            "name": job_name, "annotations": annotations,
            "ownerReferences": [super::util::owner_reference(cj)],
        },
        "spec": template["spec"].clone(),
    });
    if template["metadata"]["labels"].is_object() {
        job["metadata"]["labels"] = template["metadata"]["labels"].clone();
    }
    match store.create(&ids::jobs(), ns, job, WriteOptions::default()) {
        Ok(created) => {
            events.record(
                cj,
                EventType::Normal,
                "SuccessfulCreate",
                &format!("Created job {job_name}"),
                None,
            );
            Ok(Some((created.value().clone(), at)))
        }
        Err(StoreError::AlreadyExists { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Deletes the oldest finished Jobs beyond the history limits.
fn cleanup_history(
    store: &Store,
    events: &EventRecorder,
    cj: &Value,
    jobs: &[Value],
) -> Result<(), StoreError> {
    let ns = cj["metadata"]["namespace"].as_str().unwrap_or_default();
    for (cond, limit) in [
        (
            "Complete",
            int(&cj["spec"]["successfulJobsHistoryLimit"], 3),
        ),
        ("Failed", int(&cj["spec"]["failedJobsHistoryLimit"], 1)),
    ] {
        let finished: Vec<&Value> = jobs
            .iter()
            .filter(|j| {
                !is_terminating(j) && condition(j, cond).is_some_and(|c| c["status"] == "True")
            })
            .collect();
        let excess = finished.len() as i64 - limit;
        for job in finished.iter().take(excess.max(0) as usize) {
            let job_name = job["metadata"]["name"].as_str().unwrap_or_default();
            delete(store, &ids::jobs(), ns, job_name)?;
            events.record(
                cj,
                EventType::Normal,
                "SuccessfulDelete",
                &format!("Deleted job {job_name}"),
                None,
            );
        }
    }
    Ok(())
}
