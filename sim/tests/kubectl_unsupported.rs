//! kubectl commands the simulator does not serve yet (issue 3, "later"):
//! server-side apply (`exec` and `port-forward`, refused here before, are
//! served now: `kubectl_exec.rs`). Each must fail with a
//! message that says so, promptly, and change nothing — never hang.
//! (Protobuf request bodies, refused here before, are served now:
//! `kubectl_protobuf.rs`.)

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
async fn server_side_apply_is_refused() {
    let sim = common::start().await;
    let cm = sim.write(
        "ssa.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: default\ndata:\n  a: b\n",
    );
    let args = ["apply", "--server-side", "-f", cm.as_str()];
    let err = failed(&args, &run(&sim, &args).await);
    assert!(err.contains("server-side apply"), "{err}");

    let left = sim.kubectl_names(&["cm", "-n", "default"]).await;
    assert!(
        !left.iter().any(|n| n.ends_with("/ssa")),
        "nothing was created: {left:?}"
    );
}
