//! Job and CronJob controllers through kubectl, with the real scheduler
//! and kubelets running the pods: completions with parallelism,
//! backoffLimit, TTL after finished, and a CronJob on a fast clock creating
//! Jobs and trimming its history.
//!
//! Pods with `restartPolicy: Never`/`OnFailure` run 5 simulated seconds
//! and exit 0; the `sim.pilothouse.dev/exit-code` annotation makes a Job's
//! pods fail instead.

mod common;

use sim::SimConfig;

/// A Job manifest; `pod_annotations` is a flow map for the pod template.
fn job(name: &str, extra_spec: &str, pod_annotations: &str) -> String {
    format!(
        r#"
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
{extra_spec}
  template:
    metadata:
      annotations: {pod_annotations}
    spec:
      restartPolicy: Never
      containers:
      - name: pi
        image: perl:5.34
        command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(200)"]
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_with_completions_and_parallelism_completes() {
    let sim = common::start().await;
    let file = sim.write(
        "pi.yaml",
        &job("pi", "  completions: 3\n  parallelism: 2", "{}"),
    );
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    let out = sim
        .kubectl_ok(&[
            "wait",
            "--for=condition=complete",
            "job/pi",
            "--timeout=60s",
        ])
        .await;
    assert_eq!(out.trim(), "job.batch/pi condition met");
    let j = sim.kubectl_json(&["get", "job", "pi"]).await;
    assert_eq!(j["status"]["succeeded"], 3);
    assert!(j["status"]["active"].is_null(), "{j}");
    assert!(j["status"]["startTime"].is_string() && j["status"]["completionTime"].is_string());
    let types: Vec<&str> = j["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["SuccessCriteriaMet", "Complete"]);
    let uid = j["metadata"]["uid"].as_str().unwrap();
    let pods = sim
        .kubectl_json(&["get", "pods", "-l", "job-name=pi"])
        .await;
    let pods = pods["items"].as_array().unwrap();
    assert_eq!(pods.len(), 3);
    for p in pods {
        let labels = &p["metadata"]["labels"];
        assert_eq!(labels["batch.kubernetes.io/job-name"], "pi");
        assert_eq!(labels["controller-uid"], uid);
        assert_eq!(labels["batch.kubernetes.io/controller-uid"], uid);
        assert_eq!(p["status"]["phase"], "Succeeded");
    }
    let get = sim.kubectl_ok(&["get", "job", "pi"]).await;
    assert!(
        get.lines().nth(1).unwrap().contains("Complete   3/3"),
        "{get}"
    );
    let describe = sim.kubectl_ok(&["describe", "job", "pi"]).await;
    assert!(
        describe.contains("Completed") && describe.contains("Job completed"),
        "{describe}"
    );
    assert!(describe.contains("Created pod: pi-"), "{describe}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_pods_hit_the_backoff_limit() {
    let sim = common::start().await;
    let file = sim.write(
        "fail.yaml",
        &job(
            "failing",
            "  backoffLimit: 2",
            r#"{sim.pilothouse.dev/exit-code: "1"}"#,
        ),
    );
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    sim.kubectl_ok(&[
        "wait",
        "--for=condition=failed",
        "job/failing",
        "--timeout=60s",
    ])
    .await;
    let j = sim.kubectl_json(&["get", "job", "failing"]).await;
    assert_eq!(j["status"]["failed"], 3);
    let failed = j["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Failed")
        .unwrap();
    assert_eq!(failed["reason"], "BackoffLimitExceeded");
    let pods = sim
        .kubectl_json(&["get", "pods", "-l", "job-name=failing"])
        .await;
    assert_eq!(
        pods["items"].as_array().unwrap().len(),
        3,
        "no more pods after the limit"
    );
    let describe = sim.kubectl_ok(&["describe", "job", "failing"]).await;
    assert!(describe.contains("BackoffLimitExceeded"), "{describe}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_jobs_go_after_their_ttl_and_suspended_jobs_wait() {
    let sim = common::start().await;
    let file = sim.write(
        "ttl.yaml",
        &job("short", "  ttlSecondsAfterFinished: 20", "{}"),
    );
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    sim.kubectl_ok(&["wait", "--for=delete", "job/short", "--timeout=60s"])
        .await;

    let file = sim.write("held.yaml", &job("held", "  suspend: true", "{}"));
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    sim.kubectl_ok(&[
        "wait",
        "--for=condition=suspended",
        "job/held",
        "--timeout=30s",
    ])
    .await;
    let pods = sim
        .kubectl_json(&["get", "pods", "-l", "job-name=held"])
        .await;
    assert!(pods["items"].as_array().unwrap().is_empty());
    sim.kubectl_ok(&[
        "patch",
        "job",
        "held",
        "--type=merge",
        "-p",
        r#"{"spec":{"suspend":false}}"#,
    ])
    .await;
    sim.kubectl_ok(&[
        "wait",
        "--for=condition=complete",
        "job/held",
        "--timeout=60s",
    ])
    .await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cronjob_creates_jobs_on_schedule_and_trims_history() {
    // One simulated minute every 0.5 s.
    let sim = common::start_with(SimConfig {
        clock_factor: 120.0,
        ..SimConfig::default()
    })
    .await;
    let cron = r#"
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "* * * * *"
  successfulJobsHistoryLimit: 2
  jobTemplate:
    metadata:
      labels: {app: report}
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report
            image: busybox:1.36
            command: ["date"]
"#;
    let file = sim.write("cron.yaml", cron);
    sim.kubectl_ok(&["apply", "-f", &file]).await;
    let cj = common::eventually("four scheduled runs", || async {
        let cj = sim.kubectl_json(&["get", "cronjob", "report"]).await;
        let events = sim
            .kubectl_ok(&[
                "get",
                "events",
                "--field-selector=involvedObject.name=report",
            ])
            .await;
        (events.matches("Created job report-").count() >= 4
            && cj["status"]["lastSuccessfulTime"].is_string())
        .then_some(cj)
    })
    .await;
    assert!(cj["status"]["lastScheduleTime"].is_string());
    let jobs = common::eventually("history trimmed to 2 successful jobs", || async {
        let jobs = sim.kubectl_json(&["get", "jobs", "-l", "app=report"]).await;
        let items = jobs["items"].as_array().unwrap().clone();
        let done = items
            .iter()
            .filter(|j| j["status"]["succeeded"] == 1)
            .count();
        (done <= 2 && !items.is_empty()).then_some(items)
    })
    .await;
    for j in &jobs {
        let name = j["metadata"]["name"].as_str().unwrap();
        let minutes: i64 = name.strip_prefix("report-").unwrap().parse().unwrap();
        let scheduled =
            j["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
                .as_str()
                .unwrap();
        let at = chrono::DateTime::parse_from_rfc3339(scheduled).unwrap();
        assert_eq!(at.timestamp(), minutes * 60, "{name} {scheduled}");
        assert_eq!(j["metadata"]["ownerReferences"][0]["kind"], "CronJob");
    }
    let describe = sim.kubectl_ok(&["describe", "cronjob", "report"]).await;
    assert!(describe.contains("SawCompletedJob"), "{describe}");
    assert!(describe.contains("Deleted job report-"), "{describe}");

    sim.kubectl_ok(&[
        "patch",
        "cronjob",
        "report",
        "--type=merge",
        "-p",
        r#"{"spec":{"suspend":true}}"#,
    ])
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let before =
        sim.kubectl_json(&["get", "cronjob", "report"]).await["status"]["lastScheduleTime"].clone();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let after =
        sim.kubectl_json(&["get", "cronjob", "report"]).await["status"]["lastScheduleTime"].clone();
    assert_eq!(before, after, "a suspended CronJob starts nothing");
    sim.shutdown().await;
}
