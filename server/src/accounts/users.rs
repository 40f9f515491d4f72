//! The `users` table.

use std::fmt;

use sqlx::SqlitePool;

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

/// A password could not be hashed (the blocking task died).
#[derive(Debug, thiserror::Error)]
pub enum UserStoreError {
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
        let password = password.to_owned();
        let hash =
            tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash) VALUES (?, ?) RETURNING id",
        )
        .bind(username)
        .bind(&hash)
        .fetch_one(&self.pool)
        .await?;
        Ok(self.by_id(id).await?.expect("the row just inserted exists"))
    }
}
