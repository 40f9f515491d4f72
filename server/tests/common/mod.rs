//! Helpers shared by the binary's integration tests.

#![allow(dead_code)]

pub mod cluster;
pub mod http;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// A running `pilothouse sim`; killed when dropped.
pub struct SimProcess {
    child: Child,
}

impl SimProcess {
    pub fn start(kubeconfig: &Path, extra: &[&str]) -> Self {
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

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs `pilothouse ARGS…` to the end.
pub fn pilothouse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pilothouse"))
        .args(args)
        .env_remove("PILOTHOUSE_PLANTUML_SERVER")
        .env_remove("KUBECONFIG")
        .output()
        .expect("pilothouse runs")
}

/// Standard output of a command that must have succeeded.
pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Standard error of a command that must have failed with one line.
pub fn one_line_error(o: &Output) -> String {
    assert!(!o.status.success(), "should fail");
    let err = String::from_utf8_lossy(&o.stderr).trim_end().to_owned();
    assert_eq!(err.lines().count(), 1, "one line expected, got: {err}");
    err
}
