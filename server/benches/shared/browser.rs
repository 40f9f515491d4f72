//! Runs one of the browser scripts in `end2end/bench/` (Chromium driven by
//! Playwright) and reads the JSON object it prints last. The benchmarks
//! pass everything a script needs as `BENCH_*` variables.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// `node end2end/bench/{script}` with `env` added; the script's last
/// line of standard output, parsed. Its standard error goes to ours.
pub async fn run_script(script: &str, env: &[(&str, String)]) -> Result<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../end2end/bench")
        .join(script);
    let output = tokio::process::Command::new("node")
        .arg(&path)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stderr(std::process::Stdio::inherit())
        .output()
        .await
        .context("running node (is end2end/node_modules installed?)")?;
    if !output.status.success() {
        bail!("{} failed: {}", path.display(), output.status);
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let last = text
        .lines()
        .last()
        .with_context(|| format!("{script} printed nothing"))?;
    Ok(serde_json::from_str(last)?)
}
