//! The error a form handler sent the user back with (`?error=<code>`),
//! shown in the user's language. The forms post to plain server handlers
//! so they work without JavaScript; this is how their answer is shown.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::Key;
use crate::tr;

/// Shows the message `messages` gives for the page's `?error=` code;
/// nothing for no code or an unknown one.
#[component]
pub fn QueryError(messages: fn(&str) -> Option<Key>, testid: &'static str) -> impl IntoView {
    let query = use_query_map();
    let error = move || query.with(|q| q.get("error").and_then(|code| messages(&code)));
    move || {
        error().map(|key| {
            view! {
                <p class="form-error" role="alert" data-testid=testid>
                    {tr(key)}
                </p>
            }
        })
    }
}
