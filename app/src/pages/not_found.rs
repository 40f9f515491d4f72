//! The page for addresses that lead nowhere.

use leptos::prelude::*;

use crate::i18n::Key;
use crate::tr;

/// "Page not found", with a 404 status when rendered on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let response = expect_context::<leptos_axum::ResponseOptions>();
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="page not-found">
            <h1>{tr(Key::NotFoundTitle)}</h1>
            <p>{tr(Key::NotFoundBody)}</p>
            <a href="/">{tr(Key::BackHome)}</a>
        </section>
    }
}
