//! The language switch and the theme toggle. Both change the page at once
//! and then remember the choice for the user on the server.

use leptos::prelude::*;

use crate::i18n::{Key, Locale};
use crate::server_fns::preferences::{SaveLocale, SaveTheme};
use crate::session::Theme;
use crate::{tr, use_theme};

/// A `<select>` of the shipped languages.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = expect_context::<RwSignal<Locale>>();
    let save = ServerAction::<SaveLocale>::new();
    let failed = move || save.value().get().is_some_and(|r| r.is_err());
    view! {
        <label class="pref">
            <span class="visually-hidden">{tr(Key::Language)}</span>
            <select
                name="locale"
                data-testid="language-switch"
                on:change=move |ev| {
                    if let Some(chosen) = Locale::from_tag(&event_target_value(&ev)) {
                        locale.set(chosen);
                        save.dispatch(SaveLocale { locale: chosen });
                    }
                }
            >
                {Locale::ALL
                    .into_iter()
                    .map(|option| {
                        view! {
                            <option value=option.tag() selected=move || locale.get() == option>
                                {option.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
        <Show when=failed>
            <span class="pref-error" role="alert">{tr(Key::SavePreferenceFailed)}</span>
        </Show>
    }
}

/// A button that switches between light and dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = use_theme();
    let save = ServerAction::<SaveTheme>::new();
    let label = move || {
        let key = match theme.get() {
            Theme::Light => Key::ThemeDark,
            Theme::Dark => Key::ThemeLight,
        };
        tr(key)()
    };
    view! {
        <button
            type="button"
            class="button theme-toggle"
            data-testid="theme-toggle"
            aria-pressed=move || (theme.get() == Theme::Dark).to_string()
            on:click=move |_| {
                let next = theme.get_untracked().toggled();
                theme.set(next);
                save.dispatch(SaveTheme { theme: next });
            }
        >
            {label}
        </button>
    }
}
