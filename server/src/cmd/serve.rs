//! `pilothouse serve`: the web app, until SIGINT or SIGTERM.

use std::net::SocketAddr;

use anyhow::Context;
use server::accounts::bootstrap::{ADMIN_USERNAME, Bootstrap};
use server::config::ServeConfig;
use server::{clusters, https, startup, telemetry, web};

/// Flags of `pilothouse serve`.
#[derive(Debug, clap::Parser)]
pub struct ServeArgs {
    #[command(flatten)]
    pub config: ServeConfig,
}

/// Prepares storage, prints the first admin password if one was generated,
/// and serves until a shutdown signal.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let config = args.config;
    telemetry::init(&config.log_level, config.log_format);
    let listen = config.listen;
    let admin_password = std::env::var("PILOTHOUSE_ADMIN_PASSWORD").ok();
    if let Some(warning) = https::plain_http_warning(&config) {
        tracing::warn!("{warning}");
        eprintln!("{warning}");
    }
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(https::load(cert, key)?),
        _ => None,
    };
    let cluster_options = config.clusters.clone();
    let data_dir = config.data_dir.clone();
    let mut prepared = startup::prepare(config, admin_password).await?;
    let clusters = clusters::connect(&cluster_options, &data_dir).await?;
    prepared.state.gateway = clusters.gateway.clone();
    if let Some(embedded) = &clusters.embedded {
        println!(
            "The embedded cluster serves the Kubernetes API on {}",
            embedded.url()
        );
        if let Some(path) = embedded.kubeconfig_path() {
            println!("  kubectl --kubeconfig {} get pods -A", path.display());
        }
    }

    if let Bootstrap::CreatedWithGeneratedPassword(password) = &prepared.bootstrap {
        println!("================================================================");
        println!(" Pilothouse created the first account. It is shown only once:");
        println!("   username: {ADMIN_USERNAME}");
        println!("   password: {password}");
        println!("================================================================");
    }

    let app = web::router(prepared.state, prepared.session_store);
    if let Some(tls) = tls {
        let announce = |local| {
            tracing::info!(address = %local, "pilothouse is listening");
            println!("Pilothouse is listening on https://{local}/");
        };
        https::serve(app, listen, tls, shutdown_signal(), announce)
            .await
            .with_context(|| format!("cannot serve HTTPS on {listen}"))?;
        if let Some(embedded) = clusters.embedded {
            embedded.shutdown().await;
        }
        tracing::info!("pilothouse stopped");
        return Ok(());
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, "pilothouse is listening");
    println!("Pilothouse is listening on http://{local}/");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    if let Some(embedded) = clusters.embedded {
        embedded.shutdown().await;
    }
    tracing::info!("pilothouse stopped");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
