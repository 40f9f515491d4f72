//! kubectl commands the simulator does not serve yet (issue 3, "later"):
//! `exec`, `port-forward`, protobuf request bodies (`kubectl create
//! deployment`) and server-side apply. Each must fail with a message that
//! says so, promptly, and change nothing — never hang.

mod common;

use std::process::Output;

/// Runs kubectl, failing the test if it has not finished within the
/// generous [`common::KUBECTL_TIMEOUT`] (a hang, not a slow run), as
/// every kubectl command of the tests does.
async fn run(sim: &common::TestSim, args: &[&str]) -> Output {
    sim.kubectl(args).await
}

/// Asserts a non-zero exit and returns stderr.
fn failed(args: &[&str], out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "kubectl {args:?} succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_and_port_forward_fail_with_a_clear_error() {
    let sim = common::start().await;
    let args = [
        "exec",
        "-n",
        "kube-system",
        "etcd-control-plane",
        "--",
        "ls",
        "/",
    ];
    let err = failed(&args, &run(&sim, &args).await);
    assert!(
        err.contains("exec is not supported by the Pilothouse simulator"),
        "{err}"
    );

    let args = [
        "port-forward",
        "-n",
        "kube-system",
        "pod/etcd-control-plane",
        "0:2379",
    ];
    let err = failed(&args, &run(&sim, &args).await);
    assert!(
        err.contains("portforward is not supported by the Pilothouse simulator"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protobuf_creates_and_server_side_apply_are_refused() {
    let sim = common::start().await;
    let args = ["create", "deployment", "proto", "--image=nginx:1.27"];
    let err = failed(&args, &run(&sim, &args).await);
    assert!(
        err.contains("failed to create deployment")
            && err
                .contains("protobuf request bodies are not supported by the Pilothouse simulator"),
        "{err}"
    );
    let args = ["create", "configmap", "proto", "--from-literal=a=b"];
    let err = failed(&args, &run(&sim, &args).await);
    assert!(
        err.contains("protobuf request bodies are not supported"),
        "{err}"
    );

    let cm = sim.write(
        "ssa.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: default\ndata:\n  a: b\n",
    );
    let args = ["apply", "--server-side", "-f", cm.as_str()];
    let err = failed(&args, &run(&sim, &args).await);
    assert!(err.contains("server-side apply"), "{err}");

    let left = sim.kubectl_names(&["deploy,cm", "-n", "default"]).await;
    assert!(
        !left
            .iter()
            .any(|n| n.ends_with("/proto") || n.ends_with("/ssa")),
        "nothing was created: {left:?}"
    );
}
