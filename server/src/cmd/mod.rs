//! One file per subcommand of the `pilothouse` binary.

pub mod diagram;
pub mod serve;
pub mod sim;
pub mod sim_fault;
