//! The sign-in page. A plain HTML form that posts to the server's `/login`
//! handler, so it works the same with and without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::query_error::QueryError;
use crate::i18n::Key;
use crate::tr;

/// Why the user is looking at the login page again, from `?error=`.
fn error_message(code: &str) -> Option<Key> {
    match code {
        "invalid" => Some(Key::LoginErrorInvalid),
        "rate" => Some(Key::LoginErrorRateLimited),
        "busy" => Some(Key::LoginErrorBusy),
        "expired" => Some(Key::LoginErrorExpired),
        "bad" => Some(Key::LoginErrorBadRequest),
        _ => None,
    }
}

/// Username and password form.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let logged_out = move || query.with(|q| q.get("loggedout").is_some());
    // Passed through as typed: the server checks it (`auth::next_path`)
    // before following it, and the attribute is escaped when rendered.
    let next = move || query.with(|q| q.get("next").unwrap_or_else(|| "/".into()));
    view! {
        <div class="login-screen">
            <form class="login-card" method="post" action="/login" data-testid="login-form">
                <h1>
                    <span class="brand-mark" aria-hidden="true">"⎈"</span>
                    " "
                    {tr(Key::LoginTitle)}
                </h1>
                <p class="tagline">{tr(Key::Tagline)}</p>
                <QueryError messages=error_message testid="login-error" />
                <Show when=logged_out>
                    <p class="form-info" role="status">{tr(Key::LoggedOut)}</p>
                </Show>
                <input type="hidden" name="next" prop:value=next value=next />
                <label>
                    <span>{tr(Key::LoginUsername)}</span>
                    <input type="text" name="username" autocomplete="username" required autofocus />
                </label>
                <label>
                    <span>{tr(Key::LoginPassword)}</span>
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                <button type="submit" class="button primary">{tr(Key::LoginSubmit)}</button>
            </form>
        </div>
    }
}
