//! Authentication: who is making a request.
//!
//! Sessions are server-side rows in SQLite (tower-sessions); axum-login
//! binds a session to a user and rotates its id at login. The guard in
//! [`guard`] runs on every request and refuses anything private without a
//! live session. Password checks are counted ([`rate_limit`]) before they
//! run and bounded in number ([`verifier`]).

pub mod attempt;
pub mod backend;
pub mod client_address;
pub mod guard;
pub mod handlers;
pub mod next_path;
mod pages;
pub mod password_change;
pub mod rate_limit;
pub mod session_expiry;
pub mod sessions;
pub mod verifier;

pub use backend::{AuthSession, Backend, Credentials};
