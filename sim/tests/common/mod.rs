//! Test support shared by every integration test: a simulator on an
//! ephemeral port with a kubeconfig, the real kubectl run against it with a
//! fresh cache directory, a kube-rs client, polling with a generous
//! timeout, the `/sim/v1` fault API, and (in [`pods`]) pod helpers that
//! wait on watches.
//!
//! Nothing here waits without a limit (see [`limits`]): each wait fails
//! the test with a message naming what it waited for, and a watchdog
//! armed by [`start`] ends a test that hangs anyway.
//!
//! Everything goes through the HTTP API, like a user's tools; nothing here
//! stands in for a part of the simulator.

#![allow(dead_code)]

pub mod limits;
pub mod pods;
mod requests;

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use serde_json::Value;
use sim::cluster::ClusterConfig;
use sim::{Sim, SimConfig, SimHandle};

#[allow(unused_imports)]
pub use limits::{TEST_LIMIT, TestLimit, within};
#[allow(unused_imports)]
pub use pods::*;

/// Long enough for a loaded 2-core machine; conditions normally hold in
/// well under a few seconds.
pub const TIMEOUT: Duration = Duration::from_secs(90);

/// The most one kubectl command may run: longer than the `--timeout=90s`
/// tests hand `kubectl wait` and `rollout status`, so that kubectl's own
/// timeout and message come first.
pub const KUBECTL_TIMEOUT: Duration = Duration::from_secs(120);

/// A running simulator and the files kubectl needs.
pub struct TestSim {
    pub handle: SimHandle,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
    /// The whole test's limit, disarmed when the test drops its simulator.
    _limit: TestLimit,
}

/// Starts a default three-worker simulator on 127.0.0.1:0 with a clock 20
/// times faster than real time.
pub async fn start() -> TestSim {
    start_with(SimConfig {
        clock_factor: 20.0,
        ..SimConfig::default()
    })
    .await
}

/// Starts a simulator with `config` (listen address and kubeconfig path are
/// set here), and arms the calling test's [`TestLimit`].
pub async fn start_with(mut config: SimConfig) -> TestSim {
    let limit = TestLimit::arm(TEST_LIMIT);
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = dir.path().join("kubeconfig");
    config.kubeconfig_out = Some(kubeconfig.clone());
    if config.cluster.workers == 0 && !config.cluster.single_node {
        config.cluster = ClusterConfig::default();
    }
    let handle = within("the simulator to start", TIMEOUT, Sim::start(config))
        .await
        .expect("simulator starts");
    TestSim {
        handle,
        dir,
        kubeconfig,
        _limit: limit,
    }
}

/// Polls `check` (a read through the API) until it returns Some; panics
/// after [`TIMEOUT`], also if a check itself never finishes.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    within(what, TIMEOUT, async {
        loop {
            if let Some(v) = check().await {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
}

/// Sends a request to the `/sim/v1` fault API; returns the status code and JSON body.
pub async fn sim_api(client: &kube::Client, method: &str, path: &str) -> (u16, Value) {
    let req = http::Request::builder()
        .method(method)
        .uri(path)
        .body(Vec::new())
        .expect("request");
    match client.request::<Value>(req).await {
        Ok(v) => (200, v),
        Err(kube::Error::Api(status)) => (
            status.code,
            serde_json::to_value(&status).expect("status serializes"),
        ),
        Err(e) => panic!("{method} {path}: {e}"),
    }
}

/// Open watch streams of `resource` (plural, any group) that
/// `/sim/v1/watches` reports.
pub async fn open_watches(client: &kube::Client, resource: &str) -> u64 {
    let (code, body) = sim_api(client, "GET", "/sim/v1/watches").await;
    assert_eq!(code, 200, "{body}");
    body["watches"]
        .as_array()
        .expect("a watches list")
        .iter()
        .filter(|w| w["resource"] == resource)
        .filter_map(|w| w["count"].as_u64())
        .sum()
}

/// Waits until exactly `n` watch streams of `resource` are open: the
/// signal that a client's watch has started (or ended).
pub async fn wait_for_watches(client: &kube::Client, resource: &str, n: u64) {
    eventually(&format!("{n} open watch(es) of {resource}"), || async {
        (open_watches(client, resource).await == n).then_some(())
    })
    .await
}

/// `kubectl ARGS` as a shell would take it (single-quoting where needed),
/// to name the command in messages.
pub fn command_line(args: &[&str]) -> String {
    let mut line = String::from("kubectl");
    for arg in args {
        line.push(' ');
        if arg.is_empty() || arg.contains(|c: char| c.is_whitespace() || "'\"{}[]$".contains(c)) {
            line.push_str(&format!("'{}'", arg.replace('\'', "'\\''")));
        } else {
            line.push_str(arg);
        }
    }
    line
}

/// The kubectl to run: `$KUBECTL` if set, else `kubectl` from `PATH`.
pub fn kubectl_program() -> std::ffi::OsString {
    kubectl_program_from(std::env::var_os("KUBECTL"))
}

/// [`kubectl_program`] for a given value of `KUBECTL`.
pub fn kubectl_program_from(var: Option<std::ffi::OsString>) -> std::ffi::OsString {
    var.filter(|v| !v.is_empty())
        .unwrap_or_else(|| "kubectl".into())
}

impl TestSim {
    /// A `kubectl` command with this simulator's kubeconfig and a fresh cache dir.
    pub fn kubectl_cmd(&self, args: &[&str]) -> tokio::process::Command {
        let cache = tempfile::tempdir_in(self.dir.path())
            .expect("cache dir")
            .keep();
        let mut cmd = tokio::process::Command::new(kubectl_program());
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(cache)
            .args(args);
        cmd.env_remove("KUBECONFIG").kill_on_drop(true);
        cmd
    }

    /// Runs kubectl to completion; panics, killing it, if it runs longer
    /// than [`KUBECTL_TIMEOUT`].
    pub async fn kubectl(&self, args: &[&str]) -> Output {
        self.kubectl_with(args, |_| {}).await
    }

    /// [`TestSim::kubectl`] with the command adjusted first (environment,
    /// stdin).
    pub async fn kubectl_with(
        &self,
        args: &[&str],
        adjust: impl FnOnce(&mut tokio::process::Command),
    ) -> Output {
        let mut cmd = self.kubectl_cmd(args);
        adjust(&mut cmd);
        let what = format!("`{}` to exit", command_line(args));
        within(&what, KUBECTL_TIMEOUT, cmd.output())
            .await
            .expect("kubectl runs")
    }

    /// Runs kubectl and returns stdout, failing the test on a non-zero exit.
    pub async fn kubectl_ok(&self, args: &[&str]) -> String {
        let out = self.kubectl(args).await;
        assert!(
            out.status.success(),
            "kubectl {args:?} failed ({}):\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// Runs kubectl expecting failure; returns stderr.
    pub async fn kubectl_err(&self, args: &[&str]) -> String {
        let out = self.kubectl(args).await;
        assert!(
            !out.status.success(),
            "kubectl {args:?} unexpectedly succeeded: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("utf-8")
    }

    /// `kubectl ARGS -o json`, parsed.
    pub async fn kubectl_json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        serde_json::from_str(&self.kubectl_ok(&all).await).expect("kubectl prints JSON")
    }

    /// `kubectl get ARGS -o name`, one `kind/name` per entry.
    pub async fn kubectl_names(&self, args: &[&str]) -> Vec<String> {
        let mut all = vec!["get"];
        all.extend(args);
        all.extend(["-o", "name"]);
        self.kubectl_ok(&all)
            .await
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Writes a file into the test directory and returns its path.
    pub fn write(&self, name: &str, contents: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write file");
        path.to_string_lossy().into_owned()
    }

    /// A kube-rs client for this simulator; each of its requests fails the
    /// test if it is not answered within [`TIMEOUT`], naming the request.
    pub async fn client(&self) -> kube::Client {
        let kubeconfig =
            kube::config::Kubeconfig::read_from(&self.kubeconfig).expect("kubeconfig parses");
        let config = within(
            "the client configuration",
            TIMEOUT,
            kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()),
        )
        .await
        .expect("config");
        kube::client::ClientBuilder::try_from(config)
            .expect("client")
            .with_layer(&tower::layer::layer_fn(requests::Limited))
            .build()
    }

    /// Shuts the simulator down (ending its watch and log streams) and
    /// waits for it to stop.
    pub async fn shutdown(self) {
        within(
            "the simulator to shut down",
            TIMEOUT,
            self.handle.shutdown(),
        )
        .await
    }
}

/// Starts watching `api` (list, then watch) and returns once the watch is
/// established; the task resolves to the first version of an object for
/// which `done` holds (`what` names that). Every version is seen, so
/// short-lived states are not missed. The task panics after [`TIMEOUT`].
pub async fn watch_for<K>(
    api: kube::Api<K>,
    config: kube::runtime::watcher::Config,
    what: &str,
    done: impl Fn(&K) -> bool + Send + Sync + 'static,
) -> tokio::task::JoinHandle<K>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    use futures::StreamExt;
    use kube::runtime::watcher;
    let mut stream = watcher(api, config).boxed();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let what = what.to_owned();
    let listed = format!("the watch for {what} to list");
    let task = tokio::spawn(async move {
        let mut ready_tx = Some(ready_tx);
        within(&what, TIMEOUT, async {
            while let Some(event) = stream.next().await {
                match event.expect("watch works") {
                    watcher::Event::InitDone => {
                        if let Some(tx) = ready_tx.take() {
                            let _ = tx.send(());
                        }
                    }
                    watcher::Event::Apply(o) | watcher::Event::InitApply(o) if done(&o) => {
                        return o;
                    }
                    _ => {}
                }
            }
            panic!("the watch ended before {what}");
        })
        .await
    });
    // Dropped without a send if `done` held during the initial list.
    let _ = within(&listed, TIMEOUT, ready_rx).await;
    task
}
