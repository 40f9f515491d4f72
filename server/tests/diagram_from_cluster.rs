//! `pilothouse diagram --kubeconfig`: the diagram read from a live cluster.
//! The cluster is the embedded simulator started as `pilothouse sim`, a
//! separate process reached over HTTP exactly like a real API server.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// A running `pilothouse sim`; killed when dropped.
struct SimProcess {
    child: Child,
}

impl SimProcess {
    fn start(kubeconfig: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pilothouse"))
            .args(["sim", "--listen", "127.0.0.1:0", "--kubeconfig-out"])
            .arg(kubeconfig)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("pilothouse sim runs");
        // The second line says where the kubeconfig went: it is ready then.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = Vec::new();
        for line in lines.by_ref().take(2) {
            seen.push(line.unwrap());
        }
        assert!(
            seen.iter().any(|l| l.starts_with("kubeconfig written to")),
            "unexpected start-up output: {seen:?}"
        );
        // Keep draining so the simulator never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

fn diagram(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pilothouse"))
        .arg("diagram")
        .args(args)
        .env_remove("PILOTHOUSE_PLANTUML_SERVER")
        .output()
        .expect("pilothouse runs")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn one_line_error(o: &Output) -> String {
    assert!(!o.status.success(), "should fail");
    let err = String::from_utf8_lossy(&o.stderr).trim_end().to_owned();
    assert_eq!(err.lines().count(), 1, "one line expected, got: {err}");
    err
}

#[test]
fn topology_of_a_live_cluster_shows_master_and_workers() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let _sim = SimProcess::start(&kubeconfig, &["--nodes", "2"]);
    let kc = kubeconfig.to_str().unwrap();

    let puml = ok(&diagram(&["topology", "--kubeconfig", kc]));
    assert!(puml.starts_with("@startuml"), "{puml}");
    assert!(puml.contains("control-plane"), "{puml}");
    assert!(
        puml.contains("worker-1") && puml.contains("worker-2"),
        "{puml}"
    );
    assert!(!puml.contains("worker-3"), "only the two workers asked for");
    // The seed's relation: each worker's kubelet reports to the master.
    assert!(puml.contains("Rel_U(worker_worker_1"), "{puml}");
    // The static pods on the control plane are drawn as its components.
    assert!(puml.contains("etcd"), "{puml}");

    let svg = ok(&diagram(&[
        "topology",
        "--kubeconfig",
        kc,
        "--context",
        "pilothouse-sim",
        "--format",
        "svg",
    ]));
    assert!(svg.starts_with("<svg") && svg.contains("worker-2"));
}

#[test]
fn single_node_cluster_is_drawn_as_one_host() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let _sim = SimProcess::start(&kubeconfig, &["--single-node"]);
    let puml = ok(&diagram(&[
        "topology",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
    ]));
    assert!(puml.contains("Boundary("), "a host boundary: {puml}");
    assert!(!puml.contains("worker-1"), "{puml}");
}

#[test]
fn cluster_errors_are_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut sim = SimProcess::start(&kubeconfig, &[]);
    let kc = kubeconfig.to_str().unwrap();

    let err = one_line_error(&diagram(&[
        "topology",
        "--kubeconfig",
        kc,
        "--context",
        "nope",
    ]));
    assert!(err.contains("nope"), "{err}");

    let err = one_line_error(&diagram(&[
        "pod",
        "--kubeconfig",
        kc,
        "--namespace",
        "kube-system",
        "--name",
        "no-such-pod",
    ]));
    assert!(err.contains("no-such-pod"), "{err}");

    // The cluster goes away: a clear error, not a hang or a panic.
    sim.stop();
    let err = one_line_error(&diagram(&["topology", "--kubeconfig", kc]));
    assert!(err.contains("cannot list"), "{err}");
}
