//! Benchmark of the diagram engine: model + layout + SVG for synthetic
//! clusters of 10, 100, 1,000 and 5,000 nodes with 30 pods each.
//!
//! `cargo bench -p diagram` prints a table and writes it to
//! `bench/results/diagram.md`. Times are medians of several runs.

#[path = "../tests/common/synthetic.rs"]
mod synthetic;

use std::fmt::Write;
use std::time::{Duration, Instant};

use diagram::{Options, layout, render};
use synthetic::{Shape, cluster};

struct Row {
    case: String,
    pods: usize,
    boxes: usize,
    relations: usize,
    model: Duration,
    layout: Duration,
    svg: Duration,
    total: Duration,
    svg_bytes: usize,
    puml_bytes: usize,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn measure(case: &str, shape: &Shape, options: &Options, runs: usize) -> Row {
    let objects = cluster(shape);
    let (mut model_t, mut layout_t, mut svg_t, mut total_t) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..runs {
        let t0 = Instant::now();
        let d = diagram::topology(&objects, options).expect("synthetic clusters have nodes");
        let t1 = Instant::now();
        let l = layout::layout(&d);
        let t2 = Instant::now();
        let svg = render::svg_with_layout(&d, &l);
        let t3 = Instant::now();
        model_t.push(t1 - t0);
        layout_t.push(t2 - t1);
        svg_t.push(t3 - t2);
        total_t.push(t3 - t0);
        last = Some((d, svg));
    }
    let (d, svg) = last.expect("at least one run");
    Row {
        case: case.to_string(),
        pods: objects.pods.len(),
        boxes: d.elements().len() + d.boundaries().len(),
        relations: d.relations.len(),
        model: median(model_t),
        layout: median(layout_t),
        svg: median(svg_t),
        total: median(total_t),
        svg_bytes: svg.len(),
        puml_bytes: render::plantuml(&d).len(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut rows = Vec::new();
    for nodes in [10, 100, 1_000, 5_000] {
        let shape = Shape {
            nodes,
            pods: nodes * 30,
            control_plane: 3.min(nodes),
            pools: 4,
            zones: 3,
            namespaces: 20,
            seed: 42,
        };
        let runs = if nodes >= 1_000 { 5 } else { 9 };
        rows.push(measure(
            &format!("{nodes} nodes"),
            &shape,
            &Options::default(),
            runs,
        ));
        if nodes == 5_000 {
            // One node group expanded, as a user drilling into the picture would.
            let d = diagram::topology(&cluster(&shape), &Options::default()).expect("nodes");
            let group = d
                .boundaries()
                .iter()
                .find(|b| b.id.starts_with("group_"))
                .map(|b| b.id.clone())
                .expect("grouped");
            let options = Options {
                expand: vec![group],
                ..Options::default()
            };
            rows.push(measure(
                "5000 nodes, 1 group expanded",
                &shape,
                &options,
                runs,
            ));
        }
    }
    let shape = Shape {
        nodes: 100,
        pods: 3_000,
        control_plane: 3,
        pools: 4,
        zones: 3,
        namespaces: 20,
        seed: 42,
    };
    rows.push(measure(
        "100 nodes, all drawn",
        &shape,
        &Options {
            max_detailed_nodes: 100,
            ..Options::default()
        },
        5,
    ));

    let mut table = String::new();
    table.push_str("| case | pods | boxes | relations | model ms | layout ms | SVG ms | total ms | SVG bytes | PlantUML bytes |\n");
    table.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in &rows {
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.case,
            r.pods,
            r.boxes,
            r.relations,
            ms(r.model),
            ms(r.layout),
            ms(r.svg),
            ms(r.total),
            r.svg_bytes,
            r.puml_bytes
        );
    }
    println!("{table}");
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let report = format!(
        "# Diagram engine benchmark\n\n\
         `cargo bench -p diagram` (release profile, single thread, {cores} cores on the machine, shared with other builds).\n\
         Topology diagram of synthetic clusters: 3 control-plane nodes, workers in 4 pools × 3 zones, 30 pods per node in 20 namespaces.\n\
         Times are medians of 5–9 runs; \"total\" is model + layout + SVG. Above 12 nodes, workers are grouped by pool and zone.\n\n{table}"
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/results/diagram.md");
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create bench/results");
    std::fs::write(&path, report).expect("write bench/results/diagram.md");
    println!("written to {}", path.display());
}
