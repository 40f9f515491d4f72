//! Where the topology finds each node's pods, as a trait. A drawing of
//! 5,000 nodes shows a few dozen hosts one by one and sums up the rest, so
//! it needs the pods of a few nodes and, for every other node, only how
//! many pods each namespace has there. A caller that keeps pods indexed by
//! node (the gateway's cache) answers both without reading 150,000 pods on
//! every drawing; [`PodSlice`] answers them from a plain list of pods, as
//! the command line has them.

use std::collections::HashMap;

use super::{PodFacts, State};

/// Pods counted for a summary box: how many, and how many of those are not
/// running normally (pending, failed, done).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Pods counted.
    pub pods: usize,
    /// Of those, the ones not running normally.
    pub unhealthy: usize,
}

impl Tally {
    /// The tally of one pod in `state`.
    pub fn of(state: State) -> Self {
        Self {
            pods: 1,
            unhealthy: usize::from(state != State::Normal),
        }
    }

    /// Adds `other` in.
    pub fn add(&mut self, other: Tally) {
        self.pods += other.pods;
        self.unhealthy += other.unhealthy;
    }
}

/// The pods of a cluster, as the topology reads them: node by node.
pub trait PodsByNode {
    /// The form a pod comes in (a `Pod`, a cached row).
    type Pod: PodFacts;

    /// How many pods there are in all (scheduled or not), for the title.
    fn total(&self) -> usize;

    /// The pods on `node`, oldest first: the order of a host's pod slots.
    fn on_node(&self, node: &str) -> Vec<&Self::Pod>;

    /// The pods on `node` counted per namespace, each namespace once.
    fn tally_on_node(&self, node: &str, add: &mut dyn FnMut(&str, Tally));
}

/// A list of pods indexed by node when the drawing starts.
pub struct PodSlice<'a, P> {
    total: usize,
    by_node: HashMap<&'a str, Vec<&'a P>>,
}

impl<'a, P: PodFacts> PodSlice<'a, P> {
    /// Indexes `pods` by the node each runs on, oldest first.
    pub fn new(pods: &'a [P]) -> Self {
        let mut by_node: HashMap<&str, Vec<&P>> = HashMap::new();
        for pod in pods {
            if let Some(node) = pod.node_name() {
                by_node.entry(node).or_default().push(pod);
            }
        }
        for pods in by_node.values_mut() {
            pods.sort_by(|a, b| slot_order(*a).cmp(&slot_order(*b)));
        }
        Self {
            total: pods.len(),
            by_node,
        }
    }
}

impl<P: PodFacts> PodsByNode for PodSlice<'_, P> {
    type Pod = P;

    fn total(&self) -> usize {
        self.total
    }

    fn on_node(&self, node: &str) -> Vec<&P> {
        self.by_node.get(node).cloned().unwrap_or_default()
    }

    fn tally_on_node(&self, node: &str, add: &mut dyn FnMut(&str, Tally)) {
        let mut per_namespace: HashMap<&str, Tally> = HashMap::new();
        for pod in self.by_node.get(node).into_iter().flatten() {
            per_namespace
                .entry(pod.namespace())
                .or_default()
                .add(Tally::of(pod.state()));
        }
        for (namespace, tally) in per_namespace {
            add(namespace, tally);
        }
    }
}

/// Where a pod sorts among its host's: by age, then by namespace and name,
/// so a pod that starts takes the next slot and no other box moves; when
/// one ends, only the younger pods of that host move up a slot.
pub fn slot_order<P: PodFacts + ?Sized>(pod: &P) -> (Option<i64>, &str, &str) {
    (pod.created(), pod.namespace(), pod.name())
}
