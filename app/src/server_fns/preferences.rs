//! Remembering a user's language and theme.

use leptos::prelude::*;

use crate::i18n::Locale;
use crate::session::Theme;

/// Stores the signed-in user's language.
#[server(prefix = "/api", endpoint = "preferences/locale")]
pub async fn save_locale(locale: Locale) -> Result<(), ServerFnError> {
    let user = crate::ssr::require_user().await?;
    let services = crate::ssr::services()?;
    services
        .settings
        .save_locale(&user, locale)
        .await
        .map_err(ServerFnError::new)
}

/// Stores the signed-in user's theme.
#[server(prefix = "/api", endpoint = "preferences/theme")]
pub async fn save_theme(theme: Theme) -> Result<(), ServerFnError> {
    let user = crate::ssr::require_user().await?;
    let services = crate::ssr::services()?;
    services
        .settings
        .save_theme(&user, theme)
        .await
        .map_err(ServerFnError::new)
}
