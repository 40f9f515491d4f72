//! The top bar: product name, cluster picker, preferences and the user menu.

use leptos::prelude::*;

use super::preferences::{LanguageSwitch, ThemeToggle};
use crate::i18n::Key;
use crate::session::UserView;
use crate::tr;

/// The header of signed-in pages.
#[component]
pub fn AppHeader() -> impl IntoView {
    let user = use_context::<Option<UserView>>().flatten();
    let username = user.map(|u| u.username).unwrap_or_default();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"⎈"</span>
                <span class="brand-name">{tr(Key::AppName)}</span>
            </a>
            <div class="cluster-picker" role="group" aria-label=tr(Key::ClusterPickerLabel)>
                <span class="cluster-picker-label">{tr(Key::ClusterPickerLabel)}</span>
                <span class="cluster-picker-value" data-testid="cluster-picker">{tr(Key::NoClusterConnected)}</span>
            </div>
            <div class="topbar-tools">
                <LanguageSwitch />
                <ThemeToggle />
                <div class="user-menu">
                    <span class="user-name">
                        <span class="user-label">{tr(Key::SignedInAs)}</span>
                        " "
                        <strong data-testid="username">{username}</strong>
                    </span>
                    <a class="button" href="/account/password" data-testid="change-password">
                        {tr(Key::ChangePassword)}
                    </a>
                    <form method="post" action="/logout" class="logout-form">
                        <button type="submit" class="button" data-testid="logout">{tr(Key::LogOut)}</button>
                    </form>
                </div>
            </div>
        </header>
    }
}
