//! The web server in-process (`tower::ServiceExt::oneshot`) over a real
//! SQLite file in a temporary directory: authentication, sessions, CSRF,
//! rate limiting, bad input and persistence across restarts.

mod web_support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use web_support::*;

#[tokio::test]
async fn pages_without_a_session_redirect_to_login() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let home = send(&app, get("/", None)).await;
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&home), "/login");
    let deep = send(&app, get("/workloads", None)).await;
    assert_eq!(location(&deep), "/login?next=/workloads");
    let login = send(&app, get("/login", None)).await;
    assert_eq!(login.status(), StatusCode::OK);
    assert!(body_text(login).await.contains("name=\"password\""));
}

#[tokio::test]
async fn server_functions_without_a_session_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let request = Request::post("/api/preferences/locale")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("locale=zh-CN"))
        .unwrap();
    let response = send(&app, request).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let wrong = send(&app, login_request("admin", "nope", None)).await;
    let unknown = send(&app, login_request("nobody", "nope", None)).await;
    assert_eq!(wrong.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&wrong), "/login?error=invalid");
    assert_eq!(location(&unknown), location(&wrong));
    assert!(session_cookie(&wrong).is_none());
}

#[tokio::test]
async fn the_right_password_opens_the_home_page_with_safe_cookies_and_headers() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let response = send(&app, login_request("admin", PASSWORD, None)).await;
    let set_cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let cookie = session_cookie(&response).unwrap();

    let home = send(&app, get("/", Some(&cookie))).await;
    assert_eq!(home.status(), StatusCode::OK);
    let csp = home.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("'nonce-"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(home.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(home.headers()[header::CACHE_CONTROL], "no-store");
    assert!(home.headers().contains_key(header::REFERRER_POLICY));
    assert!(home.headers().contains_key("x-request-id"));
    let html = body_text(home).await;
    assert!(html.contains("Welcome to Pilothouse"));
    assert!(html.contains("No cluster connected"));
    assert!(html.contains(">admin<"));
}

#[tokio::test]
async fn login_rotates_the_session_id() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let first = log_in(&app).await;
    let again = send(&app, login_request("admin", PASSWORD, Some(&first))).await;
    let second = session_cookie(&again).expect("a new cookie");
    assert_ne!(first, second);
    let old = send(&app, get("/", Some(&first))).await;
    assert_eq!(
        old.status(),
        StatusCode::SEE_OTHER,
        "the pre-login id is dead"
    );
    assert_eq!(
        send(&app, get("/", Some(&second))).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn cross_site_state_changes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let cookie = log_in(&app).await;
    let request = cross_site_post("/logout", "", Some(&cookie));
    assert_eq!(send(&app, request).await.status(), StatusCode::FORBIDDEN);
    let request = Request::post("/api/preferences/locale")
        .header(header::HOST, "localhost:3000")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("locale=zh-CN"))
        .unwrap();
    assert_eq!(send(&app, request).await.status(), StatusCode::FORBIDDEN);
    // The session survived the forged logout.
    assert_eq!(
        send(&app, get("/", Some(&cookie))).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_sixth_wrong_password_within_a_minute_is_rate_limited() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    for _ in 0..5 {
        let response = send(&app, login_request("admin", "wrong", None)).await;
        assert_eq!(location(&response), "/login?error=invalid");
    }
    let sixth = send(&app, login_request("admin", "wrong", None)).await;
    assert_eq!(location(&sixth), "/login?error=rate");
    let right = send(&app, login_request("admin", PASSWORD, None)).await;
    assert_eq!(
        location(&right),
        "/login?error=rate",
        "even the right password waits"
    );
    assert!(session_cookie(&right).is_none());
}

#[tokio::test]
async fn a_cookie_from_before_logout_no_longer_works() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let cookie = log_in(&app).await;
    let logout = Request::post("/logout")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let response = send(&app, logout).await;
    assert_eq!(location(&response), "/login?loggedout=1");
    let after = send(&app, get("/", Some(&cookie))).await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&after), "/login");
}

#[tokio::test]
async fn a_session_past_its_absolute_lifetime_must_sign_in_again_and_its_end_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    // No lifetime at all, which start-up would refuse: set behind its back,
    // so a session is over at once however busy it has been (the idle
    // timeout alone would keep it alive).
    let mut prepared = prepare(dir.path(), |_| {}).await;
    let mut config = (*prepared.state.config).clone();
    config.session_max_hours = 0;
    prepared.state.config = std::sync::Arc::new(config);
    let audit = prepared.state.audit.clone();
    let app = server::web::router(prepared.state, prepared.session_store);
    let response = send(
        &app,
        from_peer(login_request("admin", PASSWORD, None), "192.0.2.8"),
    )
    .await;
    let cookie = session_cookie(&response).unwrap();
    let after = send(
        &app,
        from_peer(get("/workloads", Some(&cookie)), "192.0.2.8"),
    )
    .await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&after), "/login?error=expired&next=/workloads");
    let page = send(&app, get("/login?error=expired", None)).await;
    assert!(body_text(page).await.contains("Your session has ended"));
    let expired = &audit.recent(1).await.unwrap()[0];
    assert_eq!(
        (
            expired.actor.as_str(),
            expired.action.as_str(),
            expired.client.as_str()
        ),
        ("admin", "session.expired", "192.0.2.8")
    );
}

#[tokio::test]
async fn users_and_sessions_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let cookie = {
        let app = app_in(dir.path()).await;
        log_in(&app).await
    };
    assert!(dir.path().join("data/pilothouse.db").is_file());
    let restarted = app_in(dir.path()).await;
    let home = send(&restarted, get("/", Some(&cookie))).await;
    assert_eq!(
        home.status(),
        StatusCode::OK,
        "the session row is in the file"
    );
    let login = send(&restarted, login_request("admin", PASSWORD, None)).await;
    assert_eq!(
        location(&login),
        "/",
        "the account was kept, not re-created"
    );
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let big = "a".repeat(2 * 1024 * 1024);
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(format!("username={big}&password=x")))
        .unwrap();
    assert_eq!(
        send(&app, request).await.status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn malformed_login_forms_get_a_clear_400() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("just-some-words"))
        .unwrap();
    let response = send(&app, request).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        body_text(response)
            .await
            .contains("The sign-in form was incomplete")
    );
    let wrong_type = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9")
        .body(Body::from("{\"username\":\"admin\"}"))
        .unwrap();
    let response = send(&app, wrong_type).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(body_text(response).await.contains("登录表单不完整"));
}

#[tokio::test]
async fn health_and_readiness_answer_without_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    assert_eq!(
        send(&app, get("/healthz", None)).await.status(),
        StatusCode::OK
    );
    let ready = send(&app, get("/readyz", None)).await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(body_text(ready).await, "ready\n");
}

#[tokio::test]
async fn the_language_follows_the_browser_then_the_users_choice() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let login_zh = Request::get("/login")
        .header(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9")
        .body(Body::empty())
        .unwrap();
    let html = body_text(send(&app, login_zh).await).await;
    assert!(
        html.contains("登录 Pilothouse"),
        "login page follows Accept-Language"
    );

    let cookie = log_in(&app).await;
    let html = body_text(send(&app, get("/", Some(&cookie))).await).await;
    // Without a cluster the navigation holds the sections that need none.
    assert!(html.contains(">Access<"));

    let save = Request::post("/api/preferences/locale")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, &cookie)
        .body(Body::from("locale=zh-CN"))
        .unwrap();
    let saved = send(&app, save).await;
    assert!(saved.status().is_success(), "{}", saved.status());
    let html = body_text(send(&app, get("/", Some(&cookie))).await).await;
    assert!(
        html.contains(">访问控制<"),
        "the choice is remembered for the user"
    );
    assert!(html.contains("lang=\"zh-CN\""));
}

#[tokio::test]
async fn logins_logouts_and_preference_changes_are_audited_with_their_address() {
    let dir = tempfile::tempdir().unwrap();
    let (app, state) = app_and_state(dir.path(), |_| {}).await;

    send(
        &app,
        from_peer(login_request("admin", "bad", None), "192.0.2.1"),
    )
    .await;
    // Typed in another case: the row names the stored account.
    let response = send(
        &app,
        from_peer(login_request("ADMIN", PASSWORD, None), "192.0.2.1"),
    )
    .await;
    let cookie = session_cookie(&response).unwrap();
    let save = form_post("/api/preferences/theme", "theme=dark", Some(&cookie));
    assert!(
        send(&app, from_peer(save, "192.0.2.1"))
            .await
            .status()
            .is_success()
    );
    let html = body_text(send(&app, get("/", Some(&cookie))).await).await;
    assert!(html.contains("data-theme=\"dark\""));
    let logout = send(&app, from_peer(logout_request(&cookie), "192.0.2.1")).await;
    assert_eq!(location(&logout), "/login?loggedout=1");

    let rows = state.audit.recent(10).await.unwrap();
    let summary: Vec<[&str; 5]> = rows
        .iter()
        .rev()
        .map(|r| [&*r.actor, &*r.action, &*r.target, &*r.outcome, &*r.client])
        .collect();
    let from = "192.0.2.1";
    assert_eq!(
        summary,
        vec![
            ["anonymous", "login", "user/admin", "failure", from],
            ["admin", "login", "user/admin", "success", from],
            ["admin", "preferences.theme", "user/admin", "success", from],
            ["admin", "logout", "user/admin", "success", from],
        ]
    );
}
