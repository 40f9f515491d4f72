//! The simulated cluster: its initial contents (the seed) and the hook where
//! its behaviour (scheduler, kubelets, controllers, fault injection) starts.
//!
//! Behaviour is written as tasks that use the store's public API only —
//! `get`/`list`/`watch`/`create`/`update`/`modify`/`delete` — exactly like
//! an HTTP client, so every change they make bumps the revision and reaches
//! watchers.

mod conditions;
mod controllers;
pub mod events;
pub mod kubelet;
mod node_lifecycle;
mod quantity;
mod resync_watch;
pub mod scheduler;
mod seed;

use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::store::Store;

pub use seed::seed;

/// Size and shape of the simulated cluster.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Worker nodes (`worker-1..N`); ignored in single-node mode.
    pub workers: usize,
    /// Extra running pods seeded on every schedulable node (namespace `load`).
    pub pods_per_node: usize,
    /// One node, `control-plane`, that is also a worker (no NoSchedule taint).
    pub single_node: bool,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            workers: 3,
            pods_per_node: 0,
            single_node: false,
        }
    }
}

/// What cluster behaviour gets when it starts.
#[derive(Clone)]
pub struct ClusterContext {
    pub store: Store,
    pub clock: Clock,
    pub config: ClusterConfig,
    /// Flips to `true` when the simulator shuts down; tasks should end.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Fault injection (also served over HTTP under `/sim/v1`).
    pub faults: crate::faults::Faults,
}

/// Starts the cluster's behaviour (called once, after [`seed`], inside the
/// tokio runtime). Returns the spawned tasks; they end on shutdown.
///
/// Garbage collection, namespace finalization and the end of graceful pod
/// deletion are not here: they belong to the API semantics and run from
/// `crate::gc`, started by the server.
pub fn start(ctx: &ClusterContext) -> Vec<JoinHandle<()>> {
    // The node side: scheduling, kubelets, node lifecycle.
    let mut tasks = vec![
        scheduler::start(ctx),
        kubelet::start(ctx),
        node_lifecycle::start(ctx),
    ];
    // The workload side: controllers that keep declared state.
    tasks.extend(controllers::start(ctx));
    tasks
}
