//! Local user accounts.

pub mod bootstrap;
pub mod users;

pub use users::{MAX_USERNAME_BYTES, Preference, User, UserStore};
