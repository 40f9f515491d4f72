//! What the caller chooses about a diagram: language, selection, and how much
//! of a large cluster to draw in detail.

use crate::Lang;

/// Choices for building a diagram. `Options::default()` suits most callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Language of the fixed labels.
    pub lang: Lang,
    /// Only objects in this namespace (pods, services, workloads); nodes are cluster-wide.
    pub namespace: Option<String>,
    /// Only the object with this name: the pod of a pod diagram, the Service of a
    /// service map, the workload of an ownership diagram.
    pub name: Option<String>,
    /// Up to this many nodes, each node is drawn; above it, nodes are grouped
    /// by pool and zone with counts.
    pub max_detailed_nodes: usize,
    /// Up to this many pods per node (or per owner), each pod is drawn; above
    /// it, pods are summarised per namespace and owner.
    pub max_pods_per_box: usize,
    /// Ids of node groups (as in the drawn diagram, e.g. `group_pool_a_zone_eu_1a`)
    /// whose nodes are drawn one by one.
    pub expand: Vec<String>,
    /// At most this many nodes are drawn in one expanded group; the rest are counted.
    pub max_expanded_nodes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: Lang::En,
            namespace: None,
            name: None,
            max_detailed_nodes: 12,
            max_pods_per_box: 6,
            expand: Vec::new(),
            max_expanded_nodes: 24,
        }
    }
}

impl Options {
    /// Default options in `lang`.
    pub fn new(lang: Lang) -> Self {
        Options {
            lang,
            ..Options::default()
        }
    }

    pub(crate) fn in_namespace(&self, ns: &str) -> bool {
        self.namespace.as_deref().is_none_or(|n| n == ns)
    }
}
