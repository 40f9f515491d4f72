//! The `pilothouse` binary: one executable, several subcommands.
//!
//! `serve` (the default) runs the web app; `sim` runs the embedded cluster;
//! `sim-fault` breaks a running `sim` on purpose; `diagram` draws a cluster
//! or a manifest. Each subcommand lives in its own file under `cmd/` and only
//! parses its flags before calling into a library.

#![recursion_limit = "512"]

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "pilothouse",
    version,
    about = "A web-based Kubernetes cluster manager"
)]
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
    /// Inject a fault into a running `pilothouse sim` (stop a node, crash a container, …).
    SimFault(cmd::sim_fault::SimFaultArgs),
    /// Draw a cluster, a pod, a service or an ownership tree.
    Diagram(cmd::diagram::DiagramArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("pilothouse: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            None => cmd::serve::run(cmd::serve::ServeArgs::parse_from(["serve"])).await,
            Some(Command::Serve(args)) => cmd::serve::run(args).await,
            Some(Command::Sim(args)) => cmd::sim::run(args).await,
            Some(Command::SimFault(args)) => cmd::sim_fault::run(args).await,
            Some(Command::Diagram(args)) => cmd::diagram::run(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("pilothouse: {}", one_line(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, skipping a cause whose text the
/// message before it already ends with.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain().map(ToString::to_string) {
        if line.ends_with(&cause) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&cause);
    }
    line.replace('\n', " ")
}
