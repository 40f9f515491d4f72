//! Authentication: who is making a request.
//!
//! Sessions are server-side rows in SQLite (tower-sessions); axum-login
//! binds a session to a user and rotates its id at login. The guard in
//! [`guard`] runs on every request and refuses anything private without a
//! live session.

pub mod backend;
pub mod guard;
pub mod handlers;
pub mod rate_limit;
pub mod sessions;

pub use backend::{AuthSession, Backend, Credentials};
