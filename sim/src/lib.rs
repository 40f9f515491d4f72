//! The embedded cluster: a Kubernetes-API-compatible server with simulated
//! nodes, scheduler, controllers and kubelets.

pub mod patch;
pub mod table;
