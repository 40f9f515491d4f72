//! Helpers shared by the web server's in-process tests: the router over a
//! real SQLite file in a temporary directory, and requests as a browser
//! would send them.

#![allow(dead_code)]

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use server::config::ServeConfig;
use server::startup::{self, Prepared};
use server::state::AppState;

pub const PASSWORD: &str = "correct horse battery staple";

pub async fn app_in(dir: &std::path::Path) -> Router {
    app_with(dir, |_| {}).await
}

/// The router over `dir` with a changed configuration.
pub async fn app_with(dir: &std::path::Path, change: impl FnOnce(&mut ServeConfig)) -> Router {
    let (app, _) = app_and_state(dir, change).await;
    app
}

/// The router and the state it shares, for tests that look inside.
pub async fn app_and_state(
    dir: &std::path::Path,
    change: impl FnOnce(&mut ServeConfig),
) -> (Router, AppState) {
    let Prepared {
        state,
        session_store,
        ..
    } = prepare(dir, change).await;
    (server::web::router(state.clone(), session_store), state)
}

/// Storage and state over `dir`, not yet routed.
pub async fn prepare(dir: &std::path::Path, change: impl FnOnce(&mut ServeConfig)) -> Prepared {
    let mut config = ServeConfig::for_data_dir(dir.join("data"));
    config.site_root = dir.join("site");
    change(&mut config);
    startup::prepare(config, Some(PASSWORD.into()))
        .await
        .expect("server prepares")
}

pub async fn send(app: &Router, request: Request<Body>) -> Response<Body> {
    app.clone().oneshot(request).await.expect("router answers")
}

pub async fn body_text(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

pub fn location(response: &Response<Body>) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The `name=value` of the session cookie a response sets, if any.
pub fn session_cookie(response: &Response<Body>) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| {
            c.starts_with("pilothouse_session=") || c.starts_with("__Host-pilothouse_session=")
        })
        .map(|c| c.split(';').next().unwrap().to_owned())
}

pub fn login_request(username: &str, password: &str, cookie: Option<&str>) -> Request<Body> {
    login_request_to(username, password, "/", cookie)
}

/// A sign-in that asks to go to `next` afterwards.
pub fn login_request_to(
    username: &str,
    password: &str,
    next: &str,
    cookie: Option<&str>,
) -> Request<Body> {
    let body = format!(
        "username={}&password={}&next={}",
        urlencode(username),
        urlencode(password),
        urlencode(next)
    );
    form_post("/login", &body, cookie)
}

/// A same-origin form post, as the browser sends one.
pub fn form_post(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

/// A form post from another site, as a forging page would send it.
pub fn cross_site_post(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = form_post(path, body, cookie);
    let headers = request.headers_mut();
    headers.insert(header::HOST, "localhost:3000".parse().unwrap());
    headers.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    headers.insert("sec-fetch-site", "cross-site".parse().unwrap());
    request
}

/// `request` as if it came over a connection from `peer`.
pub fn from_peer(mut request: Request<Body>, peer: &str) -> Request<Body> {
    let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path);
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::empty()).unwrap()
}

pub async fn log_in(app: &Router) -> String {
    let response = send(app, login_request("admin", PASSWORD, None)).await;
    assert_eq!(response.status(), axum::http::StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    session_cookie(&response).expect("login sets the session cookie")
}

/// `POST /logout` with `cookie`.
pub fn logout_request(cookie: &str) -> Request<Body> {
    form_post("/logout", "", Some(cookie))
}
