//! `pilothouse sim-fault`: breaking a running `pilothouse sim` from the
//! command line, observed with the real kubectl.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{SimProcess, ok, one_line_error, pilothouse};

/// The Ready condition of a node, as `kubectl get` reads it.
fn node_ready(kubeconfig: &Path, cache: &Path, node: &str) -> String {
    let kubectl = std::env::var_os("KUBECTL").unwrap_or_else(|| "kubectl".into());
    let out = Command::new(kubectl)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--cache-dir")
        .arg(cache)
        .args([
            "get",
            "node",
            node,
            "-o",
            "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}",
        ])
        .output()
        .expect("kubectl runs");
    ok(&out)
}

fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn stopping_and_starting_a_node_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let cache = dir.path().join("kube-cache");
    // 20× time: the 40 s lease timeout passes in about two real seconds.
    let _sim = SimProcess::start(&kubeconfig, &["--clock-factor", "20"]);
    let kc = kubeconfig.to_str().unwrap();
    assert_eq!(node_ready(&kubeconfig, &cache, "worker-1"), "True");

    ok(&pilothouse(&[
        "sim-fault",
        "--kubeconfig",
        kc,
        "stop-node",
        "worker-1",
    ]));
    let listed = ok(&pilothouse(&["sim-fault", "--kubeconfig", kc, "list"]));
    assert!(listed.contains("worker-1"), "{listed}");
    wait_for("worker-1 to go NotReady", || {
        node_ready(&kubeconfig, &cache, "worker-1") == "Unknown"
    });
    assert_eq!(node_ready(&kubeconfig, &cache, "worker-2"), "True");

    ok(&pilothouse(&[
        "sim-fault",
        "--kubeconfig",
        kc,
        "start-node",
        "worker-1",
    ]));
    wait_for("worker-1 to be Ready again", || {
        node_ready(&kubeconfig, &cache, "worker-1") == "True"
    });
}

#[test]
fn bad_targets_are_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let _sim = SimProcess::start(&kubeconfig, &[]);
    let kc = kubeconfig.to_str().unwrap();
    let err = one_line_error(&pilothouse(&[
        "sim-fault",
        "--kubeconfig",
        kc,
        "stop-node",
        "no-such-node",
    ]));
    assert!(err.contains("no-such-node"), "{err}");
    let err = one_line_error(&pilothouse(&[
        "sim-fault",
        "--kubeconfig",
        kc,
        "crash-container",
        "-n",
        "kube-system",
        "missing-pod",
    ]));
    assert!(err.contains("missing-pod"), "{err}");
}

#[test]
fn listening_beyond_loopback_needs_the_unsafe_flag() {
    let out = pilothouse(&["sim", "--listen", "0.0.0.0:0"]);
    let err = one_line_error(&out);
    assert!(
        err.contains("refusing to listen on 0.0.0.0:0") && err.contains("--unsafe-listen-any"),
        "{err}"
    );
}
