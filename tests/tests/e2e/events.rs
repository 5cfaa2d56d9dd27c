//! Live events over SSE: order, and resuming across a server restart without gaps.

use std::time::Duration;

use lotse_protocol::event_stream::{StreamItem, StreamOptions, subscribe};
use lotse_protocol::{Change, ErrorCode, Event};
use tokio::sync::mpsc::Receiver;

use crate::util::{Server, issue, new_key};

/// The next `n` events, skipping connection notices and keep-alives.
async fn next_events(items: &mut Receiver<StreamItem>, n: usize) -> Vec<Event> {
    let mut events = Vec::new();
    while events.len() < n {
        let item = tokio::time::timeout(Duration::from_secs(20), items.recv())
            .await
            .expect("an event within 20 s")
            .expect("subscription alive");
        if let StreamItem::Event(event) = item {
            events.push(event);
        }
    }
    events
}

fn quick() -> StreamOptions {
    StreamOptions {
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(500),
        idle_timeout: Duration::from_secs(15),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_see_changes_in_order_and_resume_after_a_restart() {
    let mut server = Server::start();
    let kiosk = server.kiosk();
    let staff = server.staff().await;

    let mut items = subscribe(server.display(), None, quick());
    // Wait until connected so the events below are live ones.
    loop {
        if let Some(StreamItem::Connected) = items.recv().await {
            break;
        }
    }
    let ticket = kiosk
        .issue_ticket(&issue(&["residence-permit"], "de"), &new_key())
        .await
        .unwrap();
    staff.call_next("eg-02").await.unwrap().unwrap();
    let seen = next_events(&mut items, 2).await;
    assert!(
        matches!(&seen[0].change, Change::TicketIssued { number, .. } if *number == ticket.number)
    );
    assert!(matches!(
        &seen[1].change,
        Change::TicketCalled { number, desk, recall: 0, .. }
            if *number == ticket.number && desk == "eg-02"
    ));
    assert_eq!(seen[1].id, seen[0].id + 1);
    let last_seen = seen[1].id;

    // Kill the server, start it again on the same database, and change things at once,
    // likely before the subscriber has reconnected.
    server.restart();
    let staff = server.staff().await;
    let recalled = staff.recall("eg-02").await.unwrap();
    assert_eq!(recalled.recalls, 1);
    let second = server
        .kiosk()
        .issue_ticket(&issue(&["payment-card"], "ar"), &new_key())
        .await
        .unwrap();

    let resumed = next_events(&mut items, 2).await;
    assert_eq!(
        resumed[0].id,
        last_seen + 1,
        "nothing missed across the restart"
    );
    assert!(matches!(
        resumed[0].change,
        Change::TicketCalled { recall: 1, .. }
    ));
    assert!(
        matches!(&resumed[1].change, Change::TicketIssued { number, .. } if *number == second.number)
    );

    // A fresh client resuming from an old id gets the backlog in order.
    let mut replay = subscribe(server.display(), Some(seen[0].id), quick());
    let backlog = next_events(&mut replay, 3).await;
    let ids: Vec<i64> = backlog.iter().map(|e| e.id).collect();
    assert_eq!(ids, vec![seen[1].id, resumed[0].id, resumed[1].id]);

    // Events need a device or staff login.
    let mut anonymous = subscribe(server.client(), None, quick());
    match tokio::time::timeout(Duration::from_secs(10), anonymous.recv()).await {
        Ok(Some(StreamItem::Disconnected(error))) => {
            assert_eq!(error.code(), Some(ErrorCode::Unauthenticated))
        }
        other => panic!("expected an authentication error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_end_and_the_server_exits_cleanly_on_sigterm() {
    let mut server = Server::start();
    let mut items = subscribe(server.display(), None, quick());
    loop {
        if let Some(StreamItem::Connected) = items.recv().await {
            break;
        }
    }
    let status = tokio::task::spawn_blocking(move || {
        let status = server.terminate();
        (status, server)
    })
    .await
    .unwrap();
    assert!(status.0.success(), "exit status {:?}", status.0);
}
