//! The first account. An empty database gets an `admin` whose password comes
//! from `PILOTHOUSE_ADMIN_PASSWORD` or is generated and shown once.

use rand::Rng;
use rand::distr::Alphanumeric;

use super::users::{UserStore, UserStoreError};

/// Name of the account created on first start.
pub const ADMIN_USERNAME: &str = "admin";

/// What [`ensure_admin`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Bootstrap {
    /// Accounts already existed; nothing was created.
    Existing,
    /// `admin` was created with the password from the environment.
    CreatedFromEnvironment,
    /// `admin` was created with this generated password, to be shown once.
    CreatedWithGeneratedPassword(String),
}

/// Creates `admin` when there are no accounts at all.
pub async fn ensure_admin(
    users: &UserStore,
    password_from_env: Option<String>,
) -> Result<Bootstrap, UserStoreError> {
    if users.count().await? > 0 {
        return Ok(Bootstrap::Existing);
    }
    match password_from_env.filter(|p| !p.is_empty()) {
        Some(password) => {
            users.create(ADMIN_USERNAME, &password).await?;
            Ok(Bootstrap::CreatedFromEnvironment)
        }
        None => {
            let password: String = rand::rng()
                .sample_iter(&Alphanumeric)
                .take(20)
                .map(char::from)
                .collect();
            users.create(ADMIN_USERNAME, &password).await?;
            Ok(Bootstrap::CreatedWithGeneratedPassword(password))
        }
    }
}
