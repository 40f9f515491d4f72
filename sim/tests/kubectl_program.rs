//! Issue 7 point 9: the tests run the kubectl a machine has — `$KUBECTL`,
//! else `kubectl` from `PATH` — never a fixed path, so they work where
//! kubectl was installed elsewhere (a virtual environment, `~/.local`).

mod common;

use std::path::Path;

#[test]
fn kubectl_comes_from_the_variable_or_the_path() {
    assert_eq!(common::kubectl_program_from(None), "kubectl");
    assert_eq!(common::kubectl_program_from(Some("".into())), "kubectl");
    assert_eq!(
        common::kubectl_program_from(Some("/opt/k8s/kubectl-1.32".into())),
        "/opt/k8s/kubectl-1.32"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_test_or_bench_names_a_fixed_kubectl_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests", "benches"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.push(root.join("../server/tests/sim_fault_cli.rs"));
    let fixed = ["/usr/", "bin/kubectl"].concat();
    let offenders: Vec<_> = files
        .iter()
        .filter(|f| std::fs::read_to_string(f).unwrap().contains(&fixed))
        .collect();
    assert!(offenders.is_empty(), "{offenders:?}");
}
