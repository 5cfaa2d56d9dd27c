//! The server's own changes of a stop go through the stop table like a desk's, each with its
//! event and audit entry: the day's end closing what was left open (and its interpreter
//! requests); a visit's next concern joining its line when the one before ends (the order of
//! the joins is tested in `visit_order_live`).

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support::{self, TestError};

use chrono::{DateTime, Duration, Utc};
use lotse_protocol::{Change, Channel, InterpreterStatus};
use lotse_queue_server::http::AppState;
use lotse_queue_server::services::commands::day_end;
use lotse_queue_server::services::commands::desk::DeskRequest;
use lotse_queue_server::services::commands::issue::{NewTicket, issue_ticket};
use lotse_queue_server::storage::{audit, events};

/// A walk-in with two concerns, both served at desk eg-01.
async fn two_concerns(state: &AppState, interpreter: bool) -> String {
    let (config, now) = (state.config.clone(), state.now());
    state
        .store
        .run(move |c| {
            let services = ["address-change".to_owned(), "eat-pickup".to_owned()];
            let new = NewTicket {
                services: &services,
                language: "ar",
                channel: Channel::WalkIn,
                priority: false,
                appointment_at: None,
                idempotency: None,
                interpreter,
            };
            Ok::<_, TestError>(issue_ticket(c, &config, now, new, None)?.number)
        })
        .await
        .unwrap()
}

/// The id of the newest event.
async fn last_event(state: &AppState) -> i64 {
    state.store.read(events::last_id).await.unwrap()
}

/// The changes announced after event `after`.
async fn changes_after(state: &AppState, after: i64) -> Vec<Change> {
    state
        .store
        .read(move |c| events::after(c, after, DateTime::<Utc>::MIN_UTC, 1000))
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.change)
        .collect()
}

/// The newest audit entries as (actor, action, detail), newest first.
async fn audited(state: &AppState) -> Vec<(String, String, String)> {
    state
        .store
        .read(|c| audit::recent(c, 20))
        .await
        .unwrap()
        .into_iter()
        .map(|entry| (entry.actor, entry.action, entry.detail))
        .collect()
}

#[tokio::test]
async fn the_days_end_closes_stops_and_interpreter_requests_with_events_and_audit_entries() {
    let (state, time) = support::state_with_clock();
    let at_desk = two_concerns(&state, false).await;
    let waiting = two_concerns(&state, true).await;
    support::at_desk(&state, "eg-01", DeskRequest::CallNext).await;
    // Next morning.
    *time.lock().unwrap() += Duration::hours(22);
    let before = last_event(&state).await;
    let past = support::purge(&state).await;
    assert_eq!(
        past.closed,
        day_end::Closed {
            stops: 4,
            interpreter_requests: 1
        },
        "each visit's called or waiting stop and its pending second concern"
    );
    let changes = changes_after(&state, before).await;
    let cancelled: Vec<(String, String)> = changes
        .iter()
        .filter_map(|change| match change {
            Change::Cancelled { number, service } => Some((number.clone(), service.clone())),
            _ => None,
        })
        .collect();
    let both = |number: &str| {
        [
            (number.to_owned(), "address-change".to_owned()),
            (number.to_owned(), "eat-pickup".to_owned()),
        ]
    };
    assert_eq!(cancelled, [both(&at_desk), both(&waiting)].concat());
    assert!(changes.iter().any(|change| matches!(change,
        Change::Interpreter { number, status: InterpreterStatus::Cancelled, .. } if *number == waiting)));
    let entries = audited(&state).await;
    let closed_by_day_end = entries
        .iter()
        .filter(|(actor, action, _)| actor == day_end::ACTOR && action == "close-day")
        .count();
    assert_eq!(closed_by_day_end, 4);
    assert!(
        entries
            .iter()
            .any(|(actor, action, _)| actor == day_end::ACTOR && action == "interpreter-cancel")
    );
    assert_eq!(
        support::purge(&state).await.closed,
        day_end::Closed::default(),
        "closed once"
    );
}

#[tokio::test]
async fn a_concern_joining_its_line_has_its_event_and_an_audit_entry_naming_who_finished() {
    // Concerns one after another: the second joins when the first is finished.
    let mut config = lotse_queue_server::config::Config::embedded()
        .unwrap()
        .always_open();
    config.building.queue.visit_order = lotse_protocol::VisitOrder::Fixed;
    let state = support::state(config, std::sync::Arc::new(Utc::now));
    let number = two_concerns(&state, false).await;
    support::at_desk(&state, "eg-01", DeskRequest::CallNext).await;
    support::at_desk(&state, "eg-01", DeskRequest::Start).await;
    let before = last_event(&state).await;
    support::at_desk(&state, "eg-01", DeskRequest::Finish { outcome: None }).await;
    let changes = changes_after(&state, before).await;
    assert!(
        changes.iter().any(|change| matches!(change,
            Change::Joined { number: n, service } if *n == number && service == "eat-pickup")),
        "{changes:?}"
    );
    let entries = audited(&state).await;
    assert!(
        entries.contains(&(
            "clerk".to_owned(),
            "join".to_owned(),
            format!("ticket {number} service eat-pickup")
        )),
        "{entries:?}"
    );
}
