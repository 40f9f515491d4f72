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

/// Runs `pilothouse serve` with `args` until it exits (it should fail).
fn serve_failing(args: &[&str], data_dir: &std::path::Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_pilothouse"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(args)
        .env("PILOTHOUSE_LOG", "off")
        .env("PILOTHOUSE_ADMIN_PASSWORD", "a test password")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[tokio::test]
async fn the_data_directory_and_database_are_private_after_a_first_start() {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = server::config::ServeConfig::for_data_dir(tmp.path().join("data"));
    config.site_root = tmp.path().join("site");
    let prepared = server::startup::prepare(config, Some("a test password".into()))
        .await
        .unwrap();
    drop(prepared);
    assert_eq!(mode(&tmp.path().join("data")), 0o700);
    for file in ["pilothouse.db", "pilothouse.db-wal", "pilothouse.db-shm"] {
        let path = tmp.path().join("data").join(file);
        if path.exists() {
            assert_eq!(mode(&path), 0o600, "{file}");
        }
    }
    assert!(tmp.path().join("data/pilothouse.db").exists());
}

#[test]
fn a_database_others_can_read_stops_start_up_with_one_line() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    std::fs::create_dir(&data_dir).unwrap();
    let db = data_dir.join("pilothouse.db");
    std::fs::write(&db, b"").unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let line = serve_failing(&[], &data_dir);
    assert!(line.contains(&db.display().to_string()), "{line}");
    assert!(line.contains("readable by other users"), "{line}");
}

#[test]
fn nonsensical_configuration_stops_start_up_with_one_line_naming_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    for (flag, value) in [
        ("--login-attempts-per-minute", "0"),
        ("--session-idle-minutes", "0"),
        ("--session-max-hours", "-1"),
        ("--request-timeout-secs", "0"),
    ] {
        let line = serve_failing(&[&format!("{flag}={value}")], &tmp.path().join("data"));
        assert!(line.contains(flag), "{flag}: {line}");
        assert!(
            !tmp.path().join("data").exists(),
            "refused before touching anything"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_cluster_keeps_its_state_across_a_restart_of_pilothouse() {
    use server::clusters::{self, ClusterOptions, EMBEDDED_STATE_DIR, EmbeddedMode};
    use sim::registry::builtin::ids;
    let limit = std::time::Duration::from_secs(120);
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let options = ClusterOptions {
        kubeconfigs: Vec::new(),
        embedded: EmbeddedMode::On,
        nodes: 1,
        pods_per_node: 0,
        single_node: false,
        clock_factor: 20.0,
    };
    let run = async {
        let first = clusters::connect(&options, &data_dir).await.unwrap();
        let embedded = first.embedded.expect("the embedded cluster runs");
        let made = embedded
            .store()
            .create(
                &ids::configmaps(),
                "default",
                serde_json::json!({"metadata": {"name": "demo-note"}, "data": {"a": "b"}}),
                Default::default(),
            )
            .unwrap();
        embedded.shutdown().await;
        assert!(
            data_dir
                .join(EMBEDDED_STATE_DIR)
                .join(sim::persist::STATE_FILE)
                .exists()
        );

        let second = clusters::connect(&options, &data_dir).await.unwrap();
        let embedded = second.embedded.expect("the embedded cluster runs");
        let kept = embedded
            .store()
            .get(&ids::configmaps(), "default", "demo-note")
            .expect("the ConfigMap made before the restart");
        assert_eq!(kept.uid(), made.uid());
        embedded.shutdown().await;
    };
    tokio::time::timeout(limit, run)
        .await
        .expect("two starts of the embedded cluster within 120 s");
}
