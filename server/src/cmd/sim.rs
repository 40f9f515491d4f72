//! `pilothouse sim`: the embedded cluster in the foreground.

/// Flags of `pilothouse sim`.
#[derive(Debug, clap::Args)]
pub struct SimArgs {}

/// Runs the simulator until interrupted.
pub async fn run(_args: SimArgs) -> anyhow::Result<()> {
    anyhow::bail!("the simulator is not built yet")
}
