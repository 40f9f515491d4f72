//! The workload controllers of the simulated cluster — ReplicaSet,
//! Deployment, StatefulSet, DaemonSet, Job, CronJob, Endpoints,
//! EndpointSlices, PodDisruptionBudgets (disruption), ClusterRole
//! aggregation and ResourceQuota status — written like kube-controller-manager's: level-triggered
//! reconcilers over the store's public API (watch → work queue keyed by
//! object → reconcile from the current state), owner references with
//! `controller: true`, adoption and release by selector, and the events
//! `kubectl describe` shows. Deleting what they own is left to `crate::gc`.

mod clusterrole_aggregation;
mod cron;
mod cronjob;
mod daemonset;
mod deployment;
mod deployment_status;
mod deployment_strategy;
mod disruption;
mod endpoints;
mod endpointslice;
mod job;
mod replicaset;
mod resourcequota;
mod revision;
mod runtime;
mod statefulset;
mod util;
mod volume;

use tokio::task::JoinHandle;

use super::ClusterContext;

pub(super) use clusterrole_aggregation::aggregate_all;

/// Spawns every controller; the tasks end on shutdown.
pub fn start(ctx: &ClusterContext) -> Vec<JoinHandle<()>> {
    let mut tasks = Vec::new();
    for controller in [
        replicaset::controller(ctx),
        deployment::controller(ctx),
        job::controller(ctx),
        cronjob::controller(ctx),
        endpoints::controller(ctx),
        endpointslice::controller(ctx),
        statefulset::controller(ctx),
        daemonset::controller(ctx),
        volume::controller(ctx),
        disruption::controller(ctx),
        clusterrole_aggregation::controller(ctx),
        resourcequota::controller(ctx),
    ] {
        tasks.extend(controller.spawn(&ctx.store, &ctx.shutdown));
    }
    tasks
}
