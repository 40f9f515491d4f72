//! Changing one's own password. A plain HTML form that posts to the
//! server's `/account/password` handler (so it works without JavaScript);
//! the handler answers by coming back here with `?done=1` or `?error=`.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::query_error::QueryError;
use crate::i18n::Key;
use crate::tr;

/// The message for `?error=` codes the handler sends.
fn error_message(code: &str) -> Option<Key> {
    match code {
        "current" => Some(Key::PasswordErrorCurrent),
        "mismatch" => Some(Key::PasswordErrorMismatch),
        "short" => Some(Key::PasswordErrorShort),
        "long" => Some(Key::PasswordErrorLong),
        "same" => Some(Key::PasswordErrorSame),
        "rate" => Some(Key::PasswordErrorRateLimited),
        "busy" => Some(Key::LoginErrorBusy),
        "bad" => Some(Key::PasswordErrorBadRequest),
        "unavailable" => Some(Key::PasswordChangeFailed),
        _ => None,
    }
}

/// Current password, new password twice.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let query = use_query_map();
    let done = move || query.with(|q| q.get("done").is_some());
    view! {
        <section class="page" data-testid="password-page">
            <h1>{tr(Key::ChangePassword)}</h1>
            <QueryError messages=error_message testid="password-error" />
            <Show when=done>
                <p class="form-info" role="status" data-testid="password-changed">
                    {tr(Key::PasswordChanged)}
                </p>
            </Show>
            <form class="password-form" method="post" action="/account/password">
                <label>
                    <span>{tr(Key::CurrentPassword)}</span>
                    <input type="password" name="current_password" autocomplete="current-password" required />
                </label>
                <label>
                    <span>{tr(Key::NewPassword)}</span>
                    <input type="password" name="new_password" autocomplete="new-password" minlength="12" required />
                </label>
                <label>
                    <span>{tr(Key::ConfirmPassword)}</span>
                    <input type="password" name="confirm_password" autocomplete="new-password" minlength="12" required />
                </label>
                <button type="submit" class="button primary" data-testid="password-submit">
                    {tr(Key::ChangePassword)}
                </button>
            </form>
        </section>
    }
}
