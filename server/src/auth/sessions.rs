//! The session cookie and its store.

use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

use super::session_expiry;

/// Session key holding the Unix time of login, for the absolute timeout.
pub const LOGIN_AT_KEY: &str = "pilothouse.login_at";

/// Creates the session table if needed and starts deleting expired rows in
/// the background, each recorded in the audit log (see [`session_expiry`]).
pub async fn store(pool: sqlx::SqlitePool) -> Result<SqliteStore, sqlx::Error> {
    let store = SqliteStore::new(pool.clone())
        .with_table_name("sessions")
        .expect("a valid table name");
    store.migrate().await?;
    session_expiry::spawn(pool);
    Ok(store)
}

/// The cookie: HttpOnly, SameSite=Lax, `Secure` with the `__Host-` prefix
/// when served over TLS; expires after `idle_minutes` without a request.
pub fn layer(
    store: SqliteStore,
    secure: bool,
    idle_minutes: i64,
) -> SessionManagerLayer<SqliteStore> {
    let name = if secure {
        "__Host-pilothouse_session"
    } else {
        "pilothouse_session"
    };
    SessionManagerLayer::new(store)
        .with_name(name)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(Duration::minutes(idle_minutes)))
}

/// Whether the session `id` still exists and has not expired: a live
/// stream asks this, so signing out or expiring ends it.
pub async fn is_live(store: &SqliteStore, id: &tower_sessions::session::Id) -> bool {
    use tower_sessions::SessionStore;
    matches!(store.load(id).await, Ok(Some(record)) if record.expiry_date > tower_sessions::cookie::time::OffsetDateTime::now_utc())
}
