//! The `pilothouse` binary: one executable, several subcommands.
//!
//! `serve` (the default) runs the web app; `sim` runs the embedded cluster;
//! `diagram` draws a cluster or a manifest. Each subcommand lives in its own
//! file under `cmd/` and only parses its flags before calling into a library.

mod cmd;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "pilothouse", version, about = "A web-based Kubernetes cluster manager")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the web app (the default).
    Serve(cmd::serve::ServeArgs),
    /// Run the embedded Kubernetes-API-compatible cluster in the foreground.
    Sim(cmd::sim::SimArgs),
    /// Draw a cluster, a pod, a service or an ownership tree.
    Diagram(cmd::diagram::DiagramArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match cli.command {
        None => runtime.block_on(cmd::serve::run(cmd::serve::ServeArgs::parse_from(["serve"]))),
        Some(Command::Serve(args)) => runtime.block_on(cmd::serve::run(args)),
        Some(Command::Sim(args)) => runtime.block_on(cmd::sim::run(args)),
        Some(Command::Diagram(args)) => runtime.block_on(cmd::diagram::run(args)),
    }
}
