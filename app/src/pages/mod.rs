//! One file per page.

pub mod cluster;
pub mod home;
pub mod login;
pub mod not_found;
pub mod section;
