//! The DOT output is accepted by Graphviz's `dot` (installed with PlantUML by
//! scripts/install-plantuml.sh), hostile names included.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{fixture, hostile};
use diagram::{DiagramKind, Lang, Options, render};

fn dot_accepts(source: &str) -> Result<String, String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Graphviz `dot` is installed (scripts/install-plantuml.sh)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(source.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn dot_output_renders_with_graphviz() {
    let evil = hostile::cluster();
    let mut cases = vec![
        diagram::topology(&fixture("kubeadm-cluster.yaml"), &Options::new(Lang::ZhCn)).unwrap(),
        diagram::pod(&fixture("myapp-pod.yaml"), &Options::default()).unwrap(),
        diagram::service_map(&fixture("kubeadm-cluster.yaml"), &Options::default()).unwrap(),
    ];
    for kind in [
        DiagramKind::Topology,
        DiagramKind::Service,
        DiagramKind::Ownership,
    ] {
        cases.push(diagram::build(kind, &evil, &Options::default()).unwrap());
    }
    for d in &cases {
        let svg = dot_accepts(&render::dot(d))
            .unwrap_or_else(|e| panic!("dot rejected {:?}: {e}", d.kind));
        assert!(!svg.contains("<script"), "no live script element");
    }
    assert!(
        dot_accepts("digraph { a -> }").is_err(),
        "the check can fail"
    );
}
