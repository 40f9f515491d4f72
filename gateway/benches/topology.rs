//! The topology drawn from the gateway's caches, before and after the
//! node index, in one run: 1,000 and 5,000 nodes with 30 pods each, as
//! compact rows in `RowCache`s (projected from the diagram engine's
//! synthetic clusters: 3 control-plane nodes, 4 pools × 3 zones, 20
//! namespaces).
//!
//! - *before*: every visible pod row copied out of the cache (as the
//!   gateway did), then indexed by node and drawn pod by pod;
//! - *after*: drawn under the cache's lock from its node index, grouped
//!   nodes read as per-namespace counts (`gateway::diagrams::draw_topology`).
//!
//! `cargo bench -p gateway --bench topology` prints the table and writes
//! `bench/results/topology-cache.md`.

#[path = "../../server/benches/shared/stats.rs"]
mod stats;
#[path = "../../diagram/tests/common/synthetic.rs"]
mod synthetic;

use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use diagram::{Options, layout, render};
use gateway::cache::RowCache;
use gateway::diagrams::{
    PAGE_MAX_DETAILED_NODES, PAGE_MAX_PODS_PER_BOX, draw_topology, node_of_row,
};
use gateway::kind::KindInfo;
use gateway::row::Row;
use gateway::rows;
use synthetic::{Shape, cluster};

const RUNS: usize = 15;

/// One size's figures (medians of [`RUNS`]).
struct Figures {
    nodes: usize,
    pods: usize,
    rows_to_nodes: Duration,
    before: Duration,
    after: Duration,
    layout_svg: Duration,
    upsert: Duration,
    same_svg: bool,
}

fn caches(shape: &Shape) -> (RowCache, RowCache) {
    let objects = cluster(shape);
    let node_kind = KindInfo::builtin("", "v1", "nodes", "Node", false);
    let pod_kind = KindInfo::builtin("", "v1", "pods", "Pod", true);
    let project = |kind: &KindInfo, o: serde_json::Value| rows::project(kind, &o);
    let mut nodes = RowCache::default();
    nodes.replace_all(
        objects
            .nodes
            .iter()
            .map(|n| project(&node_kind, serde_json::to_value(n).unwrap()))
            .collect(),
    );
    let mut pods = RowCache::default();
    pods.replace_all(
        objects
            .pods
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut value = serde_json::to_value(p).unwrap();
                // Distinct ages, so slots are ordered by age as in a real cluster.
                value["metadata"]["creationTimestamp"] = format!(
                    "2026-11-01T{:02}:{:02}:{:02}Z",
                    i / 3600 % 24,
                    i / 60 % 60,
                    i % 60
                )
                .into();
                project(&pod_kind, value)
            })
            .collect(),
    );
    (nodes, pods)
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t0 = Instant::now();
        let out = f();
        times.push(t0.elapsed());
        last = Some(out);
    }
    (stats::median(times), last.expect("runs > 0"))
}

fn measure(nodes: usize) -> Figures {
    let shape = Shape {
        nodes,
        pods: nodes * 30,
        control_plane: 3,
        pools: 4,
        zones: 3,
        namespaces: 20,
        seed: 42,
    };
    let (node_rows, mut pod_rows) = caches(&shape);
    let options = Options {
        max_detailed_nodes: PAGE_MAX_DETAILED_NODES,
        max_pods_per_box: PAGE_MAX_PODS_PER_BOX,
        ..Options::default()
    };
    let (rows_to_nodes, node_objects) = time(RUNS, || {
        node_rows.iter().map(|r| node_of_row(r)).collect::<Vec<_>>()
    });
    let (before, drawn_before) = time(RUNS, || {
        let rows: Vec<Arc<Row>> = pod_rows.iter().cloned().collect();
        diagram::topology_of(&node_objects, &rows, &options).expect("nodes")
    });
    let (after, drawn_after) = time(RUNS, || {
        draw_topology(&node_objects, &pod_rows, &mut |_| true, &options).expect("nodes")
    });
    let (layout_svg, svg) = time(RUNS, || {
        render::svg_with_layout(&drawn_after, &layout::layout(&drawn_after))
    });
    let same_svg = svg == render::svg_with_layout(&drawn_before, &layout::layout(&drawn_before));
    // Keeping the index: one pod changing state, as the watch applies it.
    let some: Vec<Row> = pod_rows.iter().step_by(97).map(|r| (**r).clone()).collect();
    let t0 = Instant::now();
    for (i, row) in some.iter().enumerate() {
        let mut changed = row.clone();
        changed.status = if i % 2 == 0 { "Pending" } else { "Running" }.into();
        changed.resource_version = format!("rv-{i}");
        pod_rows.upsert(changed);
    }
    let upsert = t0.elapsed() / some.len() as u32;
    Figures {
        nodes,
        pods: pod_rows.len(),
        rows_to_nodes,
        before,
        after,
        layout_svg,
        upsert,
        same_svg,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

fn main() {
    let figures: Vec<Figures> = [1_000, 5_000].into_iter().map(measure).collect();
    let mut table = String::from(
        "| nodes | pods | node rows → `Node`s ms | before: rows copied + drawn ms | after: drawn from the index ms | before ÷ after | layout + SVG ms | one pod row upserted µs | same SVG |\n|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for f in &figures {
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {} | {:.1}× | {} | {:.1} | {} |",
            f.nodes,
            f.pods,
            ms(f.rows_to_nodes),
            ms(f.before),
            ms(f.after),
            f.before.as_secs_f64() / f.after.as_secs_f64(),
            ms(f.layout_svg),
            f.upsert.as_secs_f64() * 1e6,
            if f.same_svg { "yes" } else { "NO" },
        );
    }
    print!("{table}");
    let report = format!(
        "# Topology from the caches (issue 10)\n\n`cargo bench -p gateway --bench topology` (release, one thread). Machine: {}. Run finished {}.\n\nCompact rows in `RowCache`s, projected from the diagram engine's synthetic clusters (3 control-plane nodes, 4 pools × 3 zones, 20 namespaces, 30 pods per node), drawn with the page's options (24 nodes drawn one by one at most, then node pools). Medians of {RUNS} runs, before and after in the same run. *Before*: every pod row copied out of the cache, indexed by node and drawn pod by pod (the gateway until this change). *After*: drawn under the cache's lock from its node index; a grouped node is read as per-namespace counts. \"Same SVG\" checks that both draw the same picture.\n\n{table}",
        stats::machine(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
    );
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../bench/results/topology-cache.md"
    );
    std::fs::write(path, report).expect("write bench/results/topology-cache.md");
    eprintln!("wrote {path}");
}
