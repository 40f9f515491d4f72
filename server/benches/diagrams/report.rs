//! The results file: the machine, the method and one table with a column
//! per cluster size, rewritten down to the `<!-- notes -->` line (the
//! hand-written reading of the figures below it is kept).

use std::fmt::Write;
use std::time::Duration;

use anyhow::Result;

use crate::stats::{machine, pct};
use crate::{Args, BROWSER_RUNS, CHANGES, CLUSTER, Figures, REQUESTS};

const NOTES_MARK: &str = "<!-- notes -->";

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn kib(bytes: usize) -> String {
    format!("{:.0} KiB", bytes as f64 / 1024.0)
}

/// "median [each load]" of one number the browser script reported.
fn loads(f: &Figures, field: &str, unit: &str) -> String {
    let mut values: Vec<f64> = f.loads.iter().filter_map(|l| l[field].as_f64()).collect();
    if values.is_empty() {
        return "not measured".into();
    }
    let each: Vec<String> = values.iter().map(|v| format!("{v:.0}")).collect();
    values.sort_by(f64::total_cmp);
    format!(
        "{:.0}{unit} [{}]",
        values[values.len() / 2],
        each.join(", ")
    )
}

pub fn write(args: &Args, all: &[Figures]) -> Result<()> {
    let mut o = String::new();
    let cols = |f: &dyn Fn(&Figures) -> String| all.iter().map(f).collect::<Vec<_>>().join(" | ");
    writeln!(o, "# Diagrams benchmark (issue 10)\n")?;
    writeln!(
        o,
        "Run: `cargo leptos build --release && cargo bench -p server --bench diagrams` \
         (`-- --scale 50x30` for the small cluster only). Harness: `server/benches/diagrams/` \
         and `end2end/bench/topology-page.mjs`.\n"
    )?;
    writeln!(
        o,
        "Machine: {}; shared with other engineers' builds. Run finished {}.\n",
        machine(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    )?;
    writeln!(
        o,
        "Set-up per size: `pilothouse sim --nodes N --pods-per-node 30` and `pilothouse serve --embedded off \
         --kubeconfig K` as two processes of the release build; measured once the nodes and pods caches synced \
         and the pod count settled. Server: one signed-in session, one warm-up then {REQUESTS} sequential \
         requests of `GET /api/v1/clusters/{CLUSTER}/diagrams/topology?format=svg` and of the page \
         `/c/{CLUSTER}/topology` (request sent → whole body read). Browser: Debian's Chromium, headless, \
         1600×1000, {BROWSER_RUNS} fresh sign-ins each loading the topology page (first contentful paint from \
         the Paint Timing API; DOM nodes = `getElementsByTagName('*')` at `load`), then on the hydrated page \
         {CHANGES} pods created one at a time straight in the cluster (bound to a worker, namespace \
         `bench-diagram`), each timed from just before the create call to the first mutation of the diagram \
         in the page (a MutationObserver; both clocks are this machine's wall clock), with the diagram \
         quiet for 1 s between creations.\n"
    )?;
    writeln!(
        o,
        "| measure | goal | {} |",
        cols(&|f| format!("{} nodes × {}", f.nodes, f.per_node))
    )?;
    writeln!(o, "|---|---|{}", "---:|".repeat(all.len()))?;
    let row = |o: &mut String, m: &str, goal: &str, f: &dyn Fn(&Figures) -> String| {
        let _ = writeln!(o, "| {m} | {goal} | {} |", cols(f));
    };
    row(&mut o, "pods in the cluster (settled)", "", &|f| {
        f.pods.to_string()
    });
    row(
        &mut o,
        "`serve` started → nodes and pods caches synced",
        "",
        &|f| format!("{:.2} s", f.sync.as_secs_f64()),
    );
    row(
        &mut o,
        "topology as SVG from the API (rows → model → layout → SVG + HTTP): p50 / p99",
        "≤ 100 ms",
        &|f| format!("{} / {}", ms(f.api_svg.0), ms(f.api_svg.1)),
    );
    row(
        &mut o,
        "of which, per drawing (server log; median over every topology drawn in the run): rows → objects / model / layout + SVG",
        "",
        &|f| {
            let median = |mut v: Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
            };
            let gather = median(f.splits.iter().map(|s| s.0).collect());
            let model = median(f.splits.iter().map(|s| s.1).collect());
            let api = f.api_svg.0.as_secs_f64() * 1e3;
            format!(
                "{gather:.1} ms / {model:.1} ms / ≈ {:.1} ms ({} drawings)",
                (api - gather - model).max(0.0),
                f.splits.len()
            )
        },
    );
    row(&mut o, "same: SVG size", "", &|f| kib(f.api_svg_bytes));
    row(
        &mut o,
        "topology page's HTML (server-rendered, linked SVG inside): p50 / p99",
        "",
        &|f| format!("{} / {}", ms(f.page_html.0), ms(f.page_html.1)),
    );
    row(&mut o, "same: HTML size", "", &|f| kib(f.page_html_bytes));
    row(
        &mut o,
        "Chromium: first contentful paint (median [loads])",
        "≤ 1 s",
        &|f| loads(f, "firstPaintMs", " ms"),
    );
    row(
        &mut o,
        "Chromium: DOM nodes at `load` (median [loads])",
        "≤ 3,000",
        &|f| loads(f, "domNodes", ""),
    );
    row(&mut o, "of which inside the diagram's SVG", "", &|f| {
        loads(f, "svgNodes", "")
    });
    row(
        &mut o,
        "Chromium: `load` → hydrated (median [loads])",
        "",
        &|f| loads(f, "hydratedAfterLoadMs", " ms"),
    );
    row(
        &mut o,
        "pod created → diagram changed in the page: p50 / p99 / max",
        "p99 ≤ 500 ms",
        &|f| {
            let mut v = f.changes.clone();
            let max = v.iter().max().copied().unwrap_or_default();
            format!(
                "{} / {} / {}",
                ms(pct(&mut v, 0.5)),
                ms(pct(&mut v, 0.99)),
                ms(max)
            )
        },
    );
    row(&mut o, "same: changes seen / timed out (10 s)", "", &|f| {
        format!("{} / {}", f.changes.len(), f.missed)
    });
    row(
        &mut o,
        "same: relists of the pods watch meanwhile",
        "",
        &|f| format!("{}", f.relists),
    );
    row(
        &mut o,
        "Pilothouse RSS at the end (sim not counted)",
        "",
        &|f| format!("{:.0} MiB", f.rss_after),
    );
    writeln!(o)?;
    let kept = std::fs::read_to_string(&args.out)
        .ok()
        .and_then(|old| {
            old.split_once(NOTES_MARK)
                .map(|(_, notes)| notes.to_owned())
        })
        .unwrap_or_else(|| "\n".into());
    write!(o, "{NOTES_MARK}{kept}")?;
    std::fs::write(&args.out, o)?;
    Ok(())
}
