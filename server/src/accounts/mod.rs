//! Local user accounts.

pub mod bootstrap;
pub mod users;

pub use users::{User, UserStore};
