//! Saving a user's language and theme, each change audited in the same
//! transaction.

use sqlx::SqlitePool;

use app::i18n::Locale;
use app::session::Theme;
use app::ssr::{AuthenticatedUser, BoxFuture, UserSettings};

use crate::audit::{AuditEvent, AuditLog};

/// [`UserSettings`] over the `users` table.
pub struct SqliteSettings {
    pool: SqlitePool,
}

impl SqliteSettings {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    async fn save(
        &self,
        user: &AuthenticatedUser,
        column: &'static str,
        value: &str,
    ) -> Result<(), String> {
        let run = async {
            let mut tx = self.pool.begin().await?;
            sqlx::query(&format!("UPDATE users SET {column} = ? WHERE id = ?"))
                .bind(value)
                .bind(user.id)
                .execute(&mut *tx)
                .await?;
            let event = AuditEvent {
                actor: user.username.clone(),
                action: format!("preferences.{column}"),
                target: format!("user/{}", user.username),
                outcome: "success".into(),
                client: String::new(),
                detail: value.to_owned(),
            };
            AuditLog::record_in(&mut tx, &event).await?;
            tx.commit().await
        };
        run.await.map_err(|err: sqlx::Error| {
            tracing::error!(error = %err, "saving a preference failed");
            "the preference could not be saved".to_owned()
        })
    }
}

impl UserSettings for SqliteSettings {
    fn save_locale<'a>(
        &'a self,
        user: &'a AuthenticatedUser,
        locale: Locale,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(self.save(user, "locale", locale.tag()))
    }

    fn save_theme<'a>(
        &'a self,
        user: &'a AuthenticatedUser,
        theme: Theme,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(self.save(user, "theme", theme.as_str()))
    }
}
