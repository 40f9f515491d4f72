//! The Pilothouse server: configuration, accounts and sessions, the audit
//! store, and the HTTP router that serves the Leptos app.
//!
//! `main.rs` only parses the command line; everything here can be driven
//! in-process by the integration tests (`web::router` is a plain function).

#![recursion_limit = "512"]

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod clusters;
pub mod config;
pub mod data_dir;
pub mod db;
pub mod fonts;
pub mod https;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
