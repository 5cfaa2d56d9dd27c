//! Security checks of the staff side, in-process: sessions, roles, CSRF tokens, login
//! throttling, and what anonymous callers get.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

mod support;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use lotse_protocol::Role;
use lotse_queue_server::api::{AppState, app};
use lotse_queue_server::storage::accounts;
use support::login;
use tower::ServiceExt;

async fn state_with_users() -> AppState {
    let state = support::always_open_state();
    support::add_user(&state, "clerk", Role::Staff, "*").await;
    support::add_user(&state, "boss", Role::Admin, "*").await;
    state
}

async fn send(state: &AppState, request: Request<Body>) -> Response<Body> {
    app(state.clone()).oneshot(request).await.unwrap()
}

async fn json(response: Response<Body>) -> serde_json::Value {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null)
}

fn post(path: &str, cookie: &str, csrf: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path).header(header::COOKIE, cookie);
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    request.body(Body::empty()).unwrap()
}

fn form(path: &str, cookie: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn without_a_session_pages_redirect_to_login_and_the_api_refuses() {
    let state = state_with_users().await;
    for page in ["/staff", "/staff/overview", "/staff/admin", "/staff/panel"] {
        let response = send(&state, Request::get(page).body(Body::empty()).unwrap()).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(response.headers()[header::LOCATION], "/staff/login");
    }
    for path in ["/api/v1/queues", "/api/v1/events", "/api/v1/config"] {
        let response = send(&state, Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let call = Request::post("/api/v1/desks/eg-01/call-next")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&state, call).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn changes_without_the_sessions_csrf_token_are_rejected() {
    let state = state_with_users().await;
    let (cookie, csrf) = login(&state, "clerk").await;
    let response = send(&state, post("/api/v1/desks/eg-01/call-next", &cookie, None)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(json(response).await["error"], "csrf_rejected");
    let wrong = send(
        &state,
        post("/api/v1/desks/eg-01/call-next", &cookie, Some("guess")),
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    // With the token it works (nobody waits: 204).
    let right = send(
        &state,
        post("/api/v1/desks/eg-01/call-next", &cookie, Some(&csrf)),
    )
    .await;
    assert_eq!(right.status(), StatusCode::NO_CONTENT);
    // Forms too: a desk choice and a logout without the token change nothing.
    let desk = send(
        &state,
        form("/staff/desk", &cookie, "desk=eg-01&csrf=guess"),
    )
    .await;
    assert_eq!(desk.status(), StatusCode::FORBIDDEN);
    let logout = send(&state, form("/staff/logout", &cookie, "csrf=")).await;
    assert_eq!(logout.status(), StatusCode::FORBIDDEN);
    let still = send(
        &state,
        Request::get("/staff")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(still.status(), StatusCode::OK, "the session survived");
    // Reading needs no token.
    let queues = Request::get("/api/v1/queues")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&state, queues).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn staff_cannot_use_the_admin_or_supervisor_pages() {
    let state = state_with_users().await;
    let (cookie, csrf) = login(&state, "clerk").await;
    for page in ["/staff/admin", "/staff/overview"] {
        let request = Request::get(page)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            send(&state, request).await.status(),
            StatusCode::FORBIDDEN,
            "{page}"
        );
    }
    let body = format!("csrf={csrf}&name=mallory&role=admin&password=another+long+password");
    let add = send(&state, form("/staff/admin/users", &cookie, &body)).await;
    assert_eq!(add.status(), StatusCode::FORBIDDEN);
    let users = state.store.run(accounts::users).await.unwrap();
    assert!(users.iter().all(|u| u.name != "mallory"));

    // The admin can, and it is in the audit log.
    let (admin, admin_csrf) = login(&state, "boss").await;
    let body = format!("csrf={admin_csrf}&name=newbie&role=staff&password=another+long+password");
    let add = send(&state, form("/staff/admin/users", &admin, &body)).await;
    assert_eq!(add.status(), StatusCode::SEE_OTHER);
    let entries = state
        .store
        .run(|c| Ok(lotse_queue_server::storage::audit::recent(c, 10)?))
        .await
        .unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.actor == "boss" && e.action == "user-add" && e.detail.starts_with("newbie"))
    );
    // Locking an account ends its sessions at once.
    let body = format!("csrf={admin_csrf}&name=clerk");
    let lock = send(&state, form("/staff/admin/users/disable", &admin, &body)).await;
    assert_eq!(lock.status(), StatusCode::SEE_OTHER);
    let after = send(
        &state,
        post("/api/v1/desks/eg-01/call-next", &cookie, Some(&csrf)),
    )
    .await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_passwords_are_throttled_on_the_login_page() {
    let state = state_with_users().await;
    // The login form pairs with a cookie it sets.
    let page = send(
        &state,
        Request::get("/staff/login").body(Body::empty()).unwrap(),
    )
    .await;
    let pairing = page.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = pairing.split_once('=').unwrap().1.to_owned();
    let attempt = |password: &str| {
        form(
            "/staff/login",
            &pairing,
            &format!("csrf={token}&name=clerk&password={password}"),
        )
    };
    for _ in 0..5 {
        assert_eq!(
            send(&state, attempt("wrong")).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password waits.
    let throttled = send(&state, attempt("a+long+enough+password")).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    // A form without its pairing cookie is refused before any password check.
    let forged = form(
        "/staff/login",
        "",
        &format!("csrf={token}&name=boss&password=a+long+enough+password"),
    );
    assert_eq!(send(&state, forged).await.status(), StatusCode::FORBIDDEN);
    // The other account still logs in through the form and lands on the console.
    let ok = send(
        &state,
        form(
            "/staff/login",
            &pairing,
            &format!("csrf={token}&name=boss&password=a+long+enough+password"),
        ),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()[header::LOCATION], "/staff");
}
