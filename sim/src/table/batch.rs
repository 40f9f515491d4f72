//! Rows of batch/v1 Job and CronJob (ports of printJob and printCronJob):
//! the Job STATUS column of 1.32, COMPLETIONS as `succeeded/completions`,
//! DURATION from start to completion (or to now while running).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::cells::{
    age, age_column, column, container_cells, container_columns, has, int, items, name,
    name_column, since, text, timestamp, wide_column,
};
use super::duration::human_duration;
use super::selectors::format_label_selector;

const SELECTOR_DESCRIPTION: &str = "A label query over pods that should match the pod count.";

pub(super) fn job_columns() -> Vec<ColumnDefinition> {
    let [containers, images] = container_columns();
    vec![
        name_column(),
        column("Status", "string", "Status of the job."),
        column(
            "Completions",
            "string",
            "The number of pods which reached phase Succeeded.",
        ),
        column("Duration", "string", "Time required to complete the job."),
        age_column(),
        containers,
        images,
        wide_column("Selector", "string", SELECTOR_DESCRIPTION),
    ]
}

pub(super) fn job_cells(job: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let succeeded = int(job, "/status/succeeded");
    let completions = if has(job, "/spec/completions") {
        format!("{succeeded}/{}", int(job, "/spec/completions"))
    } else {
        match int(job, "/spec/parallelism") {
            parallelism if parallelism > 1 => format!("{succeeded}/1 of {parallelism}"),
            _ => format!("{succeeded}/1"),
        }
    };
    let duration = match (
        timestamp(job, "/status/startTime"),
        timestamp(job, "/status/completionTime"),
    ) {
        (None, _) => String::new(),
        (Some(start), None) => since(Some(start), now),
        (Some(start), Some(end)) => human_duration(end - start),
    };
    let [containers, images] = container_cells(&job["spec"]["template"]["spec"]);
    vec![
        name(job),
        Value::from(job_status(job)),
        Value::from(completions),
        Value::from(duration),
        age(job, now),
        containers,
        images,
        Value::from(format_label_selector(&job["spec"]["selector"])),
    ]
}

/// The Job STATUS cell: the first true of Complete, Failed, (being deleted)
/// Terminating, Suspended, FailureTarget; otherwise Running.
fn job_status(job: &Value) -> &'static str {
    let conditions = items(job, "/status/conditions");
    // hasJobCondition looks at the first condition of a type only.
    let is_true = |type_: &str| {
        conditions
            .iter()
            .find(|c| text(c, "/type") == type_)
            .is_some_and(|c| text(c, "/status") == "True")
    };
    if is_true("Complete") {
        "Complete"
    } else if is_true("Failed") {
        "Failed"
    } else if has(job, "/metadata/deletionTimestamp") {
        "Terminating"
    } else if is_true("Suspended") {
        "Suspended"
    } else if is_true("FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    }
}

pub(super) fn cron_job_columns() -> Vec<ColumnDefinition> {
    let [containers, images] = container_columns();
    vec![
        name_column(),
        column("Schedule", "string", "The schedule in Cron format."),
        column(
            "Timezone",
            "string",
            "The time zone name for the given schedule.",
        ),
        column(
            "Suspend",
            "boolean",
            "This flag tells the controller to suspend subsequent executions.",
        ),
        column(
            "Active",
            "integer",
            "A list of pointers to currently running jobs.",
        ),
        column(
            "Last Schedule",
            "string",
            "Information when was the last time the job was successfully scheduled.",
        ),
        age_column(),
        containers,
        images,
        wide_column("Selector", "string", SELECTOR_DESCRIPTION),
    ]
}

pub(super) fn cron_job_cells(cron_job: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let last_schedule = match timestamp(cron_job, "/status/lastScheduleTime") {
        Some(at) => since(Some(at), now),
        None => "<none>".into(),
    };
    let time_zone = cron_job["spec"]["timeZone"].as_str().unwrap_or("<none>");
    // printBoolPtr: the Go bool as a word, `<unset>` when the pointer is nil.
    let suspend = match cron_job["spec"]["suspend"].as_bool() {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    let job_spec = &cron_job["spec"]["jobTemplate"]["spec"];
    let [containers, images] = container_cells(&job_spec["template"]["spec"]);
    vec![
        name(cron_job),
        Value::from(text(cron_job, "/spec/schedule")),
        Value::from(time_zone),
        Value::from(suspend),
        Value::from(items(cron_job, "/status/active").len()),
        Value::from(last_schedule),
        age(cron_job, now),
        containers,
        images,
        Value::from(format_label_selector(&job_spec["selector"])),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2025-01-01T12:00:00Z".parse().unwrap()
    }

    fn pi_job(status: Value) -> Value {
        json!({
            "metadata": {"name": "pi", "creationTimestamp": "2025-01-01T11:50:00Z"},
            "spec": {
                "completions": 1, "parallelism": 1,
                "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "6a1f"}},
                "template": {"spec": {"containers": [{"name": "pi", "image": "perl:5.34.0"}]}}
            },
            "status": status
        })
    }

    #[test]
    fn complete_job_row() {
        let job = pi_job(json!({
            "startTime": "2025-01-01T11:50:00Z", "completionTime": "2025-01-01T11:50:41Z", "succeeded": 1,
            "conditions": [{"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]
        }));
        assert_eq!(
            job_cells(&job, now()),
            [
                json!("pi"),
                json!("Complete"),
                json!("1/1"),
                json!("41s"),
                json!("10m"),
                json!("pi"),
                json!("perl:5.34.0"),
                json!("batch.kubernetes.io/controller-uid=6a1f")
            ]
        );
    }

    #[test]
    fn running_job_duration_grows_with_now() {
        let job = pi_job(json!({"startTime": "2025-01-01T11:57:00Z", "active": 1}));
        let row = job_cells(&job, now());
        assert_eq!(row[1..4], [json!("Running"), json!("0/1"), json!("3m")]);
    }

    #[test]
    fn job_not_started_has_empty_duration() {
        let row = job_cells(&pi_job(json!({})), now());
        assert_eq!(row[3], json!(""));
    }

    #[test]
    fn job_status_precedence() {
        let with =
            |conditions: Value| job_status(&pi_job(json!({"conditions": conditions}))).to_string();
        assert_eq!(
            with(json!([{"type": "Failed", "status": "True"}])),
            "Failed"
        );
        assert_eq!(
            with(json!([{"type": "Suspended", "status": "True"}])),
            "Suspended"
        );
        assert_eq!(
            with(json!([{"type": "FailureTarget", "status": "True"}])),
            "FailureTarget"
        );
        assert_eq!(
            with(json!([{"type": "Suspended", "status": "False"}])),
            "Running"
        );
        assert_eq!(
            with(
                json!([{"type": "Failed", "status": "True"}, {"type": "Complete", "status": "True"}])
            ),
            "Complete"
        );
        let mut deleting = pi_job(json!({"conditions": [{"type": "Suspended", "status": "True"}]}));
        deleting["metadata"]["deletionTimestamp"] = json!("2025-01-01T11:59:00Z");
        assert_eq!(job_status(&deleting), "Terminating");
    }

    #[test]
    fn completions_without_a_count_use_parallelism() {
        let mut job = pi_job(json!({"succeeded": 2}));
        job["spec"].as_object_mut().unwrap().remove("completions");
        job["spec"]["parallelism"] = json!(4);
        assert_eq!(job_cells(&job, now())[2], json!("2/1 of 4"));
        job["spec"]["parallelism"] = json!(1);
        assert_eq!(job_cells(&job, now())[2], json!("2/1"));
    }

    #[test]
    fn cron_job_row() {
        let cron_job = json!({
            "metadata": {"name": "backup", "creationTimestamp": "2024-12-30T12:00:00Z"},
            "spec": {
                "schedule": "*/5 * * * *", "timeZone": "Etc/UTC", "suspend": false,
                "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "backup", "image": "restic:0.17"}]}}}}
            },
            "status": {"active": [{"kind": "Job", "name": "backup-28930000"}], "lastScheduleTime": "2025-01-01T11:55:00Z"}
        });
        assert_eq!(
            cron_job_cells(&cron_job, now()),
            [
                json!("backup"),
                json!("*/5 * * * *"),
                json!("Etc/UTC"),
                json!("False"),
                json!(1),
                json!("5m"),
                json!("2d"),
                json!("backup"),
                json!("restic:0.17"),
                json!("<none>")
            ]
        );
    }

    #[test]
    fn never_scheduled_cron_job_without_time_zone() {
        let cron_job =
            json!({"metadata": {"name": "c"}, "spec": {"schedule": "@daily", "suspend": true}});
        let row = cron_job_cells(&cron_job, now());
        assert_eq!(
            row[2..6],
            [json!("<none>"), json!("True"), json!(0), json!("<none>")]
        );
    }
}
