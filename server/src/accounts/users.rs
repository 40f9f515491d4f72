//! The `users` table.

use std::fmt;

use sqlx::SqlitePool;

use crate::audit::{AuditEvent, AuditLog};

/// The longest username accepted, in bytes: longer ones are refused before
/// any lookup, and no account can be created with one.
pub const MAX_USERNAME_BYTES: usize = 128;

/// A preference stored per user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preference {
    Locale,
    Theme,
}

impl Preference {
    /// Its column, and the name its audit action carries.
    pub fn column(self) -> &'static str {
        match self {
            Preference::Locale => "locale",
            Preference::Theme => "theme",
        }
    }
}

/// A stored account. `Debug` hides the password hash.
#[derive(Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub locale: Option<String>,
    pub theme: Option<String>,
    pub disabled: bool,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("password_hash", &"[redacted]")
            .field("locale", &self.locale)
            .field("theme", &self.theme)
            .field("disabled", &self.disabled)
            .finish()
    }
}

/// Reads and writes accounts.
#[derive(Debug, Clone)]
pub struct UserStore {
    pool: SqlitePool,
}

/// An account could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum UserStoreError {
    #[error("usernames are at most {MAX_USERNAME_BYTES} bytes")]
    UsernameTooLong,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("password hashing failed: {0}")]
    Hashing(#[from] tokio::task::JoinError),
}

const COLUMNS: &str = "id, username, password_hash, locale, theme, disabled";

impl UserStore {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// The pool the store writes to (for transactions spanning audit rows).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// How many accounts exist.
    pub async fn count(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
    }

    /// The account with this name (case-insensitive), if any.
    pub async fn by_username(&self, username: &str) -> Result<Option<User>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE username = ?"))
            .bind(username)
            .fetch_optional(&self.pool)
            .await
    }

    /// The account with this id, if any.
    pub async fn by_id(&self, id: i64) -> Result<Option<User>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    /// Creates an account; the password is hashed with Argon2id off the
    /// async threads.
    pub async fn create(&self, username: &str, password: &str) -> Result<User, UserStoreError> {
        if username.len() > MAX_USERNAME_BYTES {
            return Err(UserStoreError::UsernameTooLong);
        }
        let hash = hash_password(password).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash) VALUES (?, ?) RETURNING id",
        )
        .bind(username)
        .bind(&hash)
        .fetch_one(&self.pool)
        .await?;
        Ok(self.by_id(id).await?.expect("the row just inserted exists"))
    }

    /// Replaces the password of account `id`, recording `event` in the same
    /// transaction so that neither lands without the other. Every session
    /// bound to the old hash ends with it (see `auth::backend`).
    pub async fn change_password(
        &self,
        id: i64,
        password: &str,
        event: &AuditEvent,
    ) -> Result<User, UserStoreError> {
        let hash = hash_password(password).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(&hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        AuditLog::record_in(&mut tx, event).await?;
        tx.commit().await?;
        let user = self.by_id(id).await?;
        Ok(user.ok_or(sqlx::Error::RowNotFound)?)
    }

    /// Stores one preference of account `id`, audited in the same
    /// transaction.
    pub async fn save_preference(
        &self,
        id: i64,
        preference: Preference,
        value: &str,
        event: &AuditEvent,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let column = preference.column();
        sqlx::query(&format!("UPDATE users SET {column} = ? WHERE id = ?"))
            .bind(value)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        AuditLog::record_in(&mut tx, event).await?;
        tx.commit().await
    }
}

/// Hashes with Argon2id off the async threads.
async fn hash_password(password: &str) -> Result<String, tokio::task::JoinError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await
}
