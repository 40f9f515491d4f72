//! Saving a user's language and theme, each change audited in the same
//! transaction, with the address it came from.

use app::i18n::Locale;
use app::session::Theme;
use app::ssr::{AuthenticatedUser, BoxFuture, UserSettings};

use crate::accounts::{Preference, UserStore};
use crate::audit::{AuditEvent, Outcome};

/// [`UserSettings`] over the accounts store.
pub struct StoredSettings {
    users: UserStore,
}

impl StoredSettings {
    pub fn new(users: UserStore) -> Self {
        Self { users }
    }

    async fn save(
        &self,
        user: &AuthenticatedUser,
        preference: Preference,
        value: &str,
    ) -> Result<(), String> {
        let event = AuditEvent {
            actor: user.username.clone(),
            action: format!("preferences.{}", preference.column()),
            target: format!("user/{}", user.username),
            outcome: Outcome::Success,
            client: user.client.clone(),
            detail: value.to_owned(),
        };
        self.users
            .save_preference(user.id, preference, value, &event)
            .await
            .map_err(|err| {
                tracing::error!(error = %err, "saving a preference failed");
                "the preference could not be saved".to_owned()
            })
    }
}

impl UserSettings for StoredSettings {
    fn save_locale<'a>(
        &'a self,
        user: &'a AuthenticatedUser,
        locale: Locale,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(self.save(user, Preference::Locale, locale.tag()))
    }

    fn save_theme<'a>(
        &'a self,
        user: &'a AuthenticatedUser,
        theme: Theme,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(self.save(user, Preference::Theme, theme.as_str()))
    }
}
