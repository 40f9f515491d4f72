//! `/metrics` in the Prometheus text format: per cluster its connection,
//! and per shared watch its objects, relists and live viewers, so an
//! operator sees that there is one watch per kind however many sessions.

use std::fmt::Write;

use crate::gateway::Gateway;
use crate::query::SyncState;

/// The gateway's metrics as Prometheus text.
pub fn render(gateway: &Gateway) -> String {
    let mut out = String::new();
    let clusters = gateway.all_clusters();
    header(
        &mut out,
        "pilothouse_cluster_connected",
        "1 when the cluster's API server answers.",
    );
    for c in clusters {
        let up = u8::from(c.state() == crate::status::ConnectionState::Connected);
        let _ = writeln!(
            out,
            "pilothouse_cluster_connected{{cluster=\"{}\"}} {up}",
            label(c.name())
        );
    }
    let watches: Vec<_> = clusters
        .iter()
        .map(|c| (c.name().to_owned(), c.watch_summaries()))
        .collect();
    header(
        &mut out,
        "pilothouse_watches",
        "Upstream list+watch streams open, per cluster and kind.",
    );
    each(&mut out, &watches, "pilothouse_watches", |_| 1);
    header(
        &mut out,
        "pilothouse_cache_objects",
        "Rows in each shared cache.",
    );
    each(&mut out, &watches, "pilothouse_cache_objects", |w| {
        w.objects as u64
    });
    header(
        &mut out,
        "pilothouse_watch_relists_total",
        "Lists (first and re-) of each watch.",
    );
    each(&mut out, &watches, "pilothouse_watch_relists_total", |w| {
        w.relists
    });
    header(
        &mut out,
        "pilothouse_stream_subscribers",
        "Live views open on each cache.",
    );
    each(&mut out, &watches, "pilothouse_stream_subscribers", |w| {
        w.viewers as u64
    });
    header(
        &mut out,
        "pilothouse_cache_synced",
        "1 when the cache holds the whole list.",
    );
    each(&mut out, &watches, "pilothouse_cache_synced", |w| {
        u64::from(w.sync == SyncState::Synced)
    });
    out
}

fn header(out: &mut String, name: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
}

fn each(
    out: &mut String,
    watches: &[(String, Vec<crate::status::WatchSummary>)],
    name: &str,
    value: impl Fn(&crate::status::WatchSummary) -> u64,
) {
    for (cluster, summaries) in watches {
        for w in summaries {
            let _ = writeln!(
                out,
                "{name}{{cluster=\"{}\",kind=\"{}\"}} {}",
                label(cluster),
                label(&w.kind),
                value(w)
            );
        }
    }
}

/// Escapes a label value as the text format requires.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
