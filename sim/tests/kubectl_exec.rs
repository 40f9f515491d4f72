//! `kubectl exec`, `cp` and `attach` (and kube-rs's exec) against the
//! simulated containers' shell over the WebSocket channel protocol:
//! output, exit codes and upstream's messages, stdin, a volume shared by
//! two containers, files copied both ways, RBAC, and the refusals before
//! a stream opens. Port-forward: `kubectl_port_forward.rs`.

mod common;

use std::process::Stdio;

use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use serde_json::json;
use sim::SimConfig;
use sim::auth::{TokenUser, UserInfo};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const POD: [&str; 4] = ["myapp-pod", "-n", "demo", "-c"];

/// Waits until every container of `name` in `demo` runs (the pod is Ready).
async fn ready(sim: &common::TestSim, name: &str) {
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "demo");
    common::wait_pod(&pods, name, &format!("{name} to be Ready"), |p| {
        common::condition(p, "Ready").as_deref() == Some("True")
    })
    .await;
}

/// `kubectl exec myapp-pod -n demo -c myapp-container [FLAGS] -- COMMAND`.
fn exec_args<'a>(flags: &[&'a str], command: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["exec"];
    args.extend(POD);
    args.push("myapp-container");
    args.extend(flags);
    args.push("--");
    args.extend(command);
    args
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `kubectl ARGS` with `input` as its whole stdin (then closed), as a
/// script piped into `kubectl exec -i` or `attach -i` would be.
async fn with_stdin(sim: &common::TestSim, args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = sim
        .kubectl_cmd(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl starts");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).await.expect("stdin written");
    drop(stdin);
    let what = format!("`{}` to exit", common::command_line(args));
    common::within(&what, common::KUBECTL_TIMEOUT, child.wait_with_output())
        .await
        .expect("kubectl runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_prints_output_and_exits_with_the_commands_code() {
    let sim = common::start().await;
    ready(&sim, "myapp-pod").await;
    let out = sim.kubectl(&exec_args(&[], &["echo", "hi"])).await;
    assert_eq!(
        (text(&out.stdout).as_str(), out.status.code()),
        ("hi\n", Some(0)),
        "{}",
        text(&out.stderr)
    );

    let out = sim.kubectl(&exec_args(&[], &["sh", "-c", "exit 3"])).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("command terminated with exit code 3"),
        "{}",
        text(&out.stderr)
    );

    let out = sim.kubectl(&exec_args(&[], &["nosuchtool", "x"])).await;
    assert_eq!(out.status.code(), Some(127));
    assert!(
        text(&out.stderr).contains("sh: nosuchtool: not found"),
        "{}",
        text(&out.stderr)
    );

    let out = sim
        .kubectl_ok(&exec_args(
            &[],
            &[
                "sh",
                "-c",
                "hostname; echo $KUBERNETES_SERVICE_PORT; nslookup myservice",
            ],
        ))
        .await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[..2], ["myapp-pod", "443"], "{out}");
    assert!(out.contains("myservice.demo.svc.cluster.local"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_with_stdin_runs_a_script_line_by_line() {
    let sim = common::start().await;
    ready(&sim, "myapp-pod").await;
    let args = exec_args(&["-i"], &["sh"]);
    let out = with_stdin(&sim, &args, b"echo one\nexit 4\n").await;
    assert_eq!(text(&out.stdout), "one\n", "{}", text(&out.stderr));
    assert_eq!(out.status.code(), Some(4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn containers_of_a_pod_share_an_empty_dir() {
    let sim = common::start().await;
    sim.kubectl_ok(&[
        "create",
        "configmap",
        "pair-conf",
        "-n",
        "demo",
        "--from-literal=greeting=hello",
    ])
    .await;
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "demo");
    let manifest = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "pair", "namespace": "demo"},
        "spec": {
            "volumes": [{"name": "cache", "emptyDir": {}},
                        {"name": "conf", "configMap": {"name": "pair-conf"}}],
            "containers": [
                {"name": "writer", "image": "busybox:1.36", "command": ["sleep", "3600"],
                 "volumeMounts": [{"name": "cache", "mountPath": "/cache"}]},
                {"name": "reader", "image": "busybox:1.36", "command": ["sleep", "3600"],
                 "volumeMounts": [{"name": "cache", "mountPath": "/srv/shared"},
                                  {"name": "conf", "mountPath": "/etc/conf"}]}
            ]
        }
    });
    common::create_pod(&pods, manifest.clone()).await;
    ready(&sim, "pair").await;
    let in_pair = |container: &'static str, command: &[&'static str]| {
        let mut args = vec!["exec", "pair", "-n", "demo", "-c", container, "--"];
        args.extend(command);
        args
    };
    sim.kubectl_ok(&in_pair(
        "writer",
        &[
            "sh",
            "-c",
            "echo written by writer > /cache/note && echo private > /tmp/own",
        ],
    ))
    .await;
    let read = sim
        .kubectl_ok(&in_pair("reader", &["cat", "/srv/shared/note"]))
        .await;
    assert_eq!(read, "written by writer\n");
    let out = sim.kubectl(&in_pair("reader", &["cat", "/tmp/own"])).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cat: /tmp/own: No such file or directory"),
        "{}",
        text(&out.stderr)
    );
    // ConfigMap volumes hold the ConfigMap's keys.
    let greeting = sim
        .kubectl_ok(&in_pair("reader", &["cat", "/etc/conf/greeting"]))
        .await;
    assert_eq!(greeting, "hello");

    // A new pod of the same name starts with empty volumes.
    sim.kubectl_ok(&[
        "delete",
        "pod",
        "pair",
        "-n",
        "demo",
        "--grace-period=0",
        "--force",
    ])
    .await;
    common::eventually("pair to be gone", || async {
        pods.get_opt("pair").await.ok()?.is_none().then_some(())
    })
    .await;
    common::create_pod(&pods, manifest).await;
    ready(&sim, "pair").await;
    let out = sim
        .kubectl(&in_pair("reader", &["cat", "/srv/shared/note"]))
        .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cp_copies_a_file_into_a_pod_and_back() {
    let sim = common::start().await;
    ready(&sim, "myapp-pod").await;
    let content = "line one\nline two: ünïcode\n";
    let local = sim.write("upload.txt", content);
    sim.kubectl_ok(&[
        "cp",
        &local,
        "demo/myapp-pod:/tmp/x",
        "-c",
        "myapp-container",
    ])
    .await;
    let inside = sim.kubectl_ok(&exec_args(&[], &["cat", "/tmp/x"])).await;
    assert_eq!(inside, content);
    let back = sim.dir.path().join("back.txt");
    let back_arg = back.to_string_lossy().into_owned();
    sim.kubectl_ok(&[
        "cp",
        "demo/myapp-pod:/tmp/x",
        &back_arg,
        "-c",
        "myapp-container",
    ])
    .await;
    assert_eq!(
        std::fs::read_to_string(&back).expect("copied back"),
        content
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_needs_create_on_pods_exec() {
    let sim = common::start_with(SimConfig {
        clock_factor: 20.0,
        tokens: vec![TokenUser {
            token: "viewer-token".into(),
            user: UserInfo::authenticated("viewer", "", &[]),
        }],
        ..Default::default()
    })
    .await;
    sim.kubectl_ok(&[
        "create",
        "rolebinding",
        "viewer-views",
        "-n",
        "demo",
        "--clusterrole=view",
        "--user=viewer",
    ])
    .await;
    ready(&sim, "myapp-pod").await;
    let viewer = sim.write(
        "viewer.yaml",
        &sim.handle.kubeconfig_yaml_with_token("viewer-token"),
    );
    let mut args = vec!["--kubeconfig", viewer.as_str()];
    args.extend(exec_args(&[], &["echo", "hi"]));
    let err = sim.kubectl_err(&args).await;
    assert!(
        err.contains(r#"pods "myapp-pod" is forbidden: User "viewer" cannot create resource "pods/exec" in API group "" in the namespace "demo""#),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_into_a_missing_container_or_a_pending_pod_is_refused() {
    let sim = common::start().await;
    ready(&sim, "myapp-pod").await;
    let mut args = vec!["exec"];
    args.extend(POD);
    args.extend(["nope", "--", "ls"]);
    let err = sim.kubectl_err(&args).await;
    assert!(
        err.contains("container nope is not valid for pod myapp-pod"),
        "{err}"
    );

    let pods: Api<Pod> = Api::namespaced(sim.client().await, "demo");
    common::create_pod(
        &pods,
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "nowhere", "namespace": "demo"},
            "spec": {"nodeSelector": {"no-such-label": "x"},
                     "containers": [{"name": "app", "image": "busybox:1.36"}]}
        }),
    )
    .await;
    let err = sim
        .kubectl_err(&["exec", "nowhere", "-n", "demo", "--", "ls"])
        .await;
    assert!(
        err.contains("pod nowhere does not have a host assigned"),
        "{err}"
    );

    // Bound to a node, but its container never started: the kubelet's
    // answer, which kubectl prints after its own words.
    common::create_pod(
        &pods,
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "unpulled", "namespace": "demo",
                         "annotations": {"sim.pilothouse.dev/image-pull": "fail"}},
            // `Always`: a node that already has the image pulls anyway.
            "spec": {"containers": [{"name": "app", "image": "busybox:1.36", "imagePullPolicy": "Always"}]}
        }),
    )
    .await;
    // Until the scheduler binds it, the apiserver refuses (no host); from
    // then on the kubelet does, as the container never starts.
    let err = common::eventually("the kubelet to refuse exec into unpulled", || async {
        let out = sim
            .kubectl(&["exec", "unpulled", "-n", "demo", "--", "ls"])
            .await;
        let err = text(&out.stderr);
        (!err.contains("does not have a host assigned")).then_some(err)
    })
    .await;
    assert!(
        err.contains(r#"unable to upgrade connection: container not found ("app")"#),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_rs_exec_reads_stdout() {
    let sim = common::start().await;
    ready(&sim, "myapp-pod").await;
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "demo");
    let params = kube::api::AttachParams::default()
        .container("myapp-container")
        .stderr(false);
    let mut process = common::within(
        "kube-rs exec to start",
        common::TIMEOUT,
        pods.exec("myapp-pod", ["sh", "-c", "echo $HOSTNAME; exit 5"], &params),
    )
    .await
    .expect("exec starts");
    let mut stdout = String::new();
    let mut reader = process.stdout().expect("stdout");
    common::within(
        "kube-rs exec output",
        common::TIMEOUT,
        reader.read_to_string(&mut stdout),
    )
    .await
    .expect("stdout read");
    assert_eq!(stdout, "myapp-pod\n");
    let status = common::within(
        "kube-rs exec status",
        common::TIMEOUT,
        process.take_status().expect("status"),
    )
    .await
    .expect("a status");
    assert_eq!(status.reason.as_deref(), Some("NonZeroExitCode"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_echoes_prompts_and_ends_on_ctrl_d() {
    let sim = common::start().await;
    ready(&sim, "myapp-pod").await;
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "demo");
    let params = kube::api::AttachParams::interactive_tty().container("myapp-container");
    let mut process = common::within(
        "kube-rs exec -it to start",
        common::TIMEOUT,
        pods.exec("myapp-pod", ["sh"], &params),
    )
    .await
    .expect("exec starts");
    let mut stdin = process.stdin().expect("stdin");
    let mut stdout = process.stdout().expect("stdout");
    stdin.write_all(b"echo hx\x7fi\r").await.expect("typed");
    let mut seen = Vec::new();
    let expected = b"/ # echo hx\x08 \x08i\r\nhi\r\n/ # ";
    common::within(
        "the echoed command, its output and the next prompt",
        common::TIMEOUT,
        async {
            let mut buf = [0u8; 256];
            while !seen.ends_with(expected) {
                let n = stdout.read(&mut buf).await.expect("stdout read");
                assert!(n > 0, "stdout ended: {:?}", text(&seen));
                seen.extend_from_slice(&buf[..n]);
            }
        },
    )
    .await;
    stdin.write_all(b"\x04").await.expect("Ctrl-D typed");
    let status = common::within(
        "the shell to end",
        common::TIMEOUT,
        process.take_status().expect("status"),
    )
    .await
    .expect("a status");
    assert_eq!(status.status.as_deref(), Some("Success"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attach_with_stdin_talks_to_a_shell_container() {
    let sim = common::start().await;
    let pods: Api<Pod> = Api::namespaced(sim.client().await, "demo");
    common::create_pod(
        &pods,
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "console", "namespace": "demo"},
            "spec": {"containers": [{"name": "shell", "image": "busybox:1.36",
                                     "command": ["sh"], "stdin": true}]}
        }),
    )
    .await;
    ready(&sim, "console").await;
    let out = with_stdin(
        &sim,
        &["attach", "-i", "console", "-n", "demo", "-c", "shell"],
        b"echo attached to $HOSTNAME\nexit 2\n",
    )
    .await;
    assert_eq!(
        text(&out.stdout),
        "attached to console\n",
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attach_streams_the_containers_output() {
    let sim = common::start().await;
    ready(&sim, "myapp-pod").await;
    let mut args = vec!["attach"];
    args.extend(POD);
    args.push("myapp-container");
    let mut child = sim
        .kubectl_cmd(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let line = common::within(
        "a line from `kubectl attach`",
        common::TIMEOUT,
        lines.next_line(),
    )
    .await
    .expect("stdout read")
    .expect("a line");
    assert!(
        line.starts_with("myapp-container: handled request "),
        "{line}"
    );
    common::within("kubectl attach to be killed", common::TIMEOUT, child.kill())
        .await
        .expect("killed");
}
