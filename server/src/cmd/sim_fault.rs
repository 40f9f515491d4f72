//! `pilothouse sim-fault`: the embedded cluster's fault-injection API
//! (`/sim/v1`) from the command line, so a demo or a test can stop a node or
//! crash a container in a running `pilothouse sim` without hand-written HTTP.
//!
//! The simulator is found through a kubeconfig, like kubectl finds it; the
//! request goes through kube-rs's client, so the same TLS and credentials
//! apply once the simulator has them.

use std::path::PathBuf;

use anyhow::{Context, bail};
use kube::config::{KubeConfigOptions, Kubeconfig};

/// Flags of `pilothouse sim-fault`.
#[derive(Debug, clap::Args)]
pub struct SimFaultArgs {
    /// Kubeconfig of the simulator (as written by `pilothouse sim --kubeconfig-out`).
    #[arg(long, env = "KUBECONFIG")]
    pub kubeconfig: PathBuf,
    /// Kubeconfig context (default: the current one).
    #[arg(long)]
    pub context: Option<String>,
    #[command(subcommand)]
    pub action: FaultAction,
}

/// What to break (or mend).
#[derive(Debug, clap::Subcommand)]
pub enum FaultAction {
    /// Show the faults in effect.
    List,
    /// Stop a node's kubelet: no heartbeats, the node goes NotReady.
    StopNode { node: String },
    /// Start a stopped node's kubelet again.
    StartNode { node: String },
    /// Kill a container (exit code 137); it restarts per the pod's policy.
    CrashContainer {
        pod: String,
        #[arg(long, short = 'n', default_value = "default")]
        namespace: String,
        /// Container name (default: the first app container).
        #[arg(long, short = 'c')]
        container: Option<String>,
    },
    /// Make a pod's image pulls fail (`--off` lifts it).
    FailImagePull {
        pod: String,
        #[arg(long, short = 'n', default_value = "default")]
        namespace: String,
        #[arg(long)]
        off: bool,
    },
    /// End every open watch stream (clients must resume).
    DropWatches,
    /// Hold watch events back for this many simulated seconds.
    StallWatches { seconds: u64 },
    /// Force history compaction: old resourceVersions get 410 Gone.
    Compact,
}

impl FaultAction {
    /// The HTTP method and path of this action under `/sim/v1`.
    fn request(&self) -> (http::Method, String) {
        use http::Method;
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        match self {
            Self::List => (Method::GET, "/sim/v1/faults".into()),
            Self::StopNode { node } => (Method::POST, format!("/sim/v1/nodes/{}/stop", enc(node))),
            Self::StartNode { node } => {
                (Method::POST, format!("/sim/v1/nodes/{}/start", enc(node)))
            }
            Self::CrashContainer {
                pod,
                namespace,
                container,
            } => {
                let mut path = format!(
                    "/sim/v1/namespaces/{}/pods/{}/crash",
                    enc(namespace),
                    enc(pod)
                );
                if let Some(c) = container {
                    path.push_str(&format!("?container={}", enc(c)));
                }
                (Method::POST, path)
            }
            Self::FailImagePull {
                pod,
                namespace,
                off,
            } => (
                if *off { Method::DELETE } else { Method::POST },
                format!(
                    "/sim/v1/namespaces/{}/pods/{}/image-pull-failure",
                    enc(namespace),
                    enc(pod)
                ),
            ),
            Self::DropWatches => (Method::POST, "/sim/v1/watches/drop".into()),
            Self::StallWatches { seconds } => (
                Method::POST,
                format!("/sim/v1/watches/stall?seconds={seconds}"),
            ),
            Self::Compact => (Method::POST, "/sim/v1/compact".into()),
        }
    }
}

/// Sends the action and prints the simulator's JSON answer.
pub async fn run(args: SimFaultArgs) -> anyhow::Result<()> {
    let kubeconfig = Kubeconfig::read_from(&args.kubeconfig)
        .with_context(|| format!("cannot read kubeconfig {}", args.kubeconfig.display()))?;
    let options = KubeConfigOptions {
        context: args.context.clone(),
        ..KubeConfigOptions::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .context("invalid kubeconfig")?;
    let client = kube::Client::try_from(config).context("cannot build a Kubernetes client")?;
    let (method, path) = args.action.request();
    let request = http::Request::builder()
        .method(method)
        .uri(&path)
        .body(Vec::new())
        .context("cannot build the request")?;
    let answer = match client.request_text(request).await {
        Ok(text) => text,
        Err(kube::Error::Api(status)) => bail!("{path}: {}", status.message),
        Err(err) => return Err(err).with_context(|| format!("{path} failed")),
    };
    println!("{}", answer.trim_end());
    Ok(())
}
