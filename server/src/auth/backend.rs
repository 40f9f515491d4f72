//! The axum-login backend: checks passwords against the `users` table.

use std::sync::Arc;

use axum_login::{AuthUser, AuthnBackend, UserId};

use super::verifier::{Verifier, VerifyError};
use crate::accounts::{User, UserStore};

/// The session type handlers extract.
pub type AuthSession = axum_login::AuthSession<Backend>;

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    /// Changing the password changes the hash and so ends every session.
    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

/// A username and password as typed on the login form.
#[derive(Clone, serde::Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// Password authentication over [`UserStore`].
#[derive(Debug, Clone)]
pub struct Backend {
    users: UserStore,
    verifier: Arc<Verifier>,
}

/// Looking a user up or checking a password failed for a reason other than
/// a wrong password.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Verify(#[from] VerifyError),
}

/// A valid Argon2id hash of a random password, checked when the user does
/// not exist so that unknown users take as long as wrong passwords.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$/8cPVgxWRBs9hGmyPkZk/w$BFD/DQA8tcYfMp8JKMbl+Fo8cmvWbgyV57vgbd2sL0Q";

impl Backend {
    pub fn new(users: UserStore, verifier: Arc<Verifier>) -> Self {
        Self { users, verifier }
    }

    /// Whether `password` is `user`'s, through the bounded [`Verifier`].
    pub async fn check_password(&self, user: &User, password: String) -> Result<bool, VerifyError> {
        self.verifier
            .verify(password, user.password_hash.clone())
            .await
    }
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = Credentials;
    type Error = BackendError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<User>, BackendError> {
        let user = self.users.by_username(&creds.username).await?;
        let hash = user
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| DUMMY_HASH.to_owned());
        let verified = self.verifier.verify(creds.password, hash).await?;
        Ok(user.filter(|u| verified && !u.disabled))
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<User>, BackendError> {
        Ok(self.users.by_id(*id).await?.filter(|u| !u.disabled))
    }
}
