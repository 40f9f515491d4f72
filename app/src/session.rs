//! What the UI knows about the person looking at it.
//!
//! The server resolves a [`SessionInfo`] for every request (from the session
//! cookie, the user's stored preferences and `Accept-Language`) and puts it in
//! the request's extensions. Pages read it once during server rendering; it is
//! serialized into the page, so hydration sees the very same value.

use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

/// Light or dark colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl Theme {
    /// The value of the `data-theme` attribute and of the stored preference.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Parses a stored preference.
    pub fn from_str_opt(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The other theme.
    pub fn toggled(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

/// The signed-in user, as far as the browser may know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub username: String,
}

/// Everything the page shell needs: who is signed in (if anyone), and how
/// they want the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SessionInfo {
    pub user: Option<UserView>,
    pub locale: Locale,
    pub theme: Theme,
}

/// Reads the [`SessionInfo`] the server attached to the current request, or
/// the value serialized into the page when hydrating.
pub fn current_session() -> SessionInfo {
    let shared = leptos::prelude::SharedValue::new(session_from_request);
    shared.into_inner()
}

#[cfg(feature = "ssr")]
fn session_from_request() -> SessionInfo {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SessionInfo>().cloned())
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn session_from_request() -> SessionInfo {
    // Only reached when the page was not server-rendered (never, in
    // Pilothouse): the hydrated value always comes from the page.
    SessionInfo::default()
}
