//! The top bar: product name, cluster picker, preferences and the user menu.

use leptos::prelude::*;

use gateway::status::ClusterSummary;

use super::cluster_picker::ClusterPicker;
use super::preferences::{LanguageSwitch, ThemeToggle};
use crate::i18n::Key;
use crate::session::UserView;
use crate::tr;

/// The header of signed-in pages.
#[component]
pub fn AppHeader(clusters: Vec<ClusterSummary>, current: Signal<Option<String>>) -> impl IntoView {
    let user = use_context::<Option<UserView>>().flatten();
    let username = user.map(|u| u.username).unwrap_or_default();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"⎈"</span>
                <span class="brand-name">{tr(Key::AppName)}</span>
            </a>
            <ClusterPicker clusters=clusters current=current />
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
