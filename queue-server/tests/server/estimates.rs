//! The lines' wait estimates over the real storage: a desk that serves several lines gives
//! each the share of its waiting visitors who wait there, so a line's estimate grows when
//! the desk's other lines fill up, and only working desks count.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use lotse_queue_server::http::AppState;
use lotse_queue_server::services::commands::desk::DeskRequest;

async fn estimate_of(state: &AppState, service: &'static str) -> (u32, u32) {
    let line = support::queue_of(state, service, state.now()).await;
    (line.waiting, line.estimated_wait_minutes)
}

#[tokio::test]
async fn a_line_shares_its_desk_with_the_desks_other_lines() {
    let (state, _) = support::state_with_clock();
    // eg-01 serves residence permits, EAT pick-ups and address changes; it alone works.
    for _ in 0..5 {
        support::walk_in(&state, "address-change", "de").await;
    }
    support::at_desk(&state, "eg-01", DeskRequest::CallNext)
        .await
        .unwrap();
    let (waiting, alone) = estimate_of(&state, "address-change").await;
    assert_eq!(waiting, 4);
    assert!(alone > 0);
    // As many again wait for an EAT pick-up, which eg-01 serves too.
    for _ in 0..5 {
        support::walk_in(&state, "eat-pickup", "de").await;
    }
    let (_, shared) = estimate_of(&state, "address-change").await;
    // Someone joining the address change line now would be the 5th there among 10 at eg-01:
    // the desk gives the line half its time, so the wait is about twice as long.
    assert!(
        shared >= 2 * alone - 1 && shared <= 2 * alone + 1,
        "alone {alone} min, shared {shared} min"
    );
}
