//! The `pilothouse` binary's start-up, run as a user would run it.

use std::process::Command;

#[test]
fn an_unusable_data_directory_stops_start_up_with_one_line_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-directory");
    std::fs::write(&file, b"x").unwrap();
    let data_dir = file.join("data");
    let output = Command::new(env!("CARGO_BIN_EXE_pilothouse"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data_dir)
        .env("PILOTHOUSE_LOG", "off")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(
        lines[0].contains(&data_dir.display().to_string()),
        "{stderr}"
    );
}
