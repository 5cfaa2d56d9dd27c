//! Privacy, in-process with a clock the test moves: a status page lives as long as its day,
//! and a replay of the event log reaches back to the start of today at most; an unchanged
//! status page is a bodiless 304.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::storage::events;
use tower::ServiceExt;

use support::state_with_clock;

async fn issue_walk_in(state: &AppState) -> String {
    support::walk_in(state, "payment-card", "ar").await.1
}

async fn status(state: &AppState, path: &str) -> StatusCode {
    let request = Request::get(path).body(Body::empty()).unwrap();
    app(state.clone()).oneshot(request).await.unwrap().status()
}

#[tokio::test]
async fn a_status_page_ends_with_its_day() {
    let (state, time) = state_with_clock();
    let token = issue_walk_in(&state).await;
    let api = format!("/api/v1/tickets/{token}");
    let page = format!("/t/{token}");
    assert_eq!(status(&state, &api).await, StatusCode::OK);
    assert_eq!(status(&state, &page).await, StatusCode::OK);
    // Late in the evening of the same day it still answers; the next morning it does not.
    *time.lock().unwrap() += Duration::hours(12);
    assert_eq!(status(&state, &api).await, StatusCode::OK);
    *time.lock().unwrap() += Duration::hours(10);
    assert_eq!(status(&state, &api).await, StatusCode::NOT_FOUND);
    assert_eq!(status(&state, &page).await, StatusCode::NOT_FOUND);
    assert_eq!(
        status(&state, &format!("/t/{token}/panel")).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_replay_reaches_back_to_the_start_of_today_at_most() {
    use http_body_util::BodyExt;
    use lotse_queue_server::auth::DeviceKind;

    let (state, time) = state_with_clock();
    support::add_device(&state, DeviceKind::Display, "display-secret").await;
    issue_walk_in(&state).await;
    *time.lock().unwrap() += Duration::days(1);
    issue_walk_in(&state).await;
    let today = state.config.day_start(state.now());
    let stored = state
        .store
        .run(move |c| events::after(c, 0, DateTime::<Utc>::MIN_UTC, 100))
        .await
        .unwrap();
    assert_eq!(stored.len(), 2, "yesterday's event is still stored here");
    // A display asks for everything since the beginning of time.
    let request = Request::get("/api/v1/events")
        .header("authorization", "Bearer display-secret")
        .header("last-event-id", "0")
        .body(Body::empty())
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame())
        .await
        .expect("the replay starts at once")
        .unwrap()
        .unwrap();
    let text = String::from_utf8(first.into_data().unwrap().to_vec()).unwrap();
    let today_id = stored.iter().find(|e| e.at >= today).unwrap().id;
    assert!(
        text.contains(&format!("id: {today_id}\n")),
        "the first replayed event is today's: {text}"
    );
}

/// The status page carries an `ETag`: asked again with it, an unchanged page is a bodiless
/// 304, a changed one a new 200.
#[tokio::test]
async fn an_unchanged_status_page_is_answered_with_304() {
    let (state, time) = state_with_clock();
    let token = issue_walk_in(&state).await;
    for path in [format!("/t/{token}"), format!("/t/{token}/panel")] {
        let ask = |tag: Option<String>| {
            let mut request = Request::get(path.as_str());
            if let Some(tag) = tag {
                request = request.header(header::IF_NONE_MATCH, tag);
            }
            app(state.clone()).oneshot(request.body(Body::empty()).unwrap())
        };
        let first = ask(None).await.unwrap();
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.headers()[header::CACHE_CONTROL], "no-cache");
        let tag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
        let again = ask(Some(tag.clone())).await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        let body = support::body_bytes(again).await;
        assert!(body.is_empty());
        let other = ask(Some("W/\"0000000000\"".to_owned())).await.unwrap();
        assert_eq!(other.status(), StatusCode::OK, "{path}: another version");
    }
    // A minute later the page says so ("updated 10:01"): the old tag no longer matches.
    let first = app(state.clone())
        .oneshot(
            Request::get(format!("/t/{token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let tag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
    *time.lock().unwrap() += Duration::minutes(1);
    let after = app(state.clone())
        .oneshot(
            Request::get(format!("/t/{token}"))
                .header(header::IF_NONE_MATCH, tag)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::OK, "the changed page");
}

/// The status page shows the concern's pictogram inline (no extra request) on the agency's
/// colour.
#[tokio::test]
async fn the_status_page_shows_the_concerns_pictogram() {
    use http_body_util::BodyExt;

    let (state, _time) = state_with_clock();
    let token = issue_walk_in(&state).await;
    let request = Request::get(format!("/t/{token}"))
        .body(Body::empty())
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let page = String::from_utf8(body.to_vec()).unwrap();
    let building = &state.config.building;
    let svg = building.service_pictogram("payment-card").unwrap();
    assert!(svg.contains("icon-tabler-credit-card"));
    let circle = format!(
        "<circle cx=\"12\" cy=\"12\" r=\"12\" fill=\"{}\"></circle>",
        building.agency("asylum-benefits").unwrap().colour,
    );
    let badge = format!(
        "{circle}<g transform=\"translate(5 5) scale(0.5833)\" color=\"#fff\">{}</g>",
        svg.trim()
    );
    assert!(page.contains(&badge), "{page}");
    // The page's Content Security Policy refuses inline styles: colours are SVG attributes.
    assert!(!page.contains(" style="), "{page}");
}
