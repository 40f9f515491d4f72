//! Pilothouse diagrams: Kubernetes objects → diagram model → layout → PlantUML, SVG, PNG.
//!
//! The crate draws a cluster the way the seed document does: C4 style, the
//! "k8s master" in red and the "k8s worker" in green, a host boundary around a
//! node that is both, a pod as a boundary holding its containers, disks and
//! network address. It is pure (no IO, no async) and builds for wasm, so the
//! web app can call the SVG renderer in the browser.
//!
//! ```
//! use diagram::{ClusterObjects, Options, render};
//! let objects = ClusterObjects::from_values(vec![serde_json::json!({
//!     "apiVersion": "v1", "kind": "Node",
//!     "metadata": {"name": "cp-1", "labels": {"node-role.kubernetes.io/control-plane": ""}}
//! })]).unwrap();
//! let d = diagram::topology(&objects, &Options::default()).unwrap();
//! assert!(render::plantuml(&d).contains("!include <C4/C4_Container>"));
//! assert!(render::svg(&d).starts_with("<svg"));
//! ```

#![warn(missing_docs)]

mod error;
mod input;
pub mod lang;
pub mod layout;
pub mod model;
mod options;
pub mod render;
pub mod text;

pub use error::Error;
pub use input::ClusterObjects;
pub use lang::Lang;
pub use model::{Diagram, DiagramKind, PodFacts, PodsByNode, Tally, Target};
pub use options::Options;

/// Cluster topology: nodes as hosts with their master/worker roles,
/// components and pods; grouped by pool and zone when the cluster is large.
pub fn topology(objects: &ClusterObjects, options: &Options) -> Result<Diagram, Error> {
    model::topology(objects, options)
}

/// The topology of `nodes` and of pods kept in any form that answers
/// [`PodFacts`] (a caller's compact cache, rather than whole `Pod`s).
pub fn topology_of<P: PodFacts>(
    nodes: &[k8s_openapi::api::core::v1::Node],
    pods: &[P],
    options: &Options,
) -> Result<Diagram, Error> {
    model::topology_of(nodes, pods, options)
}

/// Topology of `nodes` with pods already indexed by node (a cache that
/// keeps them so): grouped nodes are read as counts, never pod by pod.
pub fn topology_by_node<I: PodsByNode>(
    nodes: &[k8s_openapi::api::core::v1::Node],
    pods: &I,
    options: &Options,
) -> Result<Diagram, Error> {
    model::topology_by_node(nodes, pods, options)
}

/// Pod anatomy of the pod named by `options.name` (or the only pod given).
pub fn pod(objects: &ClusterObjects, options: &Options) -> Result<Diagram, Error> {
    model::pod(objects, options)
}

/// Service map: Ingress → Service → EndpointSlice → Pod ← workload.
pub fn service_map(objects: &ClusterObjects, options: &Options) -> Result<Diagram, Error> {
    model::service_map(objects, options)
}

/// Ownership: workloads → ReplicaSets / Jobs → Pods.
pub fn ownership(objects: &ClusterObjects, options: &Options) -> Result<Diagram, Error> {
    model::ownership(objects, options)
}

/// Builds the diagram of `kind`.
pub fn build(
    kind: DiagramKind,
    objects: &ClusterObjects,
    options: &Options,
) -> Result<Diagram, Error> {
    match kind {
        DiagramKind::Topology => topology(objects, options),
        DiagramKind::Pod => pod(objects, options),
        DiagramKind::Service => service_map(objects, options),
        DiagramKind::Ownership => ownership(objects, options),
    }
}
