//! Gateway benchmark (issue 8): Pilothouse in front of a separate
//! `pilothouse sim`, both started from the built `pilothouse` binary.
//!
//! Per cluster size it measures Pilothouse's resident memory once the pods
//! cache synced (and the time to sync), the first 100-row page of all pods
//! sorted by name with 10 concurrent sessions against the same list by
//! `kubectl get pods -A --chunk-size=500 --sort-by=.metadata.name`, a pod's
//! change reaching 200 open live streams, and the upstream watches the
//! cluster sees with those 200 streams open, and the pods page of all
//! namespaces in Chromium (`end2end/bench/pods-page.mjs`: first rows,
//! interactive, DOM nodes; needs `cargo leptos build --release` for the
//! site, else it is reported as not measured). Pilothouse reaches the cluster
//! through a counting TCP relay, which shows that serving pages sends
//! nothing to the cluster.
//!
//! Run (release profile; `kubectl` on `PATH`):
//!
//! ```text
//! cargo build --release -p server --bin pilothouse
//! cargo bench -p server --bench gateway                        # 50×30 and 5000×30
//! cargo bench -p server --bench gateway -- --scale 50x30       # the small cluster only
//! ```
//!
//! Flags: `--scale NODESxPODS_PER_NODE` (repeatable), `--bin PATH` (default:
//! `target/release/pilothouse` beside this executable), `--streams N`
//! (200), `--site-root DIR` (`target/site`), `--out FILE`
//! (`bench/results/gateway.md`). The file is rewritten
//! down to a `<!-- notes -->` line; what follows it is kept.

#[path = "../shared/browser.rs"]
mod browser;
mod client;
mod procs;
mod report;
#[path = "../shared/stats.rs"]
mod stats;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, Patch, PatchParams};
use serde_json::Value;
use tokio::sync::mpsc;

use client::{Conn, StreamEvent};
use report::write_report;
use stats::pct;

const CLUSTER: &str = "pilothouse-sim";
const PASSWORD: &str = "bench-admin-password-1";
const SESSIONS: usize = 10;
const REQUESTS: usize = 50;
const RUNS: usize = 3;
const CHANGES: usize = 10;

struct Args {
    bin: Option<String>,
    scales: Vec<(usize, usize)>,
    streams: usize,
    site_root: PathBuf,
    out: PathBuf,
}

fn args() -> Result<Args> {
    let mut args = Args {
        bin: None,
        scales: Vec::new(),
        streams: 200,
        site_root: Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site"),
        out: Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/results/gateway.md"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--bin" => args.bin = it.next(),
            "--out" => args.out = it.next().context("--out FILE")?.into(),
            "--site-root" => args.site_root = it.next().context("--site-root DIR")?.into(),
            "--streams" => args.streams = it.next().context("--streams N")?.parse()?,
            "--scale" => {
                let s = it.next().context("--scale NODESxPODS")?;
                let (n, p) = s.split_once('x').context("--scale NODESxPODS")?;
                args.scales.push((n.parse()?, p.parse()?));
            }
            _ => {} // `cargo bench` adds `--bench`
        }
    }
    if args.scales.is_empty() {
        args.scales = vec![(50, 30), (5000, 30)];
    }
    Ok(args)
}

/// Everything measured at one cluster size.
#[derive(Default)]
struct Figures {
    nodes: usize,
    per_node: usize,
    pods: usize,
    sim_start: Duration,
    sync: Duration,
    rss: f64,
    rss_streams: f64,
    rss_sim: f64,
    cold_page: Duration,
    /// (p50, p99) per run.
    pages: Vec<(Duration, Duration)>,
    page_upstream_bytes: u64,
    page_upstream_connections: u64,
    kubectl: Vec<Duration>,
    kubectl_rows: usize,
    /// (p50, p99, max, delivered, expected) per run.
    streams: Vec<(Duration, Duration, Duration, usize, usize)>,
    write_call: Vec<Duration>,
    watches_source: String,
    watches: String,
    one_per_kind: bool,
    /// The pods page in Chromium, one per run; `None` without a built site.
    browser: Option<Vec<BrowserLoad>>,
}

/// One load of the pods page in Chromium, in ms since navigation began.
#[derive(Clone, Copy, Default)]
pub struct BrowserLoad {
    first_rows: f64,
    interactive: f64,
    dom_nodes: usize,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = args()?;
    let bin = procs::find_binary(args.bin.as_deref())?;
    println!("gateway bench: {}", bin.display());
    let mut all = Vec::new();
    for &(nodes, per_node) in &args.scales {
        println!("== {nodes} nodes × {per_node} pods");
        let figures = run_scale(&args, &bin, nodes, per_node).await?;
        all.push(figures);
        write_report(&args, &all)?;
    }
    println!("wrote {}", args.out.display());
    Ok(())
}

async fn run_scale(args: &Args, bin: &Path, nodes: usize, per_node: usize) -> Result<Figures> {
    let streams = args.streams;
    let site = args
        .site_root
        .join("pkg")
        .exists()
        .then_some(&args.site_root);
    let mut f = Figures {
        nodes,
        per_node,
        ..Figures::default()
    };
    let dir = tempfile::tempdir()?;

    // The cluster, as its own process.
    let started = Instant::now();
    let sim_proc = procs::start_sim(bin, nodes, per_node, dir.path()).await?;
    let (mut sim, sim_addr, kubeconfig) = (sim_proc.child, sim_proc.addr, sim_proc.kubeconfig);
    let listen = sim_addr.to_string();
    f.sim_start = started.elapsed();
    println!("sim up in {:?}", f.sim_start);

    // Pilothouse, reaching the cluster through the counting relay.
    let relay = procs::Relay::start(sim_addr).await?;
    let relayed = dir.path().join("kubeconfig-relay.yaml");
    std::fs::write(
        &relayed,
        std::fs::read_to_string(&kubeconfig)?.replace(&listen, &relay.addr.to_string()),
    )?;
    let serve_addr = procs::free_addr()?;
    let (listen2, data) = (serve_addr.to_string(), dir.path().join("data"));
    let (relayed_s, data_s) = (relayed.to_string_lossy(), data.to_string_lossy());
    let site_s = site.map(|s| s.to_string_lossy().into_owned());
    let mut serve_args = vec![
        "serve",
        "--embedded",
        "off",
        "--kubeconfig",
        &relayed_s,
        "--listen",
        &listen2,
        "--data-dir",
        &data_s,
    ];
    if let Some(site) = &site_s {
        serve_args.extend(["--site-root", site.as_str()]);
    }
    let started = Instant::now();
    let mut serve = procs::spawn(
        bin,
        &serve_args,
        &[
            ("PILOTHOUSE_ADMIN_PASSWORD", PASSWORD),
            ("PILOTHOUSE_LOG", "warn"),
            ("LEPTOS_OUTPUT_NAME", "pilothouse"),
        ],
        &dir.path().join("serve.log"),
    )?;
    let serve_pid = serve.id().context("serve has no pid")?;
    client::wait_ok(serve_addr, "/healthz", Duration::from_secs(120)).await?;
    let mut admin = Conn::login(serve_addr, PASSWORD).await?;
    let synced = format!("cluster=\"{CLUSTER}\",kind=\"pods\"");
    loop {
        let m = admin.get_ok("/metrics").await?;
        if client::metric(&m, "pilothouse_cache_synced", &synced) == Some(1.0) {
            break;
        }
        if started.elapsed() > Duration::from_secs(900) {
            bail!("pods cache not synced after 15 min");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    f.sync = started.elapsed();
    println!("pods cache synced {:?} after serve started", f.sync);

    // The first page right after sync, then wait for the cluster to settle
    // (the sim's DaemonSet pods land on every node after start-up).
    let page = format!("/api/v1/clusters/{CLUSTER}/resources/pods?sort=name&offset=0&limit=100");
    let t = Instant::now();
    admin.get_ok(&page).await?;
    f.cold_page = t.elapsed();
    let mut last_total = 0;
    let settle_until = Instant::now() + Duration::from_secs(180);
    let first: Value = loop {
        let body: Value = serde_json::from_str(&admin.get_ok(&page).await?)?;
        let total = body["total"].as_u64().unwrap_or(0) as usize;
        if total == last_total || Instant::now() > settle_until {
            break body;
        }
        last_total = total;
        tokio::time::sleep(Duration::from_secs(3)).await;
    };
    f.pods = first["total"].as_u64().unwrap_or(0) as usize;
    let rows = first["rows"].as_array().cloned().unwrap_or_default();
    if rows.len() != 100.min(f.pods) {
        bail!("first page has {} rows of {}", rows.len(), f.pods);
    }
    let pod_name = rows[0]["name"].as_str().context("row name")?.to_owned();
    let pod_ns = rows[0]["namespace"]
        .as_str()
        .context("row namespace")?
        .to_owned();
    f.rss = procs::rss_mib(serve_pid);
    f.rss_sim = procs::rss_mib(sim.id().unwrap_or(0));
    println!(
        "{} pods; RSS {:.0} MiB (sim {:.0} MiB)",
        f.pods, f.rss, f.rss_sim
    );

    // Pages: 10 sessions, each its own cookie and connection.
    let mut sessions = Vec::new();
    for _ in 0..SESSIONS {
        sessions.push(Conn::login(serve_addr, PASSWORD).await?);
    }
    let (bytes0, conns0) = relay.counts();
    for run in 0..RUNS {
        let mut tasks = Vec::new();
        for mut conn in sessions.drain(..) {
            let page = page.clone();
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::with_capacity(REQUESTS);
                for _ in 0..REQUESTS {
                    let t = Instant::now();
                    let (status, body) = conn.get(&page).await?;
                    times.push(t.elapsed());
                    if status != 200 || body.is_empty() {
                        bail!("page answered {status}");
                    }
                }
                Ok::<_, anyhow::Error>((conn, times))
            }));
        }
        let mut times = Vec::new();
        for task in tasks {
            let (conn, t) = task.await??;
            sessions.push(conn);
            times.extend(t);
        }
        f.pages.push((pct(&mut times, 0.50), pct(&mut times, 0.99)));
        println!(
            "pages run {run}: p50 {:?} p99 {:?}",
            f.pages[run].0, f.pages[run].1
        );
    }
    let (bytes1, conns1) = relay.counts();
    (f.page_upstream_bytes, f.page_upstream_connections) = (bytes1 - bytes0, conns1 - conns0);

    // The same list by kubectl, in the same run.
    for run in 0..RUNS {
        let k = kubeconfig.clone();
        let (took, rows) = tokio::task::spawn_blocking(move || kubectl_list(&k)).await??;
        println!("kubectl run {run}: {took:?}, {rows} lines");
        f.kubectl.push(took);
        f.kubectl_rows = rows;
    }

    // The pods page in a browser, before the streams' sessions exist.
    if site.is_some() {
        let loads = browser_loads(serve_addr).await?;
        println!("pods page in Chromium: {} loads", loads.len());
        f.browser = Some(loads);
    }

    // 200 live streams on a page holding one pod; change the pod.
    let mut stream_cookies = Vec::new();
    let logins: Vec<Result<Conn>> = futures::stream::iter(0..streams)
        .map(|_| Conn::login(serve_addr, PASSWORD))
        .buffer_unordered(4)
        .collect()
        .await;
    for conn in logins {
        stream_cookies.push(conn?.cookie);
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut readers = Vec::new();
    for (i, cookie) in stream_cookies.iter().enumerate() {
        readers.push(
            client::open_stream(serve_addr, cookie, CLUSTER, &pod_name, i, tx.clone()).await?,
        );
    }
    let mut ready = 0;
    while ready < streams {
        match tokio::time::timeout(Duration::from_secs(60), rx.recv()).await {
            Ok(Some(StreamEvent::Ready)) => ready += 1,
            Ok(Some(StreamEvent::Failed { stream, error })) => bail!("stream {stream}: {error}"),
            Ok(Some(_)) => {}
            _ => bail!("only {ready} of {streams} streams got their first page"),
        }
    }
    println!("{streams} streams open on {pod_ns}/{pod_name}");
    let kube = kube_client(&kubeconfig).await?;
    let pods: Api<Pod> = Api::namespaced(kube, &pod_ns);
    let mut mark = 0u64;
    for run in 0..RUNS {
        let mut latencies = Vec::new();
        let mut delivered = 0;
        for _ in 0..CHANGES {
            mark += 1;
            let patch = serde_json::json!({"metadata": {"labels": {"bench": mark.to_string()}}});
            let t0 = Instant::now();
            pods.patch(&pod_name, &PatchParams::default(), &Patch::Merge(&patch))
                .await?;
            f.write_call.push(t0.elapsed());
            let mut seen = vec![false; streams];
            let until = t0 + Duration::from_secs(10);
            let mut got = 0;
            while got < streams {
                let left = until.saturating_duration_since(Instant::now());
                match tokio::time::timeout(left, rx.recv()).await {
                    Ok(Some(StreamEvent::Mark {
                        stream,
                        mark: m,
                        at,
                    })) if m == mark && !seen[stream] => {
                        seen[stream] = true;
                        got += 1;
                        latencies.push(at - t0);
                    }
                    Ok(Some(StreamEvent::Failed { stream, error })) => {
                        bail!("stream {stream}: {error}")
                    }
                    Ok(Some(_)) => {}
                    _ => break,
                }
            }
            delivered += got;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let max = latencies.iter().max().copied().unwrap_or_default();
        let (p50, p99) = (pct(&mut latencies, 0.50), pct(&mut latencies, 0.99));
        println!(
            "streams run {run}: p50 {p50:?} p99 {p99:?} max {max:?}, {delivered}/{}",
            streams * CHANGES
        );
        f.streams
            .push((p50, p99, max, delivered, streams * CHANGES));
    }

    // Upstream watches with the streams open.
    f.rss_streams = procs::rss_mib(serve_pid);
    let mut sim_conn = Conn::open(sim_addr).await?;
    let (status, body) = sim_conn.get("/sim/v1/watches").await?;
    if status == 200 {
        f.watches_source = "the sim's `GET /sim/v1/watches`".into();
        let v: Value = serde_json::from_slice(&body)?;
        let list = v["watches"].as_array().cloned().unwrap_or_default();
        f.one_per_kind = !list.is_empty() && list.iter().all(|w| w["count"] == 1);
        f.watches = list
            .iter()
            .map(|w| format!("{} {}", w["resource"].as_str().unwrap_or("?"), w["count"]))
            .collect::<Vec<_>>()
            .join(", ");
    } else {
        f.watches_source = format!(
            "Pilothouse's `/metrics` (`pilothouse_watches`; the sim answered {} to `/sim/v1/watches`: not on `main` yet)",
            status
        );
        let m = admin.get_ok("/metrics").await?;
        let prefix = format!("pilothouse_watches{{cluster=\"{CLUSTER}\",kind=\"");
        let kinds: Vec<(String, String)> = m
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .filter_map(|l| {
                let (kind, rest) = l.split_once("\"}")?;
                Some((kind.to_owned(), rest.trim().to_owned()))
            })
            .collect();
        f.one_per_kind = !kinds.is_empty() && kinds.iter().all(|(_, v)| v == "1");
        let subscribers =
            client::metric(&m, "pilothouse_stream_subscribers", &synced).unwrap_or(0.0);
        f.watches = format!(
            "{} kinds, {}; pods subscribers {subscribers}",
            kinds.len(),
            kinds
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!("watches: {}", f.watches);

    for reader in readers {
        reader.abort();
    }
    let _ = serve.kill().await;
    let _ = sim.kill().await;
    Ok(f)
}

/// `kubectl get pods -A --chunk-size=500 --sort-by=.metadata.name`: its
/// time and output lines.
fn kubectl_list(kubeconfig: &Path) -> Result<(Duration, usize)> {
    let t = Instant::now();
    let out = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args([
            "get",
            "pods",
            "-A",
            "--chunk-size=500",
            "--sort-by=.metadata.name",
        ])
        .output()
        .context("running kubectl")?;
    let took = t.elapsed();
    if !out.status.success() {
        bail!("kubectl failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok((took, out.stdout.iter().filter(|&&b| b == b'\n').count()))
}

async fn kube_client(path: &Path) -> Result<kube::Client> {
    let kubeconfig = kube::config::Kubeconfig::read_from(path)?;
    let config = kube::Config::from_custom_kubeconfig(
        kubeconfig,
        &kube::config::KubeConfigOptions::default(),
    )
    .await?;
    Ok(kube::Client::try_from(config)?)
}

/// The pods page of all namespaces loaded in Chromium, [`RUNS`] times.
async fn browser_loads(serve: std::net::SocketAddr) -> Result<Vec<BrowserLoad>> {
    let env = [
        ("BENCH_BASE", format!("http://{serve}")),
        ("BENCH_PASSWORD", PASSWORD.to_owned()),
        ("BENCH_CLUSTER", CLUSTER.to_owned()),
        ("BENCH_RUNS", RUNS.to_string()),
    ];
    let last = browser::run_script("pods-page.mjs", &env).await?;
    let loads = last["loads"].as_array().context("no loads")?;
    Ok(loads
        .iter()
        .map(|l| BrowserLoad {
            first_rows: l["firstRowsMs"].as_f64().unwrap_or(f64::NAN),
            interactive: l["interactiveMs"].as_f64().unwrap_or(f64::NAN),
            dom_nodes: l["domNodes"].as_u64().unwrap_or(0) as usize,
        })
        .collect())
}
