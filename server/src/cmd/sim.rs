//! `pilothouse sim`: the embedded cluster in the foreground.
//!
//! Serves the simulated cluster's Kubernetes API over HTTPS on loopback
//! (elsewhere only with `--unsafe-listen-any`), writes a kubeconfig for its
//! admin and runs until interrupted (Ctrl-C or SIGTERM); with `--data-dir`
//! it keeps the cluster's state there across restarts.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use sim::cluster::ClusterConfig;
use sim::{Sim, SimConfig};

/// Flags of `pilothouse sim`.
#[derive(Debug, clap::Args)]
pub struct SimArgs {
    /// Address to serve the Kubernetes API on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:6443")]
    pub listen: SocketAddr,
    /// Write a kubeconfig for the simulator to this file.
    #[arg(long)]
    pub kubeconfig_out: Option<PathBuf>,
    /// Number of worker nodes (besides the control plane).
    #[arg(long, default_value_t = 3)]
    pub nodes: usize,
    /// Extra running pods seeded on every worker node (namespace `load`).
    #[arg(long, default_value_t = 0)]
    pub pods_per_node: usize,
    /// One node that is both control plane and worker.
    #[arg(long)]
    pub single_node: bool,
    /// Simulated seconds per real second.
    #[arg(long, default_value_t = 1.0)]
    pub clock_factor: f64,
    /// Allow a non-loopback `--listen` address. UNSAFE: the simulated
    /// cluster is a test bed, not hardened for a network.
    #[arg(long)]
    pub unsafe_listen_any: bool,
    /// Serve plain HTTP, where every request without credentials is the
    /// cluster admin (the mode before HTTPS).
    #[arg(long)]
    pub insecure_http: bool,
    /// Bearer tokens the cluster accepts, one user per line in
    /// kube-apiserver's `--token-auth-file` form:
    /// `token,user,uid,"group1,group2"`.
    #[arg(long)]
    pub token_auth_file: Option<PathBuf>,
    /// Keep the cluster's state and CA in this directory across restarts:
    /// a saved state is loaded instead of seeding a new cluster (the node
    /// flags then do not apply), and kubeconfigs written before a restart
    /// keep working. Without it nothing is written but the kubeconfig.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

/// Runs the simulator until interrupted.
pub async fn run(args: SimArgs) -> anyhow::Result<()> {
    let tokens = match &args.token_auth_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            sim::auth::parse_token_file(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => Vec::new(),
    };
    let config = SimConfig {
        listen: args.listen,
        kubeconfig_out: args.kubeconfig_out.clone(),
        cluster: ClusterConfig {
            workers: args.nodes,
            pods_per_node: args.pods_per_node,
            single_node: args.single_node,
        },
        clock_factor: args.clock_factor,
        unsafe_listen_any: args.unsafe_listen_any,
        insecure_http: args.insecure_http,
        tokens,
        data_dir: args.data_dir.clone(),
        ..SimConfig::default()
    };
    if !args.listen.ip().is_loopback() && args.unsafe_listen_any {
        eprintln!(
            "WARNING: serving the simulated cluster's Kubernetes API on {}: it is a test bed, not hardened for a network",
            args.listen
        );
    }
    let handle = Sim::start(config).await.context("starting the simulator")?;
    println!(
        "pilothouse sim: Kubernetes API listening on {}",
        handle.url()
    );
    match handle.kubeconfig_path() {
        Some(path) => println!(
            "kubeconfig written to {} (context {})",
            path.display(),
            sim::server::CONTEXT_NAME
        ),
        None => println!("no kubeconfig written (pass --kubeconfig-out FILE to get one)"),
    }
    shutdown_signal().await;
    println!("pilothouse sim: shutting down");
    handle.shutdown().await;
    if let Some(dir) = &args.data_dir {
        println!("pilothouse sim: state saved in {}", dir.display());
    }
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
