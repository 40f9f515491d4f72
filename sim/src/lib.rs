//! The embedded cluster: a Kubernetes-API-compatible server with simulated
//! nodes, scheduler, controllers and kubelets.
//!
//! Layers, bottom up: [`store`] (objects, revisions, watch history),
//! [`admission`] (defaulting and validation on every write), [`registry`]
//! (served types, including CRDs), [`gc`] (ownerReference garbage collection,
//! namespace finalization, graceful pod deletion), [`api`] (the HTTP API),
//! [`auth`] (the cluster's CA and who a request is made as), [`cluster`]
//! (the simulated cluster's contents and behaviour), [`persist`] (the
//! state and CA kept in a data directory across restarts), and [`server`]
//! (binding, HTTPS, kubeconfig, lifecycle).

pub mod admission;
pub mod api;
pub mod auth;
pub mod clock;
pub mod cluster;
pub mod gc;
pub mod kubeconfig;
mod listener;
pub mod patch;
pub mod persist;
pub mod registry;
pub mod server;
pub mod shell;
pub mod store;
pub mod table;

pub use server::{Sim, SimConfig, SimError, SimHandle};
