//! End-to-end tests of `pilothouse diagram`: the built binary reads YAML
//! fixtures from files or standard input and writes each format; errors are
//! one line on standard error with a non-zero exit.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../diagram/tests/fixtures")
        .join(name)
}

fn pilothouse(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pilothouse"))
        .arg("diagram")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("PILOTHOUSE_PLANTUML_SERVER")
        .spawn()
        .expect("pilothouse runs");
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Asserts a failure reported as exactly one line that mentions `needle`.
fn one_line_error(o: &Output, needle: &str) {
    assert!(!o.status.success(), "should fail");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected, got: {err}"
    );
    assert!(err.contains(needle), "{needle:?} not in {err}");
}

#[test]
fn topology_from_a_file_as_plantuml() {
    let f = fixture("kubeadm-cluster.yaml");
    let out = stdout(&pilothouse(&["topology", "-f", f.to_str().unwrap()], None));
    assert!(out.starts_with("@startuml\n!include <C4/C4_Container>"));
    assert!(out.contains("System(master_cp_1, \"k8s master\""));
    assert!(out.contains("Rel_U(worker_worker_1, master_cp_1"));
}

#[test]
fn pod_from_stdin_as_chinese_svg() {
    let yaml = std::fs::read(fixture("myapp-pod.yaml")).unwrap();
    let out = stdout(&pilothouse(
        &["pod", "-f", "-", "--format", "svg", "--lang", "zh-CN"],
        Some(&yaml),
    ));
    assert!(out.starts_with("<svg") && out.contains("网络地址和端口") && out.contains("init-mydb"));
}

#[test]
fn png_to_a_file_and_other_formats() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("t.png");
    let f = fixture("single-node.yaml");
    let f = f.to_str().unwrap();
    stdout(&pilothouse(
        &[
            "topology",
            "-f",
            f,
            "--format",
            "png",
            "-o",
            png.to_str().unwrap(),
        ],
        None,
    ));
    assert_eq!(&std::fs::read(&png).unwrap()[..4], b"\x89PNG");
    assert!(
        stdout(&pilothouse(
            &["topology", "-f", f, "--format", "mermaid"],
            None
        ))
        .starts_with("flowchart TB")
    );
    assert!(
        stdout(&pilothouse(&["topology", "-f", f, "--format", "dot"], None)).starts_with("digraph")
    );
    let url = stdout(&pilothouse(
        &[
            "topology",
            "-f",
            f,
            "--format",
            "url",
            "--plantuml-server",
            "http://puml.local:8080/",
        ],
        None,
    ));
    assert!(url.starts_with("http://puml.local:8080/svg/"), "{url}");
}

#[test]
fn selection_by_namespace_and_name() {
    let f = fixture("kubeadm-cluster.yaml");
    let f = f.to_str().unwrap();
    let out = stdout(&pilothouse(
        &["service", "-f", f, "-n", "shop", "--name", "web"],
        None,
    ));
    assert!(out.contains("svc_shop_web") && !out.contains("svc_shop_orphan"));
    let out = stdout(&pilothouse(&["ownership", "-f", f, "--name", "web"], None));
    assert!(out.contains("replicaset_shop_web_6d4b8c9f7"));
    let out = stdout(&pilothouse(&["pod", "-f", f, "--name", "etcd-cp-1"], None));
    assert!(out.contains("Boundary(pod_kube_system_etcd_cp_1"));
}

#[test]
fn errors_are_one_clear_line() {
    let f = fixture("kubeadm-cluster.yaml");
    let f = f.to_str().unwrap();
    one_line_error(
        &pilothouse(&["landscape", "-f", f], None),
        "unknown diagram kind \"landscape\"",
    );
    one_line_error(
        &pilothouse(
            &["pod", "-f", "-"],
            Some(b"kind: Pod\nmetadata: [unclosed\n"),
        ),
        "malformed YAML in standard input",
    );
    one_line_error(
        &pilothouse(&["pod", "-f", f, "--name", "nope"], None),
        "no Pod named \"nope\"",
    );
    one_line_error(
        &pilothouse(&["topology", "-f", "/nonexistent.yaml"], None),
        "cannot read /nonexistent.yaml",
    );
    one_line_error(
        &pilothouse(&["topology", "-f", f, "--format", "url"], None),
        "--plantuml-server",
    );
    one_line_error(
        &pilothouse(&["topology", "-f", f, "--lang", "fr"], None),
        "unknown language",
    );
    one_line_error(
        &pilothouse(&["pod", "-f", f], None),
        "choose one with --name",
    );
}
