//! The staff pages in German or English: chosen on the login page, stored for the account
//! (the next login without a choice keeps it), and the page's `html lang` and texts follow
//! (desk choice, password page, overview, interpreter page, statistics).

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lotse_protocol::Role;
use lotse_queue_server::http::{AppState, app};
use tower::ServiceExt;

async fn send(state: &AppState, request: Request<Body>) -> axum::response::Response {
    app(state.clone()).oneshot(request).await.unwrap()
}

/// Logs in through the login form (with `lang`, if given); returns the session cookie.
async fn log_in(state: &AppState, name: &str, lang: Option<&str>) -> String {
    let page = send(
        state,
        Request::get("/staff/login").body(Body::empty()).unwrap(),
    )
    .await;
    let pairing = support::set_cookie_pair(page.headers());
    let token = pairing.split_once('=').unwrap().1.to_owned();
    let mut body = format!("csrf={token}&name={name}&password=a+long+enough+password");
    if let Some(lang) = lang {
        body.push_str(&format!("&lang={lang}"));
    }
    let request = Request::post("/staff/login")
        .header(header::COOKIE, &pairing)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let response = send(state, request).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    support::set_cookie_pair(response.headers())
}

async fn page(state: &AppState, cookie: &str, path: &str) -> String {
    let request = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let response = send(state, request).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    String::from_utf8(support::body_bytes(response).await.to_vec()).unwrap()
}

#[tokio::test]
async fn an_account_chooses_english_at_login_and_keeps_it() {
    let state = support::always_open_state();
    support::add_user(&state, "kim", Role::Supervisor, "*").await;
    let login = String::from_utf8(
        support::body_bytes(
            send(
                &state,
                Request::get("/staff/login?lang=en")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await,
        )
        .await
        .to_vec(),
    )
    .unwrap();
    assert!(
        login.contains(r#"<html lang="en">"#) && login.contains("Log in"),
        "{login}"
    );

    let cookie = log_in(&state, "kim", Some("en")).await;
    let desks = page(&state, &cookie, "/staff").await;
    assert!(desks.contains(r#"<html lang="en">"#), "{desks}");
    assert!(
        desks.contains("Which desk are you working at today?"),
        "{desks}"
    );
    assert!(
        desks.contains("Log out") && !desks.contains("Abmelden"),
        "{desks}"
    );
    let password = page(&state, &cookie, "/staff/password").await;
    assert!(password.contains("Current password"), "{password}");
    let overview = page(&state, &cookie, "/staff/overview").await;
    assert!(
        overview.contains("Waiting lines of all agencies"),
        "{overview}"
    );
    let interpreting = page(&state, &cookie, "/staff/interpreter").await;
    assert!(interpreting.contains("No open requests."), "{interpreting}");
    let stats = page(&state, &cookie, "/staff/stats").await;
    assert!(
        stats.contains("<h1>Statistics"),
        "the statistics follow the account"
    );

    // The next login without a choice keeps English; choosing German switches back.
    let again = log_in(&state, "kim", None).await;
    assert!(
        page(&state, &again, "/staff")
            .await
            .contains(r#"<html lang="en">"#)
    );
    let german = log_in(&state, "kim", Some("de")).await;
    let desks = page(&state, &german, "/staff").await;
    assert!(desks.contains(r#"<html lang="de">"#) && desks.contains("Abmelden"));
}
