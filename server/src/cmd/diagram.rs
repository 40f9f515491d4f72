//! `pilothouse diagram KIND`: draws objects read from YAML/JSON files (or
//! standard input) or listed from a cluster, with the `diagram` crate.
//!
//! This file only gathers objects and writes bytes; everything about the
//! picture lives in `diagram/`. Any failure is reported as one line on
//! standard error with a non-zero exit status.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, anyhow, bail};
use diagram::render::{self, Format};
use diagram::{ClusterObjects, DiagramKind, Lang, Options};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Node, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{Api, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};

/// Flags of `pilothouse diagram`.
#[derive(Debug, clap::Args)]
pub struct DiagramArgs {
    /// What to draw: topology, pod, service or ownership.
    pub kind: String,
    /// YAML or JSON file of Kubernetes objects (multi-document; `-` for standard input). Repeatable.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Read the objects from the cluster of this kubeconfig instead of files.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context to use (default: the current context).
    #[arg(long, requires = "kubeconfig")]
    pub context: Option<String>,
    /// Only objects of this namespace.
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// The object to draw: the pod, the Service, or the workload.
    #[arg(long)]
    pub name: Option<String>,
    /// Output format: puml, svg, png, mermaid, dot or url (a PlantUML-server link).
    #[arg(long, default_value = "puml", value_parser = |s: &str| s.parse::<Format>())]
    pub format: Format,
    /// Label language: en or zh-CN.
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// PlantUML server base URL for `--format url` (none by default: cluster data stays local).
    #[arg(long, value_name = "URL", env = "PILOTHOUSE_PLANTUML_SERVER")]
    pub plantuml_server: Option<String>,
    /// Draw the nodes of this node group one by one (its id, e.g. `group_pool_a_zone_b`). Repeatable.
    #[arg(long, value_name = "GROUP")]
    pub expand: Vec<String>,
    /// Draw each node up to this many nodes; group larger clusters by pool and zone.
    #[arg(long, value_name = "N")]
    pub max_detailed_nodes: Option<usize>,
    /// Extra font file for PNG output (e.g. a CJK font). Repeatable.
    #[arg(long, value_name = "FILE")]
    pub font: Vec<PathBuf>,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Draws the requested diagram; on failure prints one line and exits non-zero.
pub async fn run(args: DiagramArgs) -> anyhow::Result<()> {
    match draw(args).await {
        Ok(()) => Ok(()),
        Err(e) => {
            let line = format!("{e:#}").replace(['\n', '\r'], " ");
            eprintln!("pilothouse diagram: {line}");
            std::process::exit(1);
        }
    }
}

async fn draw(args: DiagramArgs) -> anyhow::Result<()> {
    let kind: DiagramKind = args.kind.parse()?;
    let lang: Lang = args.lang.parse()?;
    if args.format == Format::Url && args.plantuml_server.is_none() {
        bail!("--format url needs --plantuml-server URL (no public server is used by default)");
    }
    let objects = match &args.kubeconfig {
        Some(path) => {
            from_cluster(
                path,
                args.context.as_deref(),
                args.namespace.as_deref(),
                kind,
            )
            .await?
        }
        None if args.files.is_empty() => {
            bail!("give objects with -f FILE (or -f - for standard input) or --kubeconfig FILE")
        }
        None => from_files(&args.files)?,
    };
    let mut options = Options::new(lang);
    options.namespace = args.namespace.clone();
    options.name = args.name.clone();
    options.expand = args.expand.clone();
    if let Some(n) = args.max_detailed_nodes {
        options.max_detailed_nodes = n;
    }
    let d = diagram::build(kind, &objects, &options)?;
    // Fonts are loaded (and a bad --font reported) only for a PNG.
    let fonts = match args.format {
        Format::Png => Some(server::fonts::system_and(&args.font)?),
        _ => None,
    };
    let bytes = render::export(&d, args.format, args.plantuml_server.as_deref(), || {
        fonts.unwrap_or_default()
    })?;
    match &args.output {
        Some(path) => std::fs::write(path, &bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            if args.format == Format::Png && std::io::stdout().is_terminal() {
                bail!("refusing to write PNG to a terminal; use -o FILE");
            }
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .context("cannot write to standard output")?;
        }
    }
    Ok(())
}

/// Reads every file (`-` is standard input, read once) as multi-document YAML or JSON.
fn from_files(files: &[PathBuf]) -> anyhow::Result<ClusterObjects> {
    let mut docs = Vec::new();
    let mut stdin_read = false;
    for path in files {
        let (name, text) = if path.as_os_str() == "-" {
            if stdin_read {
                continue;
            }
            stdin_read = true;
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read standard input")?;
            ("standard input".to_string(), text)
        } else {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            (path.display().to_string(), text)
        };
        let parsed: Vec<serde_json::Value> = serde_saphyr::from_multiple(&text).map_err(|e| {
            let message = e.to_string();
            let first = message
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("parse error")
                .trim()
                .to_string();
            anyhow!("malformed YAML in {name}: {first}")
        })?;
        docs.extend(parsed);
    }
    Ok(ClusterObjects::from_values(docs)?)
}

/// Lists, from the cluster, the kinds the diagram needs.
async fn from_cluster(
    path: &PathBuf,
    context: Option<&str>,
    namespace: Option<&str>,
    kind: DiagramKind,
) -> anyhow::Result<ClusterObjects> {
    let kubeconfig = Kubeconfig::read_from(path)
        .with_context(|| format!("cannot read kubeconfig {}", path.display()))?;
    let options = KubeConfigOptions {
        context: context.map(str::to_string),
        ..KubeConfigOptions::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .context("invalid kubeconfig")?;
    let client = kube::Client::try_from(config).context("cannot build a Kubernetes client")?;
    let mut objects = ClusterObjects::default();
    let lp = ListParams::default();
    // `namespaced` kinds honour --namespace; the others are listed cluster-wide.
    macro_rules! list {
        ($ty:ty, $field:ident, all) => {{
            let api: Api<$ty> = Api::all(client.clone());
            objects.$field = fetch(&api, &lp, stringify!($field)).await?;
        }};
        ($ty:ty, $field:ident, namespaced) => {{
            let api: Api<$ty> = match namespace {
                Some(ns) => Api::namespaced(client.clone(), ns),
                None => Api::all(client.clone()),
            };
            objects.$field = fetch(&api, &lp, stringify!($field)).await?;
        }};
    }
    match kind {
        DiagramKind::Topology => {
            list!(Node, nodes, all);
            // Control-plane components live in kube-system whatever the namespace filter.
            list!(Pod, pods, all);
        }
        DiagramKind::Pod => list!(Pod, pods, namespaced),
        DiagramKind::Service => {
            list!(Service, services, namespaced);
            list!(EndpointSlice, endpoint_slices, namespaced);
            list!(Ingress, ingresses, namespaced);
            list!(Pod, pods, namespaced);
        }
        DiagramKind::Ownership => {
            list!(Deployment, deployments, namespaced);
            list!(ReplicaSet, replica_sets, namespaced);
            list!(StatefulSet, stateful_sets, namespaced);
            list!(DaemonSet, daemon_sets, namespaced);
            list!(Job, jobs, namespaced);
            list!(CronJob, cron_jobs, namespaced);
            list!(Pod, pods, namespaced);
        }
    }
    Ok(objects)
}

/// Lists every object of one kind, naming the kind in the error.
async fn fetch<K>(api: &Api<K>, lp: &ListParams, what: &str) -> anyhow::Result<Vec<K>>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    Ok(api
        .list(lp)
        .await
        .with_context(|| format!("cannot list {}", what.replace('_', " ")))?
        .items)
}
