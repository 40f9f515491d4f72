//! `pilothouse serve`: the web app.

/// Flags of `pilothouse serve`.
#[derive(Debug, clap::Args, clap::Parser)]
pub struct ServeArgs {}

/// Serves the web app until SIGINT or SIGTERM.
pub async fn run(_args: ServeArgs) -> anyhow::Result<()> {
    anyhow::bail!("the web app is not built yet")
}
