//! Scale benchmark of the simulator (a program, not a timed test):
//! start-up with 5,000 nodes and 150,000 pods, RSS, `kubectl get pods -A
//! --chunk-size=500`, a full kube-rs list, and watch fan-out to 50 watchers
//! under 500 writes/s (each watcher must see every event once, in order).
//!
//! The cluster behaviour (scheduler, kubelets, node lifecycle, controllers)
//! runs throughout, so the seeded kube-proxy DaemonSet puts a pod on every
//! node after start-up; the time until those pods all run is reported as
//! "settled".
//!
//! Run: `cargo bench -p sim --bench sim_bench [-- NODES PODS_PER_NODE]`.
//! Writes the run to `bench/results/sim-latest.md`; `bench/results/sim.md`
//! keeps the curated history.

use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use kube::api::{Api, ListParams, WatchEvent, WatchParams};
use serde_json::json;
use sim::cluster::ClusterConfig;
use sim::registry::builtin::ids;
use sim::store::WriteOptions;
use sim::{Sim, SimConfig};

const WATCHERS: usize = 50;
const WRITES_PER_SEC: u64 = 500;
const WRITE_SECONDS: u64 = 10;

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let nodes: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(5000);
    let per_node: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(30);
    let dir = tempfile::tempdir()?;
    let kubeconfig = dir.path().join("kubeconfig");
    let rss_before = rss_mib();
    let started = Instant::now();
    let sim = Sim::start(SimConfig {
        kubeconfig_out: Some(kubeconfig.clone()),
        cluster: ClusterConfig {
            workers: nodes,
            pods_per_node: per_node,
            single_node: false,
        },
        ..SimConfig::default()
    })
    .await?;
    let startup = started.elapsed();
    let rss = rss_mib();
    let pods = nodes * per_node + 4;
    println!("started {nodes} nodes / {pods} pods in {startup:.2?}, RSS {rss:.0} MiB");

    // The system DaemonSet reaches every node (control plane included).
    let settle_limit = Duration::from_secs(1200);
    let settled = loop {
        let ready = sim
            .store()
            .get(&ids::daemonsets(), "kube-system", "kube-proxy")
            .ok()
            .and_then(|ds| ds.value()["status"]["numberReady"].as_u64())
            .unwrap_or(0);
        if ready as usize > nodes {
            break Some(started.elapsed());
        }
        if started.elapsed() > settle_limit {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let rss_settled = rss_mib();
    let settled_text = match settled {
        Some(d) => format!("{d:.2?}"),
        None => format!("not within {settle_limit:?}"),
    };
    // Seeded pods, one kube-proxy pod per node, the demo and coredns pods.
    let all_pods = pods + nodes + 1 + 9;
    println!(
        "settled (kube-proxy on all {} nodes) after {settled_text}, RSS {rss_settled:.0} MiB",
        nodes + 1
    );

    let cache = dir.path().join("cache");
    let t = Instant::now();
    let kubectl = std::env::var_os("KUBECTL").unwrap_or_else(|| "kubectl".into());
    let out = tokio::process::Command::new(kubectl)
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .arg("--cache-dir")
        .arg(&cache)
        .args(["get", "pods", "-A", "--chunk-size=500", "--no-headers"])
        .output()
        .await?;
    let kubectl_time = t.elapsed();
    anyhow::ensure!(
        out.status.success(),
        "kubectl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kubectl_rows = out.stdout.iter().filter(|b| **b == b'\n').count();
    println!("kubectl get pods -A --chunk-size=500: {kubectl_rows} rows in {kubectl_time:.2?}");

    let kcfg = kube::config::Kubeconfig::read_from(&kubeconfig)?;
    let client = kube::Client::try_from(
        kube::Config::from_custom_kubeconfig(kcfg, &Default::default()).await?,
    )?;
    let t = Instant::now();
    let listed = Api::<Pod>::all(client.clone())
        .list(&ListParams::default())
        .await?;
    let list_time = t.elapsed();
    println!(
        "kube-rs full list: {} pods in {list_time:.2?}",
        listed.items.len()
    );
    drop(listed);

    // Watch fan-out: 50 kube-rs watches over HTTP, writes through the store API.
    let store = sim.store().clone();
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let rv = store.current_rv().to_string();
    let total = (WRITES_PER_SEC * WRITE_SECONDS) as usize;
    let mut watchers = Vec::new();
    for _ in 0..WATCHERS {
        let api = api.clone();
        let rv = rv.clone();
        watchers.push(tokio::spawn(async move {
            let wp = WatchParams::default().timeout(290);
            let mut stream = api.watch(&wp, &rv).await?.boxed();
            let mut expected = 0usize;
            let mut last_rv = 0u64;
            let mut latest = Instant::now();
            while expected < total {
                match stream.next().await {
                    Some(Ok(WatchEvent::Added(cm))) => {
                        let name = cm.metadata.name.unwrap_or_default();
                        let rv: u64 = cm.metadata.resource_version.unwrap_or_default().parse()?;
                        anyhow::ensure!(
                            name == format!("fan-{expected}"),
                            "out of order: got {name}, want fan-{expected}"
                        );
                        anyhow::ensure!(rv > last_rv, "resourceVersion went backwards");
                        last_rv = rv;
                        expected += 1;
                        latest = Instant::now();
                    }
                    Some(Ok(WatchEvent::Bookmark(_))) => {}
                    Some(Ok(other)) => anyhow::bail!("unexpected event {other:?}"),
                    Some(Err(e)) => return Err(e.into()),
                    None => anyhow::bail!("stream ended after {expected} events"),
                }
            }
            Ok::<Instant, anyhow::Error>(latest)
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let t = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / WRITES_PER_SEC));
    for i in 0..total {
        tick.tick().await;
        store.create(
            &ids::configmaps(),
            "default",
            json!({"metadata": {"name": format!("fan-{i}")}, "data": {"i": i.to_string()}}),
            WriteOptions::default(),
        )?;
    }
    let write_time = t.elapsed();
    let mut ok = 0;
    let mut last_delivery = Duration::ZERO;
    for w in watchers {
        let done = w.await??;
        last_delivery = last_delivery.max(done.duration_since(t));
        ok += 1;
    }
    let lag = last_delivery.saturating_sub(write_time);
    println!(
        "fan-out: {ok}/{WATCHERS} watchers received all {total} events in order; writes took {write_time:.2?}, last delivery {lag:.2?} after the last write"
    );
    let rss_end = rss_mib();

    let report = format!(
        "# sim benchmark (latest run)\n\n`cargo bench -p sim --bench sim_bench -- {nodes} {per_node}` (release build, 2-core machine shared with other builds; one run).\n\n\
| measurement | result |\n|---|---|\n\
| cluster | {nodes} worker nodes + control plane, {pods} seeded pods, cluster behaviour running |\n\
| start-up (seed + listen) | {startup:.2?} |\n\
| RSS after start-up | {rss:.0} MiB (process before start: {rss_before:.0} MiB) |\n\
| settled: kube-proxy Ready on all {nodes1} nodes (from start) | {settled_text} |\n\
| RSS when settled (~{all_pods} pods) | {rss_settled:.0} MiB |\n\
| `kubectl get pods -A --chunk-size=500` | {kubectl_time:.2?} for {kubectl_rows} rows (includes kubectl start-up and discovery) |\n\
| kube-rs `Api::<Pod>::all().list()` (one page) | {list_time:.2?} |\n\
| watch fan-out | {ok}/{WATCHERS} kube-rs watchers received all {total} events exactly once, in order, at {WRITES_PER_SEC} writes/s for {WRITE_SECONDS} s |\n\
| fan-out lag | last event delivered {lag:.2?} after the last write |\n\
| RSS at the end | {rss_end:.0} MiB |\n",
        nodes1 = nodes + 1
    );
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/results/sim-latest.md");
    std::fs::create_dir_all(path.parent().unwrap())?;
    std::fs::write(&path, &report)?;
    println!("{report}");
    sim.shutdown().await;
    Ok(())
}
