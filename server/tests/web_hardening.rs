//! The sign-in hardening of issue 7, in-process over a real SQLite file:
//! throttling under concurrency, the redirect after sign-in, audit rows
//! that fail closed and do not flood, the client address behind proxies,
//! security headers on refusals, HTTPS cookies and changing one's password.

mod web_support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use web_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_concurrent_wrong_passwords_get_at_most_five_checks_and_the_owner_still_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let (app, state) = app_and_state(dir.path(), |_| {}).await;
    let guesses: Vec<_> = (0..30)
        .map(|_| {
            let app = app.clone();
            let request = from_peer(login_request("admin", "guess", None), "198.51.100.1");
            tokio::spawn(async move { location(&send(&app, request).await) })
        })
        .collect();
    let mut answers = Vec::new();
    for guess in guesses {
        answers.push(guess.await.unwrap());
    }
    let checked = answers
        .iter()
        .filter(|a| *a == "/login?error=invalid")
        .count();
    let limited = answers.iter().filter(|a| *a == "/login?error=rate").count();
    assert_eq!(checked + limited, 30, "{answers:?}");
    assert!(checked <= 5, "{checked} guesses were checked");
    assert_eq!(state.verifier.started(), checked as u64);

    let owner = send(
        &app,
        from_peer(login_request("admin", PASSWORD, None), "198.51.100.2"),
    )
    .await;
    assert_eq!(location(&owner), "/");
    assert!(session_cookie(&owner).is_some());
}

#[tokio::test]
async fn next_values_that_could_leave_the_site_land_on_home() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    for hostile in [
        "/\t/evil.example",
        "/%09/evil.example",
        "/\n/evil.example",
        "/%0a/evil.example",
        "\\evil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "/%5C%5Cevil.example",
    ] {
        let response = send(&app, login_request_to("admin", PASSWORD, hostile, None)).await;
        assert_eq!(location(&response), "/", "{hostile:?}");
    }
    for ordinary in ["/workloads", "/workloads?namespace=default&kind=Pod"] {
        let response = send(&app, login_request_to("admin", PASSWORD, ordinary, None)).await;
        assert_eq!(location(&response), ordinary);
    }
}

#[tokio::test]
async fn a_flood_of_rate_limited_attempts_leaves_a_few_rows_that_count_it() {
    let dir = tempfile::tempdir().unwrap();
    let (app, state) = app_and_state(dir.path(), |_| {}).await;
    for _ in 0..1000 {
        send(
            &app,
            from_peer(login_request("admin", "guess", None), "203.0.113.66"),
        )
        .await;
    }
    let rows = state.audit.recent(100).await.unwrap();
    assert!(rows.len() <= 10, "{} rows", rows.len());
    let failures = rows.iter().filter(|r| r.outcome == "failure").count() as i64;
    let denied: i64 = rows
        .iter()
        .filter(|r| r.outcome == "denied")
        .map(|r| r.count)
        .sum();
    assert_eq!(failures, 5);
    assert_eq!(
        failures + denied,
        1000,
        "the rows still say how many there were"
    );
}

#[tokio::test]
async fn with_the_audit_table_unwritable_sign_in_is_refused_and_no_session_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let (app, state) = app_and_state(dir.path(), |_| {}).await;
    sqlx::query(
        "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events \
         BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .execute(&state.pool)
    .await
    .unwrap();
    let response = send(&app, login_request("admin", PASSWORD, None)).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(session_cookie(&response).is_none());
    assert!(body_text(response).await.contains("could not be recorded"));
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&state.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
}

#[tokio::test]
async fn a_username_over_128_bytes_is_refused_before_any_check() {
    let dir = tempfile::tempdir().unwrap();
    let (app, state) = app_and_state(dir.path(), |_| {}).await;
    let long = "a".repeat(129);
    let response = send(&app, login_request(&long, PASSWORD, None)).await;
    assert_eq!(location(&response), "/login?error=invalid");
    assert_eq!(state.verifier.started(), 0);
    assert!(state.audit.recent(1).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_forwarded_address_is_believed_only_from_a_trusted_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let (app, state) = app_and_state(dir.path(), |c| {
        c.trusted_proxies = vec!["10.0.0.1".parse().unwrap()];
    })
    .await;
    for peer in ["10.0.0.1", "10.0.0.9"] {
        let mut request = login_request("admin", "guess", None);
        request
            .headers_mut()
            .insert("x-forwarded-for", "203.0.113.5".parse().unwrap());
        send(&app, from_peer(request, peer)).await;
    }
    let rows = state.audit.recent(2).await.unwrap();
    let clients: Vec<&str> = rows.iter().rev().map(|r| r.client.as_str()).collect();
    assert_eq!(clients, ["203.0.113.5", "10.0.0.9"]);
}

#[tokio::test]
async fn csrf_refusals_carry_the_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let request = cross_site_post("/login", "username=admin&password=x", None);
    let response = send(&app, request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    for name in [
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
    ] {
        assert!(response.headers().contains_key(name), "{name} missing");
    }
}

#[tokio::test]
async fn over_https_the_cookie_is_host_prefixed_and_secure_and_hsts_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(dir.path(), |c| {
        c.tls_cert = Some("cert.pem".into());
        c.tls_key = Some("key.pem".into());
    })
    .await;
    let response = send(&app, login_request("admin", PASSWORD, None)).await;
    let set_cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        set_cookie.starts_with("__Host-pilothouse_session="),
        "{set_cookie}"
    );
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    assert!(
        response
            .headers()
            .contains_key(header::STRICT_TRANSPORT_SECURITY)
    );
}

/// Asks to change the password of the session `cookie` belongs to.
fn change_password(cookie: &str, current: &str, new: &str) -> Request<Body> {
    let body = format!(
        "current_password={}&new_password={}&confirm_password={}",
        urlencode(current),
        urlencode(new),
        urlencode(new)
    );
    form_post("/account/password", &body, Some(cookie))
}

#[tokio::test]
async fn a_password_change_needs_the_current_password_and_ends_other_sessions() {
    const NEW: &str = "a brand new passphrase";
    let dir = tempfile::tempdir().unwrap();
    let (app, state) = app_and_state(dir.path(), |_| {}).await;
    let this_browser = log_in(&app).await;
    let other_browser = log_in(&app).await;

    let wrong = send(&app, change_password(&this_browser, "not it", NEW)).await;
    assert_eq!(location(&wrong), "/account/password?error=current");
    let changed = send(&app, change_password(&this_browser, PASSWORD, NEW)).await;
    assert_eq!(location(&changed), "/account/password?done=1");

    let here = send(&app, get("/account/password?done=1", Some(&this_browser))).await;
    assert_eq!(here.status(), StatusCode::OK, "this session goes on");
    assert!(
        body_text(here)
            .await
            .contains("Your password has been changed")
    );
    let there = send(&app, get("/", Some(&other_browser))).await;
    assert_eq!(location(&there), "/login", "the other session has ended");

    let old = send(&app, login_request("admin", PASSWORD, None)).await;
    assert_eq!(location(&old), "/login?error=invalid");
    let new = send(&app, login_request("admin", NEW, None)).await;
    assert_eq!(location(&new), "/");

    let actions: Vec<(String, String)> = state
        .audit
        .recent(10)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "password.change")
        .map(|r| (r.actor, r.outcome))
        .rev()
        .collect();
    assert_eq!(
        actions,
        [
            ("admin".into(), "failure".into()),
            ("admin".into(), "success".into())
        ]
    );
}

#[tokio::test]
async fn the_password_page_speaks_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path()).await;
    let cookie = log_in(&app).await;
    let english = body_text(send(&app, get("/account/password", Some(&cookie))).await).await;
    assert!(english.contains("Current password"));
    let save = form_post("/api/preferences/locale", "locale=zh-CN", Some(&cookie));
    assert!(send(&app, save).await.status().is_success());
    let chinese =
        body_text(send(&app, get("/account/password?error=mismatch", Some(&cookie))).await).await;
    assert!(chinese.contains("当前密码"));
    assert!(chinese.contains("两次输入的新密码不一致"));
}

#[tokio::test]
async fn a_session_that_went_idle_is_swept_and_its_end_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (app, state) = app_and_state(dir.path(), |_| {}).await;
    let cookie = log_in(&app).await;
    // Idle past its expiry, without waiting for it.
    sqlx::query("UPDATE sessions SET expiry_date = '2000-01-01 00:00:00'")
        .execute(&state.pool)
        .await
        .unwrap();
    let swept = server::auth::session_expiry::sweep(&state.pool, &state.users, &state.audit)
        .await
        .unwrap();
    assert_eq!(swept, 1);
    let row = &state.audit.recent(1).await.unwrap()[0];
    assert_eq!(
        (row.actor.as_str(), row.action.as_str(), row.detail.as_str()),
        ("admin", "session.expired", "idle")
    );
    assert_eq!(
        location(&send(&app, get("/", Some(&cookie))).await),
        "/login"
    );
}
