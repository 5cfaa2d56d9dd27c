//! Clock steps (NTP corrections, a PC whose clock was wrong at boot), with the injected
//! clock: numbers never repeat in a day, waits never go negative, and visits left open when
//! their day ended do not keep a desk busy the next day.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use chrono::Duration;
use lotse_queue_server::http::AppState;
use lotse_queue_server::services::commands::desk::DeskRequest;

async fn walk_in(state: &AppState) -> String {
    support::walk_in(state, "address-change", "de").await.0
}

async fn at_desk(state: &AppState, request: DeskRequest) -> Option<String> {
    support::at_desk(state, "eg-01", request)
        .await
        .map(|ticket| ticket.number)
}

#[tokio::test]
async fn numbers_never_repeat_in_a_day_when_the_clock_steps_back() {
    let (state, time) = support::state_with_clock();
    assert_eq!(walk_in(&state).await, "A-001");
    *time.lock().unwrap() -= Duration::hours(2);
    assert_eq!(walk_in(&state).await, "A-002");
    // Back into yesterday and forward again: each day counts on.
    *time.lock().unwrap() -= Duration::hours(10);
    assert_eq!(walk_in(&state).await, "A-001");
    *time.lock().unwrap() += Duration::hours(12);
    assert_eq!(walk_in(&state).await, "A-003");
}

#[tokio::test]
async fn waits_never_go_negative_when_the_clock_steps_back() {
    let (state, time) = support::state_with_clock();
    walk_in(&state).await;
    // A visit started and then finished "before" it started: the clock went back an hour.
    at_desk(&state, DeskRequest::CallNext).await;
    at_desk(&state, DeskRequest::Start).await;
    *time.lock().unwrap() -= Duration::hours(1);
    at_desk(&state, DeskRequest::Finish { outcome: None }).await;
    walk_in(&state).await;
    walk_in(&state).await;
    let line = support::queue_of(&state, "address-change", state.now() - Duration::hours(3)).await;
    assert_eq!(line.waiting, 2);
    assert_eq!(
        line.longest_wait_minutes, 0,
        "never negative (the type could not say so)"
    );
    assert!(
        line.estimated_wait_minutes > 0,
        "the negative visit does not make the estimate zero: {}",
        line.estimated_wait_minutes
    );
}

#[tokio::test]
async fn visits_left_open_when_their_day_ended_free_the_desk_the_next_day() {
    let (state, time) = support::state_with_clock();
    walk_in(&state).await;
    walk_in(&state).await;
    assert_eq!(
        at_desk(&state, DeskRequest::CallNext).await.as_deref(),
        Some("A-001")
    );
    // Next morning: yesterday's called and waiting visitors are gone; the desk is free.
    *time.lock().unwrap() += Duration::hours(22);
    let purged = support::purge(&state).await;
    assert_eq!(purged.closed.stops, 2);
    assert_eq!(at_desk(&state, DeskRequest::CallNext).await, None);
    walk_in(&state).await;
    assert_eq!(
        at_desk(&state, DeskRequest::CallNext).await.as_deref(),
        Some("A-001"),
        "today's first visitor, at a desk that is free"
    );
}
