//! The small static pages the sign-in handlers answer with when they cannot
//! simply redirect: no script (so the default CSP holds), every text a
//! translation and never user input.

use app::i18n::{Key, Locale};
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The language of the request, from `Accept-Language`.
pub fn request_locale(headers: &HeaderMap) -> Locale {
    Locale::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default(),
    )
}

/// A 400 page, in the user's language, saying what was wrong with the form.
pub fn bad_form(rejection: &FormRejection, locale: Locale) -> Response {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return (status, "request body too large\n").into_response();
    }
    message_page(
        StatusCode::BAD_REQUEST,
        locale,
        Key::BadRequestTitle,
        Key::LoginErrorBadRequest,
    )
}

/// A 500 page saying `message` (the database is down, or an audit row
/// could not be written and so the action was not taken).
pub fn server_error(locale: Locale, message: Key) -> Response {
    message_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        locale,
        Key::AppName,
        message,
    )
}

/// A minimal page with a link back to the sign-in form.
fn message_page(status: StatusCode, locale: Locale, title: Key, message: Key) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1><p>{message}</p><p><a href=\"/login\">{back}</a></p></body></html>",
        lang = locale.tag(),
        title = locale.t(title),
        message = locale.t(message),
        back = locale.t(Key::BackToSignIn),
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}
