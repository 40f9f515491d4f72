//! The tests' own time limits (issue 9, item 9): a wait that never ends
//! fails with a message naming what it waited for, and kubectl commands
//! are named as a shell would take them.

mod common;

use std::time::Duration;

use common::within;

#[tokio::test]
#[should_panic(expected = "timed out after 50ms waiting for something that never happens")]
async fn a_wait_that_never_ends_fails_naming_what_it_waited_for() {
    let _limit = common::TestLimit::arm(common::TEST_LIMIT);
    within(
        "something that never happens",
        Duration::from_millis(50),
        std::future::pending::<()>(),
    )
    .await;
}

#[tokio::test]
async fn a_wait_that_ends_in_time_returns_its_value() {
    let _limit = common::TestLimit::arm(common::TEST_LIMIT);
    assert_eq!(
        within("a ready value", common::TIMEOUT, async { 7 }).await,
        7
    );
}

#[test]
fn kubectl_commands_are_named_as_a_shell_would_take_them() {
    assert_eq!(
        common::command_line(&["get", "pods", "-n", "demo"]),
        "kubectl get pods -n demo"
    );
    assert_eq!(
        common::command_line(&["patch", "-p", r#"{"data":{"w":"two"}}"#]),
        r#"kubectl patch -p '{"data":{"w":"two"}}'"#
    );
    assert_eq!(
        common::command_line(&["label", "it's", ""]),
        r"kubectl label 'it'\''s' ''"
    );
}

/// The names of the `#[tokio::test]`s in `source` whose body neither
/// starts a simulator (which arms the limit) nor arms a [`common::TestLimit`].
fn unlimited_tests(source: &str) -> Vec<String> {
    source
        .split("#[tokio::test")
        .skip(1)
        .filter_map(|test| {
            let body = test.split("\n}\n").next().unwrap_or(test);
            let limited = ["common::start(", "common::start_with(", "TestLimit::arm("]
                .iter()
                .any(|armed| body.contains(armed));
            let name = body.split("async fn ").nth(1)?.split('(').next()?;
            (!limited).then(|| name.to_string())
        })
        .collect()
}

#[test]
fn every_async_test_runs_under_the_whole_test_limit() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut unlimited = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            for name in unlimited_tests(&source) {
                unlimited.push(format!("{}: {name}", path.display()));
            }
        }
    }
    assert!(
        unlimited.is_empty(),
        "tests without a limit: {unlimited:#?}"
    );
}
