//! The topology drawn straight from the pods cache, under its read lock:
//! a host drawn one by one reads its pods off the cache's node index, a
//! grouped node only its per-namespace counts, so a drawing of 5,000
//! nodes and 150,000 pods neither copies nor reads every pod row. Rows
//! of namespaces the subject may not list are left out of both.

use std::collections::HashSet;

use diagram::{Diagram, Options, PodsByNode, Tally};
use k8s_openapi::api::core::v1::Node;

use crate::cache::RowCache;
use crate::row::Row;

/// The topology of `nodes` and of the pods in `pods` that `visible`
/// allows (asked once per namespace).
pub fn draw_topology(
    nodes: &[Node],
    pods: &RowCache,
    visible: &mut dyn FnMut(Option<&str>) -> bool,
    options: &Options,
) -> Result<Diagram, diagram::Error> {
    let visible: HashSet<&str> = pods
        .namespace_counts()
        .keys()
        .map(String::as_str)
        .filter(|ns| visible((!ns.is_empty()).then_some(*ns)))
        .collect();
    let cached = CachedPods {
        cache: pods,
        visible,
    };
    diagram::topology_by_node(nodes, &cached, options)
}

/// The pods cache as the topology reads it, through one subject's view.
struct CachedPods<'a> {
    cache: &'a RowCache,
    /// The namespaces the subject may list.
    visible: HashSet<&'a str>,
}

impl PodsByNode for CachedPods<'_> {
    type Pod = Row;

    fn total(&self) -> usize {
        self.cache
            .namespace_counts()
            .iter()
            .filter(|(ns, _)| self.visible.contains(ns.as_str()))
            .map(|(_, n)| n)
            .sum()
    }

    fn on_node(&self, node: &str) -> Vec<&Row> {
        let Some(on) = self.cache.on_node(node) else {
            return Vec::new();
        };
        on.rows()
            .iter()
            .filter(|r| {
                self.visible
                    .contains(r.namespace.as_deref().unwrap_or_default())
            })
            .map(|r| &**r)
            .collect()
    }

    fn tally_on_node(&self, node: &str, add: &mut dyn FnMut(&str, Tally)) {
        let Some(on) = self.cache.on_node(node) else {
            return;
        };
        for (namespace, tally) in on.per_namespace() {
            if self.visible.contains(namespace.as_str()) {
                add(namespace, *tally);
            }
        }
    }
}
