//! kubectl streams and error paths: `get -w` seeing another client's
//! changes, `logs` with its flags, and bad input answered with the Status
//! errors a real API server returns, leaving stored state unchanged.

mod common;

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_watch_sees_creates_updates_and_deletes_by_another_client() {
    let sim = common::start().await;
    let mut child = sim
        .kubectl_cmd(&[
            "get",
            "configmaps",
            "-n",
            "demo",
            "-w",
            "--output-watch-events",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // kubectl lists, then watches: changes made once the watch is open
    // are all seen.
    common::wait_for_watches(&sim.client().await, "configmaps", 1).await;
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: live\n  namespace: demo\ndata:\n  v: one\n";
    sim.kubectl_ok(&["create", "-f", &sim.write("live.yaml", cm)])
        .await;
    sim.kubectl_ok(&[
        "patch",
        "cm",
        "live",
        "-n",
        "demo",
        "--type=merge",
        "-p",
        r#"{"data":{"w":"two"}}"#,
    ])
    .await;
    sim.kubectl_ok(&["delete", "cm", "live", "-n", "demo"])
        .await;
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let line = common::within(
            "a line from `kubectl get configmaps -n demo -w`",
            Duration::from_secs(10),
            lines.next_line(),
        )
        .await
        .unwrap()
        .expect("line");
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if words.first().map(String::as_str) != Some("EVENT") {
            seen.push(words[..3].join(" "));
        }
    }
    assert_eq!(seen, ["ADDED live 1", "MODIFIED live 2", "DELETED live 2"]);
    common::within("kubectl get -w to be killed", common::TIMEOUT, child.kill())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_support_container_tail_follow_and_previous() {
    let sim = common::start_with(sim::SimConfig {
        clock_factor: 50.0,
        ..Default::default()
    })
    .await;
    // A line every 5 simulated seconds: wait for three.
    let all = common::eventually("three log lines", || async {
        let all = sim
            .kubectl_ok(&["logs", "-n", "kube-system", "etcd-control-plane"])
            .await;
        (all.lines().count() >= 3).then_some(all)
    })
    .await;
    assert_eq!(all.lines().next().unwrap(), "etcd: starting (pid 1)");
    let tail = sim
        .kubectl_ok(&[
            "logs",
            "-n",
            "kube-system",
            "etcd-control-plane",
            "-c",
            "etcd",
            "--tail=2",
            "--timestamps",
        ])
        .await;
    let tail: Vec<&str> = tail.lines().collect();
    assert_eq!(tail.len(), 2);
    assert!(
        tail.iter()
            .all(|l| l.contains("T") && l.contains("Z etcd: handled request")),
        "{tail:?}"
    );
    let prev = sim
        .kubectl_err(&["logs", "-n", "kube-system", "etcd-control-plane", "-p"])
        .await;
    assert!(
        prev.contains(
            "previous terminated container \"etcd\" in pod \"etcd-control-plane\" not found"
        ),
        "{prev}"
    );
    let bad = sim
        .kubectl_err(&[
            "logs",
            "-n",
            "kube-system",
            "etcd-control-plane",
            "-c",
            "nope",
        ])
        .await;
    assert!(
        bad.contains("container nope is not valid for pod etcd-control-plane"),
        "{bad}"
    );

    let mut follow = sim
        .kubectl_cmd(&[
            "logs",
            "-f",
            "--tail=1",
            "-n",
            "kube-system",
            "kube-scheduler-control-plane",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(follow.stdout.take().unwrap()).lines();
    let mut got = Vec::new();
    while got.len() < 3 {
        let line = common::within(
            "a line from `kubectl logs -f`",
            Duration::from_secs(5),
            lines.next_line(),
        )
        .await
        .unwrap()
        .unwrap();
        got.push(line);
    }
    let numbers: Vec<i64> = got
        .iter()
        .map(|l| l.split_whitespace().nth(3).unwrap().parse().unwrap())
        .collect();
    assert!(
        numbers.windows(2).all(|w| w[1] == w[0] + 1),
        "new lines keep coming in order: {got:?}"
    );
    common::within(
        "kubectl logs -f to be killed",
        common::TIMEOUT,
        follow.kill(),
    )
    .await
    .unwrap();
}

async fn raw_post(sim: &common::TestSim, file: String) -> String {
    sim.kubectl_err(&[
        "create",
        "--raw",
        "/api/v1/namespaces/demo/configmaps",
        "-f",
        &file,
    ])
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_api_errors_and_changes_nothing() {
    let sim = common::start().await;
    let before = sim.kubectl_names(&["cm", "-A"]).await;
    let malformed = raw_post(&sim, sim.write("bad.json", "{\"metadata\": {\"name\": ")).await;
    assert!(
        malformed.contains("Error from server (BadRequest)")
            && malformed.contains("json parse error"),
        "{malformed}"
    );
    let wrong_ns = raw_post(&sim, sim.write("ns.json", r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"default"}}"#)).await;
    assert!(
        wrong_ns.contains(
            "the namespace of the provided object does not match the namespace sent on the request"
        ),
        "{wrong_ns}"
    );
    let big = format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"big"}},"data":{{"x":"{}"}}}}"#,
        "a".repeat(4 * 1024 * 1024)
    );
    let oversized = raw_post(&sim, sim.write("big.json", &big)).await;
    assert!(
        oversized.contains("RequestEntityTooLarge")
            || oversized.contains("Request entity too large"),
        "{oversized}"
    );
    let bad_yaml = sim.write(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n",
    );
    let yaml_err = sim.kubectl_err(&["create", "-f", &bad_yaml]).await;
    assert!(yaml_err.contains("error"), "{yaml_err}");

    let cm = |name: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: b\n")
    };
    let invalid = sim
        .kubectl_err(&[
            "create",
            "-n",
            "demo",
            "-f",
            &sim.write("inv.yaml", &cm("Bad_Name")),
        ])
        .await;
    assert!(invalid.contains("The ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"), "{invalid}");
    let no_ns = sim
        .kubectl_err(&[
            "create",
            "-n",
            "nowhere",
            "-f",
            &sim.write("nons.yaml", &cm("fine")),
        ])
        .await;
    assert!(
        no_ns.contains("Error from server (NotFound)")
            && no_ns.contains("namespaces \"nowhere\" not found"),
        "{no_ns}"
    );
    let unknown = sim.write(
        "widget.yaml",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
    );
    let unknown_err = sim.kubectl_err(&["apply", "-f", &unknown]).await;
    assert!(
        unknown_err.contains("no matches for kind \"Widget\"")
            || unknown_err.contains("could not find the requested resource"),
        "{unknown_err}"
    );
    assert_eq!(
        sim.kubectl_names(&["cm", "-A"]).await,
        before,
        "no bad request changed stored state"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_resources_are_served_from_their_definition() {
    let sim = common::start().await;
    let crd = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
"#;
    sim.kubectl_ok(&["apply", "-f", &sim.write("crd.yaml", crd)])
        .await;
    let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: demo\nspec:\n  size: 3\n";
    let file = sim.write("w.yaml", widget);
    assert_eq!(
        sim.kubectl_ok(&["apply", "-f", &file]).await.trim(),
        "widget.example.com/w1 created"
    );
    assert_eq!(
        sim.kubectl_ok(&["apply", "-f", &file]).await.trim(),
        "widget.example.com/w1 unchanged"
    );
    assert_eq!(
        sim.kubectl_ok(&[
            "get",
            "wd",
            "-n",
            "demo",
            "-o",
            "jsonpath={.items[0].spec.size}"
        ])
        .await,
        "3"
    );
    sim.kubectl_ok(&["delete", "crd", "widgets.example.com"])
        .await;
    let gone = sim.kubectl_err(&["get", "widgets", "-n", "demo"]).await;
    assert!(gone.contains("doesn't have a resource type"), "{gone}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_previous_shows_the_last_crashed_instance() {
    let sim = common::start().await;
    // Each instance runs 12 simulated seconds: three lines, then the exit.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crasher\n  annotations:\n    sim.pilothouse.dev/crash-loop: \"true\"\n    sim.pilothouse.dev/run-seconds: \"12\"\nspec:\n  containers:\n  - name: app\n    image: busybox:1.36\n  - name: side\n    image: busybox:1.36\n";
    sim.kubectl_ok(&["create", "-f", &sim.write("crasher.yaml", pod)])
        .await;
    common::eventually("a restart", || async {
        let restarts = sim
            .kubectl_ok(&[
                "get",
                "pod",
                "crasher",
                "-o",
                "jsonpath={.status.containerStatuses[0].restartCount}",
            ])
            .await;
        (restarts.parse::<i64>().unwrap_or(0) >= 1).then_some(())
    })
    .await;
    let prev = sim
        .kubectl_ok(&["logs", "crasher", "-c", "app", "-p"])
        .await;
    let lines: Vec<&str> = prev.lines().collect();
    assert_eq!(lines.first(), Some(&"app: starting (pid 1)"), "{prev}");
    assert_eq!(lines.last(), Some(&"app: exiting with code 1"), "{prev}");
    // Lines at 0, 5 and 10 s; the exit is recorded at 12 s however late
    // the kubelet noticed it.
    assert_eq!(lines.len(), 4, "{prev}");
    let tail = sim
        .kubectl_ok(&["logs", "crasher", "-c", "side", "--previous", "--tail=1"])
        .await;
    assert_eq!(tail.trim(), "side: exiting with code 1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_for_a_pod_to_be_ready_then_deleted() {
    let sim = common::start().await;
    // Ready 60 simulated seconds after it starts; ignores SIGTERM, so a
    // deletion takes its whole 200 s grace period.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\n  annotations:\n    sim.pilothouse.dev/ready-after-seconds: \"60\"\n    sim.pilothouse.dev/ignore-sigterm: \"true\"\nspec:\n  terminationGracePeriodSeconds: 200\n  containers:\n  - name: web\n    image: nginx:1.27\n";
    sim.kubectl_ok(&["create", "-f", &sim.write("slow.yaml", pod)])
        .await;
    let out = sim
        .kubectl_ok(&["wait", "--for=condition=Ready", "pod/slow", "--timeout=90s"])
        .await;
    assert_eq!(out.trim(), "pod/slow condition met");
    let status = sim.kubectl_json(&["get", "pod", "slow"]).await["status"].clone();
    let started = status["containerStatuses"][0]["state"]["running"]["startedAt"]
        .as_str()
        .unwrap();
    let ready_at = status["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap()["lastTransitionTime"]
        .as_str()
        .unwrap();
    let secs = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap().timestamp();
    assert!(
        secs(ready_at) - secs(started) >= 60,
        "Ready at {ready_at}, started at {started}"
    );

    sim.kubectl_ok(&["delete", "pod", "slow", "--wait=false"])
        .await;
    let terminating = sim
        .kubectl_ok(&["get", "pod", "slow", "--no-headers"])
        .await;
    assert!(terminating.contains("Terminating"), "{terminating}");
    let out = sim
        .kubectl_ok(&["wait", "--for=delete", "pod/slow", "--timeout=90s"])
        .await;
    assert!(out.contains("pod/slow condition met"), "{out}");
    sim.kubectl_err(&["get", "pod", "slow"]).await;
}
