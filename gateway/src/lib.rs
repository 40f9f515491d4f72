//! The gateway: everything between clusters and pages, server-side only.
//!
//! The data flows one way: cluster (through kube-rs, over the network) →
//! one shared watch per (cluster, kind) ([`watch`]) → a cache of compact
//! rows ([`cache`], [`rows`]) → the one authorisation function ([`authz`])
//! → pages, the JSON API and live streams ([`gateway`], [`live`]).
//!
//! Without the `runtime` feature the crate is only the plain data types
//! (rows, kinds, queries, diffs, cluster states), which the browser's
//! WebAssembly shares with the server.

pub mod detail;
pub mod diagram_query;
pub mod diff;
pub mod kind;
pub mod overview;
pub mod query;
pub mod related;
pub mod row;
pub mod status;

#[cfg(feature = "runtime")]
pub mod authz;
#[cfg(feature = "runtime")]
pub mod cache;
#[cfg(feature = "runtime")]
pub mod cluster;
#[cfg(feature = "runtime")]
pub mod diagrams;
#[cfg(feature = "runtime")]
pub mod discovery;
#[cfg(feature = "runtime")]
pub mod error;
#[cfg(feature = "runtime")]
pub mod gateway;
#[cfg(feature = "runtime")]
pub mod live;
#[cfg(feature = "runtime")]
pub mod metrics;
#[cfg(feature = "runtime")]
pub mod object;
#[cfg(feature = "runtime")]
pub mod relations;
#[cfg(feature = "runtime")]
pub mod rows;
#[cfg(feature = "runtime")]
pub mod selector;
#[cfg(feature = "runtime")]
pub mod shared_pages;
#[cfg(feature = "runtime")]
pub mod signals;
#[cfg(feature = "runtime")]
pub mod spec;
#[cfg(feature = "runtime")]
pub mod watch;

#[cfg(feature = "runtime")]
pub use authz::{Subject, authorize};
#[cfg(feature = "runtime")]
pub use error::GatewayError;
#[cfg(feature = "runtime")]
pub use gateway::{Gateway, GatewayOptions, KindList};
