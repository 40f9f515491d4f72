//! The frame of every signed-in page: header on top, navigation on the left,
//! the page itself in the middle.

use leptos::prelude::*;
use leptos_router::components::Outlet;

use super::{header::AppHeader, nav::SideNav};
use crate::i18n::Key;
use crate::tr;

/// Header, navigation and the routed page.
#[component]
pub fn AppLayout() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">{tr(Key::SkipToContent)}</a>
        <AppHeader />
        <div class="frame">
            <SideNav />
            <main id="main" class="content" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}
