//! Reusable pieces of the page shell.

pub mod header;
pub mod layout;
pub mod nav;
pub mod preferences;
pub mod query_error;
