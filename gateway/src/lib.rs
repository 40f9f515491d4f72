//! The gateway: everything between clusters and pages, server-side only.
//!
//! - [`kind`]: what discovery says a cluster serves.
//! - [`row`] and [`rows`]: the compact projection a cache keeps per object.
//!
//! The data flows one way: cluster (through kube-rs, over the network) →
//! one shared watch per (cluster, kind) → a cache of rows → the one
//! authorisation function → pages, the JSON API and live streams.


pub mod kind;
pub mod row;
pub mod rows;
