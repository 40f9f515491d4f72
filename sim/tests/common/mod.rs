//! Test support: a simulator on an ephemeral port with a kubeconfig, and a
//! way to run the real kubectl against it with a fresh cache directory.

#![allow(dead_code)]

pub mod kubelet;

use std::path::PathBuf;
use std::process::Output;

use sim::cluster::ClusterConfig;
use sim::{Sim, SimConfig, SimHandle};

/// A running simulator and the files kubectl needs.
pub struct TestSim {
    pub handle: SimHandle,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
}

/// Starts a default three-worker simulator on 127.0.0.1:0.
pub async fn start() -> TestSim {
    start_with(SimConfig {
        clock_factor: 20.0,
        ..SimConfig::default()
    })
    .await
}

/// Starts a simulator with `config` (listen address and kubeconfig path are set here).
pub async fn start_with(mut config: SimConfig) -> TestSim {
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = dir.path().join("kubeconfig");
    config.kubeconfig_out = Some(kubeconfig.clone());
    if config.cluster.workers == 0 && !config.cluster.single_node {
        config.cluster = ClusterConfig::default();
    }
    let handle = Sim::start(config).await.expect("simulator starts");
    TestSim {
        handle,
        dir,
        kubeconfig,
    }
}

impl TestSim {
    /// A `kubectl` command with this simulator's kubeconfig and a fresh cache dir.
    pub fn kubectl_cmd(&self, args: &[&str]) -> tokio::process::Command {
        let cache = tempfile::tempdir_in(self.dir.path())
            .expect("cache dir")
            .keep();
        let mut cmd = tokio::process::Command::new("/usr/bin/kubectl");
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(cache)
            .args(args);
        cmd.env_remove("KUBECONFIG").kill_on_drop(true);
        cmd
    }

    /// Runs kubectl to completion.
    pub async fn kubectl(&self, args: &[&str]) -> Output {
        self.kubectl_cmd(args).output().await.expect("kubectl runs")
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

    /// Writes a file into the test directory and returns its path.
    pub fn write(&self, name: &str, contents: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write file");
        path.to_string_lossy().into_owned()
    }

    /// A fake kubelet (see [`kubelet`]) running every pod.
    pub async fn kubelet(&self) -> kubelet::FakeKubelet {
        kubelet::start(self.client().await, self.handle.store().clock().clone())
    }

    /// A fake kubelet giving each pod the fate `fate` picks.
    pub async fn kubelet_with(
        &self,
        fate: impl Fn(&serde_json::Value) -> kubelet::Fate + Send + Sync + 'static,
    ) -> kubelet::FakeKubelet {
        kubelet::start_with(
            self.client().await,
            self.handle.store().clock().clone(),
            fate,
        )
    }

    /// Polls `f` until it returns Some, failing after `secs` real seconds.
    pub async fn eventually<T, F, Fut>(&self, what: &str, secs: u64, mut f: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            if let Some(v) = f().await {
                return v;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {what}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// A kube-rs client for this simulator.
    pub async fn client(&self) -> kube::Client {
        let kubeconfig =
            kube::config::Kubeconfig::read_from(&self.kubeconfig).expect("kubeconfig parses");
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
            .await
            .expect("config");
        kube::Client::try_from(config).expect("client")
    }
}
