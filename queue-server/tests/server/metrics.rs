//! `GET /metrics` in-process: only a `metrics` device token reads it; it shows the lines, the
//! day's counts, the commit-time histogram and the kiosks' printers.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lotse_protocol::Role;
use lotse_queue_server::auth::DeviceKind;
use lotse_queue_server::http::{AppState, app};
use tower::ServiceExt;

async fn get(state: &AppState, auth: Option<(header::HeaderName, String)>) -> (StatusCode, String) {
    let mut request = Request::get("/metrics");
    if let Some((name, value)) = auth {
        request = request.header(name, value);
    }
    let response = app(state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = support::body_bytes(response).await;
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn bearer(token: &str) -> Option<(header::HeaderName, String)> {
    Some((header::AUTHORIZATION, format!("Bearer {token}")))
}

#[tokio::test]
async fn only_a_metrics_token_reads_the_metrics() {
    let (state, clock) = support::state_with_clock();
    support::add_device(&state, DeviceKind::Metrics, "monitor").await;
    support::add_device(&state, DeviceKind::Kiosk, "kiosk-entrance").await;
    support::add_user(&state, "lead", Role::Admin, "*").await;
    support::walk_in(&state, "payment-card", "de").await;
    *clock.lock().unwrap() += chrono::Duration::seconds(90);
    support::walk_in(&state, "payment-card", "ar").await;

    assert_eq!(get(&state, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&state, bearer("kiosk-entrance")).await.0,
        StatusCode::FORBIDDEN
    );
    let (cookie, _) = support::login(&state, "lead").await;
    assert_eq!(
        get(&state, Some((header::COOKIE, cookie))).await.0,
        StatusCode::FORBIDDEN,
        "not even an admin's session"
    );

    let (status, text) = get(&state, bearer("monitor")).await;
    assert_eq!(status, StatusCode::OK);
    for line in [
        "lotse_waiting{service=\"payment-card\"} 2\n",
        "lotse_longest_wait_seconds{service=\"payment-card\"} 90\n",
        "lotse_tickets_issued_today 2\n",
        "lotse_tickets_called_today 0\n",
        "lotse_live_streams 0\n",
        "lotse_kiosk_printer{kiosk=\"kiosk-entrance\",state=\"ready\"} 0\n",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    let commits: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("lotse_storage_commit_seconds_count "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(commits >= 2, "the two tickets were committed: {commits}");
}

/// A visit's second concern keeps the visit's arrival as its queue time (fairness in the
/// line), but its wait begins only when the first concern is finished: the longest wait of
/// its line (metrics and the lines of the staff pages) counts from there, as the statistics do.
#[tokio::test]
async fn a_later_concern_waits_from_the_end_of_the_one_before() {
    use lotse_queue_server::services::commands::desk::DeskRequest;
    use lotse_queue_server::services::commands::issue::{NewTicket, issue};
    use lotse_queue_server::services::queries::queues::queues;

    let (state, clock) = support::state_with_clock();
    support::add_device(&state, DeviceKind::Metrics, "monitor").await;
    let config = state.config.clone();
    let now = state.now();
    state
        .store
        .run(move |c| {
            let services = ["address-change".to_owned(), "payment-card".to_owned()];
            let new = NewTicket {
                services: &services,
                language: "de",
                channel: lotse_protocol::Channel::WalkIn,
                priority: false,
                appointment_at: None,
                idempotency: None,
                interpreter: false,
            };
            issue(c, &config, now, new).map(|_| ())
        })
        .await
        .unwrap();
    support::at_desk(&state, "eg-01", DeskRequest::CallNext).await;
    support::at_desk(&state, "eg-01", DeskRequest::Start).await;
    // Served for 30 minutes, then sent on to the second concern, which waits 5 minutes.
    *clock.lock().unwrap() += chrono::Duration::minutes(30);
    support::at_desk(&state, "eg-01", DeskRequest::Finish { outcome: None }).await;
    *clock.lock().unwrap() += chrono::Duration::minutes(5);

    let (_, text) = get(&state, bearer("monitor")).await;
    let line = "lotse_longest_wait_seconds{service=\"payment-card\"} 300\n";
    assert!(text.contains(line), "{line} in\n{text}");
    let (config, now) = (state.config.clone(), state.now());
    let queues = state
        .store
        .read(move |c| queues(c, &config, now))
        .await
        .unwrap();
    let line = queues
        .services
        .iter()
        .find(|s| s.service == "payment-card")
        .unwrap();
    assert_eq!((line.waiting, line.longest_wait_minutes), (1, 5));
}
