//! Logging: a `tracing` subscriber writing text or JSON lines to stderr.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// kube-rs logs every failed connection attempt as an error; the gateway
/// reports a cluster's state itself (picker, Overview, `/metrics`, one log
/// line per change), so an unreachable cluster would only flood the log.
const QUIET: &str = "kube_client::client::builder=off";

/// Installs the global subscriber. `filter` is an `EnvFilter` directive.
pub fn init(filter: &str, format: LogFormat) {
    let filter = if filter.contains("kube_client") {
        filter.to_owned()
    } else {
        format!("{filter},{QUIET}")
    };
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    // A second init (tests) keeps the first subscriber.
    let _ = result;
}
