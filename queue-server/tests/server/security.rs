//! Security checks of the staff side, in-process: sessions, roles, CSRF tokens, login
//! throttling, and what anonymous callers get.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, StatusCode, header};
use futures::future::join_all;
use lotse_protocol::Role;
use lotse_queue_server::auth::PasswordChecks;
use lotse_queue_server::http::session::{MAX_CLIENT_FAILURES, MAX_FAILURES, MAX_NAME_FAILURES};
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::storage::accounts;
use support::{PASSWORD, login};
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
    assert_eq!(support::body_json(response).await["error"], "csrf_rejected");
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
        .run(|c| lotse_queue_server::storage::audit::recent(c, 10))
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
    let pairing = support::set_cookie_pair(page.headers());
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

/// A login over the API as if sent from `client` (the peer address of the connection).
fn login_from(client: &str, name: &str, password: &str) -> Request<Body> {
    let body = serde_json::json!({ "name": name, "password": password }).to_string();
    let mut request = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    let ip: IpAddr = client.parse().unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(ip, 50_000)));
    request
}

/// Sends all requests at once; their statuses in order.
async fn send_all(state: &AppState, requests: Vec<Request<Body>>) -> Vec<StatusCode> {
    let responses = join_all(requests.into_iter().map(|r| send(state, r))).await;
    responses.iter().map(Response::status).collect()
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[tokio::test]
async fn simultaneous_wrong_logins_for_one_name_are_all_counted() {
    let state = state_with_users().await;
    let guesses = (0..30)
        .map(|n| login_from("10.0.0.66", "clerk", &format!("guess {n}")))
        .collect();
    let statuses = send_all(&state, guesses).await;
    // Only as many passwords are checked as the throttle allows, however many arrive at once.
    assert_eq!(
        count(&statuses, StatusCode::UNAUTHORIZED),
        MAX_FAILURES as usize,
        "{statuses:?}"
    );
    assert_eq!(
        count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        30 - MAX_FAILURES as usize
    );
}

#[tokio::test]
async fn a_locked_name_still_logs_in_from_an_address_without_failures() {
    let state = state_with_users().await;
    for _ in 0..MAX_FAILURES {
        let wrong = send(&state, login_from("10.0.0.66", "clerk", "wrong")).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    // The guessing address waits, even with the right password ...
    let guesser = send(&state, login_from("10.0.0.66", "clerk", PASSWORD)).await;
    assert_eq!(guesser.status(), StatusCode::TOO_MANY_REQUESTS);
    // ... but the clerk at their own desk is not locked out by it.
    let clerk = send(&state, login_from("10.0.0.7", "clerk", PASSWORD)).await;
    assert_eq!(clerk.status(), StatusCode::OK);
    // A colleague's typo from another address does not lock them out either: one guesser
    // (one address) cannot lock a name for anybody else.
    let other = send(&state, login_from("10.0.0.8", "clerk", "wrong")).await;
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
    let again = send(&state, login_from("10.0.0.8", "clerk", PASSWORD)).await;
    assert_eq!(again.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_name_guessed_from_many_addresses_waits_where_it_failed() {
    let state = state_with_users().await;
    let per_address = MAX_FAILURES - 1;
    // Each address stays below its own limit; together they reach the name's.
    for attempt in 0..MAX_NAME_FAILURES {
        let client = format!("10.0.2.{}", attempt / per_address);
        let wrong = send(&state, login_from(&client, "clerk", "wrong")).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "from {client}");
    }
    let guesser = send(&state, login_from("10.0.2.0", "clerk", PASSWORD)).await;
    assert_eq!(guesser.status(), StatusCode::TOO_MANY_REQUESTS);
    let clerk = send(&state, login_from("10.0.0.7", "clerk", PASSWORD)).await;
    assert_eq!(clerk.status(), StatusCode::OK);
}

#[tokio::test]
async fn password_spraying_across_names_from_one_address_is_limited() {
    let state = state_with_users().await;
    for n in 0..MAX_CLIENT_FAILURES {
        let wrong = send(
            &state,
            login_from("10.0.0.66", &format!("user{n}"), "wrong"),
        )
        .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let sprayed = send(&state, login_from("10.0.0.66", "boss", PASSWORD)).await;
    assert_eq!(sprayed.status(), StatusCode::TOO_MANY_REQUESTS);
    let boss = send(&state, login_from("10.0.0.7", "boss", PASSWORD)).await;
    assert_eq!(boss.status(), StatusCode::OK);
}

#[tokio::test]
async fn logins_beyond_the_password_checks_wait_then_get_busy() {
    let mut state = state_with_users().await;
    // One check at a time, and hardly any patience: most of a burst is turned away.
    state.passwords = Arc::new(PasswordChecks::new(1, Duration::from_millis(1)));
    let burst: Vec<_> = (0..8)
        .map(|n| login_from(&format!("10.0.1.{n}"), &format!("user{n}"), "wrong"))
        .collect();
    let responses = join_all(burst.into_iter().map(|r| send(&state, r))).await;
    let mut busy = 0;
    for response in responses {
        match response.status() {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert_eq!(response.headers()[header::RETRY_AFTER], "1");
                assert_eq!(support::body_json(response).await["error"], "busy");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!((1..8).contains(&busy), "{busy} of 8 busy");
    // A login turned away unchecked is no failure: the address is not locked by it.
    for n in 0..8 {
        let again = send(
            &state,
            login_from(&format!("10.0.1.{n}"), "clerk", PASSWORD),
        )
        .await;
        assert_eq!(again.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_counts() {
    let state = state_with_users().await;
    let mut config = (*state.config).clone();
    config.trusted_proxies = vec!["10.0.0.1".parse().unwrap()];
    let state = AppState {
        config: Arc::new(config),
        ..state
    };
    let forwarded = |peer: &str, client: &str, name: &str, password: &str| {
        let mut request = login_from(peer, name, password);
        let value = client.parse().unwrap();
        request.headers_mut().insert("x-forwarded-for", value);
        request
    };
    for _ in 0..MAX_FAILURES {
        let wrong = send(
            &state,
            forwarded("10.0.0.1", "192.0.2.66", "clerk", "wrong"),
        )
        .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let guesser = send(
        &state,
        forwarded("10.0.0.1", "192.0.2.66", "clerk", PASSWORD),
    )
    .await;
    assert_eq!(guesser.status(), StatusCode::TOO_MANY_REQUESTS);
    let clerk = send(
        &state,
        forwarded("10.0.0.1", "192.0.2.7", "clerk", PASSWORD),
    )
    .await;
    assert_eq!(clerk.status(), StatusCode::OK);
    // From anyone else the header is ignored: a new address per request does not help.
    for n in 0..MAX_FAILURES {
        let client = format!("198.51.100.{n}");
        let wrong = send(&state, forwarded("10.0.0.9", &client, "boss", "wrong")).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let spoofed = send(
        &state,
        forwarded("10.0.0.9", "198.51.100.99", "boss", PASSWORD),
    )
    .await;
    assert_eq!(spoofed.status(), StatusCode::TOO_MANY_REQUESTS);
}
