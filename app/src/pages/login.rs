//! The sign-in page. A plain HTML form that posts to the server's `/login`
//! handler, so it works the same with and without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::Key;
use crate::tr;

/// Why the user is looking at the login page again, from `?error=`.
fn error_message(code: &str) -> Option<Key> {
    match code {
        "invalid" => Some(Key::LoginErrorInvalid),
        "rate" => Some(Key::LoginErrorRateLimited),
        "expired" => Some(Key::LoginErrorExpired),
        "bad" => Some(Key::LoginErrorBadRequest),
        _ => None,
    }
}

/// Only local paths may be returned to after login (no open redirect).
pub fn safe_next(next: &str) -> Option<String> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains("://");
    (ok && next != "/login").then(|| next.to_string())
}

/// Username and password form.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.with(|q| q.get("error").and_then(|code| error_message(&code)));
    let logged_out = move || query.with(|q| q.get("loggedout").is_some());
    let next = move || {
        query.with(|q| {
            q.get("next")
                .and_then(|n| safe_next(&n))
                .unwrap_or_else(|| "/".into())
        })
    };
    view! {
        <div class="login-screen">
            <form class="login-card" method="post" action="/login" data-testid="login-form">
                <h1>
                    <span class="brand-mark" aria-hidden="true">"⎈"</span>
                    " "
                    {tr(Key::LoginTitle)}
                </h1>
                <p class="tagline">{tr(Key::Tagline)}</p>
                {move || {
                    error()
                        .map(|key| {
                            view! {
                                <p class="form-error" role="alert" data-testid="login-error">
                                    {tr(key)}
                                </p>
                            }
                        })
                }}
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

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next("/workloads").as_deref(), Some("/workloads"));
        assert_eq!(safe_next("//evil.example/"), None);
        assert_eq!(safe_next("https://evil.example/"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
        assert_eq!(safe_next("/login"), None);
        assert_eq!(safe_next("relative"), None);
    }
}
