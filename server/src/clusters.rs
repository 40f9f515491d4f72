//! Which clusters `pilothouse serve` shows: the embedded cluster (started
//! in this process, on loopback, and reached like any other cluster —
//! through kube-rs over HTTP with a kubeconfig, never by an in-process
//! shortcut) and every context of the kubeconfig files given.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gateway::cluster::ClusterSpec;
use gateway::{Gateway, GatewayOptions, spec};
use sim::cluster::ClusterConfig;
use sim::{Sim, SimConfig, SimHandle};

/// The name of the embedded cluster in URLs and the picker.
pub const EMBEDDED_NAME: &str = "embedded";
/// The embedded cluster's kubeconfig, inside the data directory.
pub const EMBEDDED_KUBECONFIG: &str = "embedded-kubeconfig.yaml";
/// Where the embedded cluster keeps its state and CA, inside the data
/// directory, so a demo survives a restart of Pilothouse.
pub const EMBEDDED_STATE_DIR: &str = "embedded-cluster";

/// Whether to start the embedded cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EmbeddedMode {
    /// Only when no kubeconfig is given.
    Auto,
    On,
    Off,
}

/// The cluster flags of `pilothouse serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ClusterOptions {
    /// A kubeconfig file whose every context becomes a cluster
    /// (repeatable; `KUBECONFIG`, colon-separated, is read too).
    #[arg(long = "kubeconfig", env = "KUBECONFIG", value_delimiter = ':')]
    pub kubeconfigs: Vec<PathBuf>,

    /// Start the embedded cluster: `auto` (when no kubeconfig is given), `on` or `off`.
    #[arg(long, env = "PILOTHOUSE_EMBEDDED", value_enum, default_value_t = EmbeddedMode::Auto)]
    pub embedded: EmbeddedMode,

    /// Worker nodes of the embedded cluster.
    #[arg(
        long = "embedded-nodes",
        env = "PILOTHOUSE_EMBEDDED_NODES",
        default_value_t = 3
    )]
    pub nodes: usize,

    /// Extra running pods seeded on every worker of the embedded cluster.
    #[arg(
        long = "embedded-pods-per-node",
        env = "PILOTHOUSE_EMBEDDED_PODS_PER_NODE",
        default_value_t = 0
    )]
    pub pods_per_node: usize,

    /// The embedded cluster is one node, both control plane and worker.
    #[arg(long = "embedded-single-node", env = "PILOTHOUSE_EMBEDDED_SINGLE_NODE")]
    pub single_node: bool,

    /// Simulated seconds per real second in the embedded cluster.
    #[arg(
        long = "embedded-clock-factor",
        env = "PILOTHOUSE_EMBEDDED_CLOCK_FACTOR",
        default_value_t = 1.0
    )]
    pub clock_factor: f64,
}

impl ClusterOptions {
    /// Whether the embedded cluster runs with these options.
    pub fn embedded_on(&self) -> bool {
        match self.embedded {
            EmbeddedMode::On => true,
            EmbeddedMode::Off => false,
            EmbeddedMode::Auto => self.kubeconfigs.is_empty(),
        }
    }
}

/// The clusters could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ClustersError {
    #[error(transparent)]
    Kubeconfig(#[from] spec::KubeconfigFileError),
    #[error("cannot start the embedded cluster: {0}")]
    Embedded(#[from] sim::SimError),
    #[error("the embedded cluster's kubeconfig does not parse: {0}")]
    EmbeddedKubeconfig(String),
}

/// The gateway over every configured cluster, and the embedded cluster if
/// it runs (stop it with [`SimHandle::shutdown`]).
pub struct Clusters {
    pub gateway: Arc<Gateway>,
    pub embedded: Option<SimHandle>,
}

/// Starts the embedded cluster if wanted and connects to every cluster.
/// Unreachable clusters do not stop start-up: they show as unreachable.
pub async fn connect(options: &ClusterOptions, data_dir: &Path) -> Result<Clusters, ClustersError> {
    let mut specs = Vec::new();
    let embedded = if options.embedded_on() {
        let handle = start_embedded(options, data_dir).await?;
        specs.push(embedded_spec(&handle)?);
        Some(handle)
    } else {
        None
    };
    for path in options
        .kubeconfigs
        .iter()
        .filter(|p| !p.as_os_str().is_empty())
    {
        specs.extend(spec::from_kubeconfig_file(path)?);
    }
    spec::dedupe(&mut specs);
    let gateway = Gateway::start(specs, GatewayOptions::default());
    Ok(Clusters { gateway, embedded })
}

async fn start_embedded(
    options: &ClusterOptions,
    data_dir: &Path,
) -> Result<SimHandle, ClustersError> {
    let config = SimConfig {
        kubeconfig_out: Some(data_dir.join(EMBEDDED_KUBECONFIG)),
        cluster: ClusterConfig {
            workers: options.nodes,
            pods_per_node: options.pods_per_node,
            single_node: options.single_node,
        },
        clock_factor: options.clock_factor,
        data_dir: Some(data_dir.join(EMBEDDED_STATE_DIR)),
        ..SimConfig::default()
    };
    Ok(Sim::start(config).await?)
}

fn embedded_spec(handle: &SimHandle) -> Result<ClusterSpec, ClustersError> {
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&handle.kubeconfig_yaml())
        .map_err(|e| ClustersError::EmbeddedKubeconfig(e.to_string()))?;
    Ok(ClusterSpec {
        name: EMBEDDED_NAME.into(),
        origin: "embedded".into(),
        kubeconfig,
        context: sim::server::CONTEXT_NAME.into(),
    })
}
