//! `pilothouse diagram`: draw objects read from files or a cluster.

/// Flags of `pilothouse diagram`.
#[derive(Debug, clap::Args)]
pub struct DiagramArgs {}

/// Draws the requested diagram.
pub async fn run(_args: DiagramArgs) -> anyhow::Result<()> {
    anyhow::bail!("the diagram command is not built yet")
}
