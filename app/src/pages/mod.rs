//! One file per page.

pub mod account_password;
pub mod cluster;
pub mod home;
pub mod login;
pub mod not_found;
pub mod section;
