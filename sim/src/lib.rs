//! The embedded cluster: a Kubernetes-API-compatible server with simulated
//! nodes, scheduler, controllers and kubelets.
//!
//! Layers, bottom up: [`store`] (objects, revisions, watch history),
//! [`admission`] (defaulting and validation on every write), [`registry`]
//! (served types, including CRDs), [`gc`] (ownerReference garbage collection,
//! namespace finalization, graceful pod deletion), [`api`] (the HTTP API),
//! [`cluster`] (the simulated cluster's contents and behaviour), and
//! [`server`] (binding, kubeconfig, lifecycle).

pub mod admission;
pub mod api;
pub mod clock;
pub mod cluster;
pub mod gc;
pub mod patch;
pub mod registry;
pub mod server;
pub mod store;
pub mod table;

pub use server::{Sim, SimConfig, SimError, SimHandle};
