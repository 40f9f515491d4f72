//! The results file: the machine, the method and one table with a column
//! per cluster size, rewritten down to the `<!-- notes -->` line.

use std::time::Duration;

use std::fmt::Write;

use anyhow::Result;

use crate::stats::{machine, median};
use crate::{Args, CHANGES, CLUSTER, Figures, REQUESTS, SESSIONS};

const NOTES_MARK: &str = "<!-- notes -->";

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// "median [run, run, run]".
fn runs(v: impl Iterator<Item = Duration>) -> String {
    let v: Vec<Duration> = v.collect();
    let each: Vec<String> = v.iter().copied().map(ms).collect();
    format!("{} [{}]", ms(median(v)), each.join(", "))
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// "first rows / interactive / DOM nodes", medians, then each run.
fn browser(loads: &[crate::BrowserLoad]) -> String {
    let med = |f: &dyn Fn(&crate::BrowserLoad) -> f64| {
        let mut v: Vec<f64> = loads.iter().map(f).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let each: Vec<String> = loads
        .iter()
        .map(|l| format!("{:.0}/{:.0}/{}", l.first_rows, l.interactive, l.dom_nodes))
        .collect();
    format!(
        "{:.0} ms / {:.0} ms / {:.0} (median of {}) [{}]",
        med(&|l| l.first_rows),
        med(&|l| l.interactive),
        med(&|l| l.dom_nodes as f64),
        loads.len(),
        each.join(", ")
    )
}

pub fn write_report(args: &Args, all: &[Figures]) -> Result<()> {
    let mut o = String::new();
    let cols = |f: &dyn Fn(&Figures) -> String| all.iter().map(f).collect::<Vec<_>>().join(" | ");
    writeln!(o, "# Gateway benchmark (issue 8)\n")?;
    writeln!(
        o,
        "Run: `cargo build --release -p server --bin pilothouse && cargo bench -p server --bench gateway` \
         (release profile; `-- --scale 50x30` for the small cluster only). Harness: `server/benches/gateway/`.\n"
    )?;
    writeln!(
        o,
        "Machine: {}; shared with other engineers' builds. Run finished {}.\n",
        machine(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    )?;
    writeln!(
        o,
        "Set-up per size: `pilothouse sim --nodes N --pods-per-node 30` as its own process; \
         `pilothouse serve --embedded off --kubeconfig K` as another, reaching the sim through a byte-counting TCP relay \
         run by the harness. Pages: `GET /api/v1/clusters/{CLUSTER}/resources/pods?sort=name&limit=100`, \
         {SESSIONS} signed-in sessions (own cookie, own kept-alive connection) × {REQUESTS} requests each, concurrently; \
         latency is request sent → whole body read. Streams: {} signed-in sessions, one WebSocket each (`Origin` set), \
         subscribed to the pods page filtered by the first pod's name; the harness patches a label of that pod \
         (merge patch straight to the sim, which bumps its resourceVersion and so the row) and times from just before \
         the PATCH to each stream's `page` message carrying the new value; {CHANGES} changes 300 ms apart per run. \
         \"median of 3\" = the median over 3 runs of each run's percentile; the runs follow in brackets.\n",
        args.streams
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
    row(
        &mut o,
        "pods in the cluster (API `total`, settled)",
        "",
        &|f| f.pods.to_string(),
    );
    row(&mut o, "sim start-up to serving (context)", "", &|f| {
        secs(f.sim_start)
    });
    row(
        &mut o,
        "time to sync: `serve` started → pods cache synced",
        "",
        &|f| secs(f.sync),
    );
    row(
        &mut o,
        "Pilothouse RSS after sync (sim not counted)",
        "≤ 600 MB",
        &|f| format!("{:.0} MiB ({:.0} MB)", f.rss, f.rss * 1.048_576),
    );
    row(&mut o, "Pilothouse RSS with the streams open", "", &|f| {
        format!("{:.0} MiB", f.rss_streams)
    });
    row(&mut o, "sim RSS (not counted)", "", &|f| {
        format!("{:.0} MiB", f.rss_sim)
    });
    row(
        &mut o,
        "first page, first request after sync (one session)",
        "",
        &|f| ms(f.cold_page),
    );
    row(
        &mut o,
        "first 100-row page by name, 10 sessions: p50 (median of 3)",
        "",
        &|f| runs(f.pages.iter().map(|p| p.0)),
    );
    row(&mut o, "same: p99 (median of 3)", "≤ 30 ms", &|f| {
        runs(f.pages.iter().map(|p| p.1))
    });
    row(
        &mut o,
        "bytes Pilothouse sent to the cluster during the page runs",
        "0 (no call per page)",
        &|f| {
            format!(
                "{} B, {} new connections",
                f.page_upstream_bytes, f.page_upstream_connections
            )
        },
    );
    row(
        &mut o,
        "`kubectl get pods -A --chunk-size=500 --sort-by=.metadata.name` (median of 3)",
        "",
        &|f| {
            format!(
                "{} [{}], {} lines",
                secs(median(f.kubectl.clone())),
                f.kubectl
                    .iter()
                    .map(|d| secs(*d))
                    .collect::<Vec<_>>()
                    .join(", "),
                f.kubectl_rows
            )
        },
    );
    row(
        &mut o,
        "kubectl ÷ Pilothouse page (p50 / p99)",
        "≥ 100×",
        &|f| {
            let k = median(f.kubectl.clone()).as_secs_f64();
            let p50 = median(f.pages.iter().map(|p| p.0).collect()).as_secs_f64();
            let p99 = median(f.pages.iter().map(|p| p.1).collect()).as_secs_f64();
            format!("{:.0}× / {:.0}×", k / p50, k / p99)
        },
    );
    row(
        &mut o,
        "pod changed → row in every stream: p50 (median of 3)",
        "",
        &|f| runs(f.streams.iter().map(|s| s.0)),
    );
    row(&mut o, "same: p99 (median of 3)", "≤ 100 ms", &|f| {
        runs(f.streams.iter().map(|s| s.1))
    });
    row(
        &mut o,
        "same: slowest delivery; delivered / expected",
        "",
        &|f| {
            let max = f.streams.iter().map(|s| s.2).max().unwrap_or_default();
            let (d, e) = f.streams.iter().fold((0, 0), |a, s| (a.0 + s.3, a.1 + s.4));
            format!("{}; {d}/{e}", ms(max))
        },
    );
    row(&mut o, "the PATCH call itself (median)", "", &|f| {
        ms(median(f.write_call.clone()))
    });
    row(
        &mut o,
        "upstream watches with the streams open",
        "one per kind per cluster",
        &|f| {
            format!(
                "{}: {}",
                if f.one_per_kind {
                    "one per kind"
                } else {
                    "NOT one per kind"
                },
                f.watches
            )
        },
    );
    row(
        &mut o,
        "pods page in Chromium: first rows / interactive / DOM nodes",
        "≤ 1 s / ≤ 2 s / ≤ 1,400",
        &|f| match &f.browser {
            None => "not measured (no built site: `cargo leptos build --release`)".into(),
            Some(loads) => browser(loads),
        },
    );
    if let Some(f) = all.first() {
        writeln!(o, "\nWatch counts came from {}.", f.watches_source)?;
    }
    let kept = std::fs::read_to_string(&args.out)
        .ok()
        .and_then(|old| old.find(NOTES_MARK).map(|i| old[i..].to_owned()))
        .unwrap_or_else(|| format!("{NOTES_MARK}\n"));
    writeln!(o)?;
    o.push_str(&kept);
    std::fs::write(&args.out, o)?;
    Ok(())
}
