//! Helpers shared by the diagram tests: fixtures, the real PlantUML jar,
//! a reader for C4 PlantUML structure, and geometric checks of layouts and SVG.
#![allow(dead_code)]

pub mod geometry;
pub mod hostile;
pub mod puml;
pub mod synthetic;

use std::path::{Path, PathBuf};
use std::process::Command;

use diagram::ClusterObjects;

/// Loads a multi-document YAML fixture from `tests/fixtures/`.
pub fn fixture(name: &str) -> ClusterObjects {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let docs: Vec<serde_json::Value> =
        serde_saphyr::from_multiple(&text).expect("fixture is valid YAML");
    ClusterObjects::from_values(docs).expect("fixture holds valid objects")
}

/// Reads a file of `tests/fixtures/`.
pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// The PlantUML jar: `$PLANTUML_JAR`, else `<repo>/.tools/plantuml/plantuml.jar`.
/// Panics (the test fails) when it is missing: these tests must not be skipped.
pub fn plantuml_jar() -> PathBuf {
    let jar = std::env::var_os("PLANTUML_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/plantuml/plantuml.jar")
        });
    assert!(
        jar.is_file(),
        "PlantUML jar not found at {}: run scripts/install-plantuml.sh or set PLANTUML_JAR",
        jar.display()
    );
    jar
}

/// Renders every source with the real PlantUML jar (one JVM for all) and
/// returns each SVG; fails on a non-zero exit or any error image.
pub fn render_with_plantuml(sources: &[(String, String)]) -> Vec<(String, String)> {
    let jar = plantuml_jar();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, source) in sources {
        let file = dir.path().join(format!("{name}.puml"));
        std::fs::write(&file, source).unwrap();
        files.push(file);
    }
    let output = Command::new("java")
        .arg("-Djava.awt.headless=true")
        .arg("-jar")
        .arg(&jar)
        .args(["-tsvg", "-charset", "UTF-8", "-nometadata"])
        .args(&files)
        .output()
        .expect("java runs");
    let mut out = Vec::new();
    let mut failures = Vec::new();
    for (name, _) in sources {
        let svg =
            std::fs::read_to_string(dir.path().join(format!("{name}.svg"))).unwrap_or_default();
        let broken = [
            "Syntax Error",
            "Some diagram description contains errors",
            "Error line",
            "Cannot find",
            "Dot executable",
        ]
        .iter()
        .find(|m| svg.contains(*m));
        if svg.is_empty() || broken.is_some() {
            failures.push(format!("{name}: {}", broken.unwrap_or(&"no SVG written")));
        }
        out.push((name.clone(), svg));
    }
    assert!(
        failures.is_empty() && output.status.success(),
        "PlantUML reported errors (exit {:?}): {failures:?}\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    out
}
