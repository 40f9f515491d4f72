//! Everything `pilothouse serve` does before it accepts a connection, in
//! order: data directory, database and migrations, session table, first
//! account. Integration tests call [`prepare`] the same way.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use leptos::config::{Env, LeptosOptions};
use tower_sessions_sqlx_store::SqliteStore;

use crate::accounts::UserStore;
use crate::accounts::bootstrap::{self, Bootstrap};
use crate::accounts::users::UserStoreError;
use crate::audit::AuditLog;
use crate::auth::rate_limit::LoginLimiter;
use crate::auth::sessions;
use crate::auth::verifier::Verifier;
use crate::config::{ConfigError, ServeConfig};
use crate::data_dir::{self, DataDirError};
use crate::db::{self, DbError};
use crate::state::AppState;

/// Start-up failed; the message is one line naming what and where.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    DataDir(#[from] DataDirError),
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot prepare the session table: {0}")]
    Sessions(#[source] sqlx::Error),
    #[error("cannot create the first account: {0}")]
    Accounts(#[from] UserStoreError),
}

/// A server ready to be routed.
pub struct Prepared {
    pub state: AppState,
    pub session_store: SqliteStore,
    pub bootstrap: Bootstrap,
}

/// Prepares storage and state for `config`. `admin_password` is
/// `PILOTHOUSE_ADMIN_PASSWORD`, used only when the database has no accounts.
pub async fn prepare(
    config: ServeConfig,
    admin_password: Option<String>,
) -> Result<Prepared, StartupError> {
    config.validate()?;
    data_dir::prepare(&config.data_dir)?;
    data_dir::prepare_database(&config.database_path())?;
    let pool = db::open(&config.database_path()).await?;
    db::migrate(&pool).await?;
    let session_store = sessions::store(pool.clone())
        .await
        .map_err(StartupError::Sessions)?;
    let users = UserStore::new(pool.clone());
    let bootstrap = bootstrap::ensure_admin(&users, admin_password).await?;

    let leptos_options = LeptosOptions::builder()
        .output_name("pilothouse")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .env(match std::env::var("LEPTOS_ENV").as_deref() {
            Ok("DEV") | Ok("dev") => Env::DEV,
            _ => Env::PROD,
        })
        .build();

    let state = AppState {
        leptos_options,
        login_limiter: Arc::new(LoginLimiter::new(
            config.login_limits(),
            Duration::from_secs(60),
        )),
        verifier: Arc::new(Verifier::default()),
        config: Arc::new(config),
        // No cluster until `serve` connects them (`clusters::connect`);
        // tests give their own.
        gateway: gateway::Gateway::start(Vec::new(), gateway::GatewayOptions::default()),
        session_store: session_store.clone(),
        audit: AuditLog::new(pool.clone()),
        users,
        pool,
        ready: Arc::new(AtomicBool::new(false)),
    };
    state.mark_ready();
    Ok(Prepared {
        state,
        session_store,
        bootstrap,
    })
}
