//! The simulator's layering, as `sim/DESIGN.md` ("Layers") draws it: a
//! module uses only modules of lower layers. Read from the source, so a new
//! upward import, or a new module missing from the table, fails here
//! rather than in a reviewer's head.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Top-level modules of `sim/src` by layer, bottom up. Keep in step with
/// DESIGN.md.
const LAYERS: &[&[&str]] = &[
    &["clock", "registry", "patch", "selector", "shell", "table"],
    &["admission", "fieldmanager"],
    &["store"],
    &["auth", "faults", "gc"],
    &["kubeconfig", "listener", "persist"],
    &["api", "cluster"],
    &["server"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// Every `.rs` file of a top-level module (its file or its directory).
fn files_of(src: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut modules: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).expect("sim/src is readable") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 file names")
            .to_string();
        if name == "lib" {
            continue;
        }
        let files = modules.entry(name).or_default();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    modules
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source file names as `crate::<module>`, outside
/// comments, including `use crate::{a, b}` groups.
fn uses(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or_default();
                for part in inner.split(',') {
                    found.push(head(part.trim()));
                }
            } else {
                found.push(head(rest));
            }
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

fn head(path: &str) -> String {
    path.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn no_module_uses_one_the_design_puts_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for (module, files) in files_of(&src) {
        let Some(own) = layer_of(&module) else {
            problems.push(format!(
                "`{module}` is in no layer: add it to LAYERS and DESIGN.md"
            ));
            continue;
        };
        for file in files {
            let source = std::fs::read_to_string(&file).expect("readable source");
            for used in uses(&source) {
                if used == module {
                    continue;
                }
                match layer_of(&used) {
                    Some(layer) if layer < own => {}
                    _ => problems.push(format!(
                        "{} uses `crate::{used}`, which is not below `{module}`",
                        file.strip_prefix(&src).unwrap_or(&file).display()
                    )),
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn imports_are_read_from_paths_and_groups_but_not_comments() {
    let source = "use crate::store::Store;\nuse crate::{api, clock::Clock};\n// crate::server\n/// [`x`](crate::gc)\nlet x = crate::table::rows(); // crate::cluster\n";
    assert_eq!(uses(source), ["store", "api", "clock", "table"]);
}
