//! Reusable pieces of the page shell.

pub mod age;
pub mod cluster_picker;
pub mod diagram_panel;
pub mod header;
pub mod layout;
pub mod nav;
pub mod preferences;
pub mod query_error;
pub mod rows_table;
pub mod stream_notice;
