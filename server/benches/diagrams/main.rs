//! Diagrams benchmark (issue 10): the live topology of a large cluster,
//! on the server and in Chromium.
//!
//! Per cluster size it starts `pilothouse sim` and `pilothouse serve` from
//! the built binary (as the gateway benchmark does), waits for the pods
//! cache to sync and the cluster to settle, then measures:
//! - the topology drawn by the server: `GET …/diagrams/topology?format=svg`
//!   (the gateway's rows → diagram model → layout → SVG, plus HTTP), and
//!   the topology page's HTML, which carries the linked SVG;
//! - the page in Chromium (`end2end/bench/topology-page.mjs`): first paint,
//!   DOM nodes, and one pod's creation (straight to the cluster) until the
//!   hydrated page's diagram has changed.
//!
//! Run (release build of the site, so the WebAssembly is what users get;
//! `kubectl` not needed; Chromium and `end2end/node_modules` are):
//!
//! ```text
//! cargo leptos build --release
//! cargo bench -p server --bench diagrams                       # 50×30 and 5000×30
//! cargo bench -p server --bench diagrams -- --scale 50x30      # the small cluster only
//! ```
//!
//! Flags: `--scale NODESxPODS_PER_NODE` (repeatable), `--bin PATH`,
//! `--site-root DIR` (`target/site`), `--out FILE`
//! (`bench/results/diagrams-ui.md`, rewritten down to `<!-- notes -->`).

#[path = "../shared/browser.rs"]
mod browser;
#[path = "../gateway/client.rs"]
#[allow(dead_code)]
mod client;
#[path = "../gateway/procs.rs"]
#[allow(dead_code)]
mod procs;
mod report;
#[path = "../shared/stats.rs"]
#[allow(dead_code)]
mod stats;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use client::Conn;
use stats::pct;

const CLUSTER: &str = "pilothouse-sim";
const PASSWORD: &str = "bench-admin-password-1";
/// Timed requests per measure (after one unmeasured warm-up).
const REQUESTS: usize = 15;
/// Page loads in Chromium, and pod creations timed on each.
const BROWSER_RUNS: usize = 3;
const CHANGES: usize = 10;

pub struct Args {
    bin: Option<String>,
    site_root: PathBuf,
    scales: Vec<(usize, usize)>,
    out: PathBuf,
}

fn args() -> Result<Args> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut args = Args {
        bin: None,
        site_root: repo.join("target/site"),
        scales: Vec::new(),
        out: repo.join("bench/results/diagrams-ui.md"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--bin" => args.bin = it.next(),
            "--site-root" => args.site_root = it.next().context("--site-root DIR")?.into(),
            "--out" => args.out = it.next().context("--out FILE")?.into(),
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
pub struct Figures {
    nodes: usize,
    per_node: usize,
    pods: usize,
    sync: Duration,
    /// Per drawing, from the server's log: (gather ms, model ms).
    splits: Vec<(f64, f64)>,
    /// Topology SVG from the API: (p50, p99), bytes.
    api_svg: (Duration, Duration),
    api_svg_bytes: usize,
    /// The topology page's HTML: (p50, p99), bytes.
    page_html: (Duration, Duration),
    page_html_bytes: usize,
    rss_after: f64,
    /// Per Chromium load: first paint, DOM nodes, SVG nodes, hydrated after load.
    loads: Vec<Value>,
    /// Pod created → the page's diagram changed.
    changes: Vec<Duration>,
    missed: usize,
    /// Relists of Pilothouse's pods watch while the changes were made.
    relists: f64,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = args()?;
    let bin = procs::find_binary(args.bin.as_deref())?;
    if !args.site_root.join("pkg").exists() {
        bail!(
            "{} has no pkg/: run `cargo leptos build --release` first or pass --site-root",
            args.site_root.display()
        );
    }
    println!("diagrams bench: {}", bin.display());
    let mut all = Vec::new();
    for &(nodes, per_node) in &args.scales {
        println!("== {nodes} nodes × {per_node} pods");
        all.push(run_scale(&args, &bin, nodes, per_node).await?);
        report::write(&args, &all)?;
    }
    println!("wrote {}", args.out.display());
    Ok(())
}

async fn run_scale(args: &Args, bin: &Path, nodes: usize, per_node: usize) -> Result<Figures> {
    let mut f = Figures {
        nodes,
        per_node,
        ..Figures::default()
    };
    let dir = tempfile::tempdir()?;
    let sim_proc = procs::start_sim(bin, nodes, per_node, dir.path()).await?;
    let (mut sim, sim_addr) = (sim_proc.child, sim_proc.addr);
    let k = sim_proc.kubeconfig.to_string_lossy().into_owned();

    let serve_addr = procs::free_addr()?;
    let (listen2, data) = (serve_addr.to_string(), dir.path().join("data"));
    let (data_s, site_s) = (
        data.to_string_lossy().into_owned(),
        args.site_root.to_string_lossy().into_owned(),
    );
    let started = Instant::now();
    let mut serve = procs::spawn(
        bin,
        &[
            "serve",
            "--embedded",
            "off",
            "--kubeconfig",
            &k,
            "--listen",
            &listen2,
            "--data-dir",
            &data_s,
            "--site-root",
            &site_s,
        ],
        &[
            ("PILOTHOUSE_ADMIN_PASSWORD", PASSWORD),
            // The gateway logs each diagram's split: gathering the
            // objects from the caches, then model + layout.
            ("PILOTHOUSE_LOG", "warn,gateway::diagrams=debug"),
            ("PILOTHOUSE_LOGIN_ATTEMPTS_PER_MINUTE", "50"),
        ],
        &dir.path().join("serve.log"),
    )?;
    let serve_pid = serve.id().context("serve has no pid")?;
    client::wait_ok(serve_addr, "/healthz", Duration::from_secs(120)).await?;
    let mut admin = Conn::login(serve_addr, PASSWORD).await?;
    wait_synced(&mut admin, "nodes", started).await?;
    wait_synced(&mut admin, "pods", started).await?;
    f.sync = started.elapsed();
    f.pods = settle(&mut admin).await?;
    println!("{} pods, synced after {:?}", f.pods, f.sync);

    let svg = format!("/api/v1/clusters/{CLUSTER}/diagrams/topology?format=svg");
    (f.api_svg, f.api_svg_bytes) = timed_gets(&mut admin, &svg).await?;
    println!("API SVG: {:?}, {} bytes", f.api_svg, f.api_svg_bytes);
    let page = format!("/c/{CLUSTER}/topology");
    (f.page_html, f.page_html_bytes) = timed_gets(&mut admin, &page).await?;
    println!("page HTML: {:?}, {} bytes", f.page_html, f.page_html_bytes);

    let node = a_worker(sim_addr).await?;
    let relists_before = relists(&mut admin).await?;
    let browser = chromium(serve_addr, sim_addr, &node).await?;
    f.relists = relists(&mut admin).await? - relists_before;
    f.loads = browser["loads"].as_array().cloned().unwrap_or_default();
    f.changes = browser["latencies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .map(|ms| Duration::from_secs_f64(ms / 1000.0))
        .collect();
    f.missed = browser["missed"].as_u64().unwrap_or(0) as usize;
    f.rss_after = procs::rss_mib(serve_pid);
    let log = std::fs::read_to_string(dir.path().join("serve.log"))?;
    f.splits = splits(&log);
    if f.missed > 0 || f.relists > 0.0 {
        // Why a change was missed, or a watch relisted, is in the server's
        // warnings (a failed watch says why).
        for line in log
            .lines()
            .map(without_colours)
            .filter(|l| l.contains("WARN"))
        {
            println!("serve: {line}");
        }
    }
    println!(
        "browser: loads {:?}; changes p50 {:?} p99 {:?}, {} missed, {} relists of pods",
        f.loads,
        pct(&mut f.changes.clone(), 0.5),
        pct(&mut f.changes.clone(), 0.99),
        f.missed,
        f.relists
    );

    let _ = serve.kill().await;
    let _ = sim.kill().await;
    Ok(f)
}

/// The `gather_ms` and `model_ms` of every topology the server drew.
fn splits(log: &str) -> Vec<(f64, f64)> {
    let field = |line: &str, name: &str| -> Option<f64> {
        let at = line.find(&format!("{name}="))? + name.len() + 1;
        line[at..].split_whitespace().next()?.parse().ok()
    };
    log.lines()
        .map(without_colours)
        .filter(|l| l.contains("diagram built") && l.contains("topology"))
        .filter_map(|l| Some((field(&l, "gather_ms")?, field(&l, "model_ms")?)))
        .collect()
}

/// A log line without its ANSI colour sequences (`ESC [ … m`), which the
/// text format puts around field names.
fn without_colours(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// How many times Pilothouse's pods watch has listed again so far (after
/// a 410, a dropped connection or a restart), from its `/metrics`.
async fn relists(admin: &mut Conn) -> Result<f64> {
    let labels = format!("cluster=\"{CLUSTER}\",kind=\"pods\"");
    let m = admin.get_ok("/metrics").await?;
    Ok(client::metric(&m, "pilothouse_watch_relists_total", &labels).unwrap_or(0.0))
}

/// Waits until Pilothouse's cache of `kind` holds the whole list.
async fn wait_synced(admin: &mut Conn, kind: &str, started: Instant) -> Result<()> {
    let labels = format!("cluster=\"{CLUSTER}\",kind=\"{kind}\"");
    loop {
        let m = admin.get_ok("/metrics").await?;
        if client::metric(&m, "pilothouse_cache_synced", &labels) == Some(1.0) {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(900) {
            bail!("{kind} cache not synced after 15 min");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the pod count stops growing (DaemonSet pods land on every
/// node after start-up); returns it.
async fn settle(admin: &mut Conn) -> Result<usize> {
    let page = format!("/api/v1/clusters/{CLUSTER}/resources/pods?limit=1");
    let until = Instant::now() + Duration::from_secs(180);
    let mut last = usize::MAX;
    loop {
        let body: Value = serde_json::from_str(&admin.get_ok(&page).await?)?;
        let total = body["total"].as_u64().unwrap_or(0) as usize;
        if total == last || Instant::now() > until {
            return Ok(total);
        }
        last = total;
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
}

/// `GET path` once to warm up, then [`REQUESTS`] times: (p50, p99), bytes.
async fn timed_gets(conn: &mut Conn, path: &str) -> Result<((Duration, Duration), usize)> {
    let bytes = conn.get_ok(path).await?.len();
    let mut times = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let t = Instant::now();
        let (status, _) = conn.get(path).await?;
        times.push(t.elapsed());
        if status != 200 {
            bail!("GET {path}: {status}");
        }
    }
    Ok(((pct(&mut times, 0.5), pct(&mut times, 0.99)), bytes))
}

/// A worker node's name, asked of the cluster.
async fn a_worker(sim: std::net::SocketAddr) -> Result<String> {
    let mut conn = Conn::open(sim).await?;
    let body: Value = serde_json::from_str(&conn.get_ok("/api/v1/nodes?limit=20").await?)?;
    body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|n| {
            n["metadata"]["labels"]
                .get("node-role.kubernetes.io/control-plane")
                .is_none()
        })
        .and_then(|n| n["metadata"]["name"].as_str())
        .map(str::to_owned)
        .context("the cluster lists no worker node")
}

/// Runs `end2end/bench/topology-page.mjs` and returns what it printed.
async fn chromium(
    serve: std::net::SocketAddr,
    sim: std::net::SocketAddr,
    node: &str,
) -> Result<Value> {
    let env = [
        ("BENCH_BASE", format!("http://{serve}")),
        ("BENCH_PASSWORD", PASSWORD.to_owned()),
        ("BENCH_CLUSTER", CLUSTER.to_owned()),
        ("BENCH_SIM", format!("http://{sim}")),
        ("BENCH_NODE", node.to_owned()),
        ("BENCH_RUNS", BROWSER_RUNS.to_string()),
        ("BENCH_CHANGES", CHANGES.to_string()),
    ];
    browser::run_script("topology-page.mjs", &env).await
}
