//! The embedded cluster: a Kubernetes-API-compatible server with simulated
//! nodes, scheduler, controllers and kubelets.
//!
//! Layers, bottom up (`DESIGN.md`, checked by `tests/layers.rs`): the
//! plain-data and pure modules [`clock`], [`registry`], [`patch`],
//! [`selector`] and [`table`]; [`admission`] (defaulting and validation)
//! and [`fieldmanager`] (managed fields, server-side apply); [`store`]
//! (objects, revisions, watch history); [`gc`], [`auth`] (the CA, who a
//! request is made as, RBAC) and [`faults`] (fault injection); [`listener`],
//! [`kubeconfig`] and [`persist`] (state kept across restarts); [`api`] (the
//! HTTP API) beside [`cluster`] (the simulated cluster's contents and
//! behaviour); and [`server`] (binding, HTTPS, lifecycle).

pub mod admission;
pub mod api;
pub mod auth;
pub mod clock;
pub mod cluster;
pub mod faults;
pub mod fieldmanager;
pub mod gc;
pub mod kubeconfig;
mod listener;
pub mod patch;
pub mod persist;
pub mod registry;
pub mod selector;
pub mod server;
pub mod shell;
pub mod store;
pub mod table;

pub use server::{Sim, SimConfig, SimError, SimHandle};
