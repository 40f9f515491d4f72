//! `pilothouse diagram --kubeconfig`: the diagram read from a live cluster.
//! The cluster is the embedded simulator started as `pilothouse sim`, a
//! separate process reached over HTTP exactly like a real API server.

mod common;

use std::process::Output;

use common::{SimProcess, ok, one_line_error, pilothouse};

fn diagram(args: &[&str]) -> Output {
    let mut all = vec!["diagram"];
    all.extend_from_slice(args);
    pilothouse(&all)
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

/// More nodes than are drawn one by one: the workers are grouped by the
/// zones the embedded cluster's nodes carry, as a cloud cluster's would be.
#[test]
fn a_larger_cluster_is_grouped_by_zone() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let _sim = SimProcess::start(&kubeconfig, &["--nodes", "6"]);
    let kc = kubeconfig.to_str().unwrap();
    let puml = ok(&diagram(&[
        "topology",
        "--kubeconfig",
        kc,
        "--max-detailed-nodes",
        "3",
    ]));
    for zone in ["zone sim-1a", "zone sim-1b", "zone sim-1c"] {
        assert!(puml.contains(zone), "{zone} missing:\n{puml}");
    }
    assert!(
        !puml.contains("worker-4"),
        "workers are grouped, not drawn one by one"
    );
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

    // The cluster goes away: a clear error, not a hang or a panic. The
    // kubeconfig then points at port 1, where nothing listens (a freed
    // ephemeral port could be taken by another test's cluster at once).
    sim.stop();
    let text = std::fs::read_to_string(&kubeconfig).unwrap();
    let server = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("server: "))
        .unwrap()
        .to_owned();
    std::fs::write(&kubeconfig, text.replace(&server, "http://127.0.0.1:1")).unwrap();
    let err = one_line_error(&diagram(&["topology", "--kubeconfig", kc]));
    assert!(err.contains("cannot list"), "{err}");
}
