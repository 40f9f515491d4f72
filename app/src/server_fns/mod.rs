//! Server functions: the browser's only way to ask the server for data or a
//! change. Each checks the session itself (see `ssr::require_user`).

pub mod cluster;
pub mod diagram;
pub mod preferences;
