//! The kiosk's ticket request against servers that misbehave: whatever the server does, the
//! visitor flow ends on a screen the visitor can act on within the issuing deadline (paused
//! tokio time: no waiting). And an answer lost on the way back does not cost a second
//! ticket: the retry with the same idempotency key returns the one already issued.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

#[path = "../../queue-server/protocol/tests/support/misbehaving.rs"]
mod misbehaving;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lotse_kiosk::demo_data;
use lotse_kiosk::flow::{Effect, Event, Flow, Problem, Screen};
use lotse_kiosk::worker::{ISSUE_DEADLINE, SERVER_DEADLINES, issue_with_retries};
use lotse_protocol::{Client, Deadlines, IssueTicket};
use misbehaving::Misbehaviour;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

fn at_confirm() -> Flow {
    let mut flow = Flow::new("de", "kiosk-test");
    flow.handle(Event::ServerUp(Box::new(demo_data::building())));
    flow.handle(Event::ChooseLanguage("de".into()));
    flow.handle(Event::ToggleService("residence-permit".into()));
    flow.handle(Event::ToConfirm);
    flow
}

fn issue_request(effects: &[Effect]) -> (IssueTicket, String) {
    match effects {
        [Effect::IssueTicket { request, key }] => (request.clone(), key.clone()),
        other => panic!("expected one ticket request, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn the_ticket_request_ends_on_a_visitor_screen_within_its_deadline() {
    for misbehaviour in Misbehaviour::ALL {
        let url = misbehaving::start(misbehaviour).await;
        let client = Client::with_deadlines(&url, SERVER_DEADLINES)
            .unwrap()
            .with_device_token("demo-kiosk-token");
        let mut flow = at_confirm();
        let (request, key) = issue_request(&flow.handle(Event::Print));
        assert_eq!(flow.screen, Screen::Printing);

        let started = Instant::now();
        let outcome = tokio::time::timeout(
            ISSUE_DEADLINE * 2,
            issue_with_retries(&client, &request, &key),
        )
        .await
        .unwrap_or_else(|_| panic!("{misbehaviour:?}: the ticket request never ends"));
        let elapsed = started.elapsed();
        assert!(elapsed <= ISSUE_DEADLINE, "{misbehaviour:?}: {elapsed:?}");

        flow.handle(outcome);
        let expected = if misbehaviour == Misbehaviour::GarbageOk {
            // A wrong answer is not worth retrying: the visitor may try again.
            Problem::SomethingWrong
        } else {
            Problem::NoAnswer
        };
        assert_eq!(
            (flow.screen, flow.problem),
            (Screen::Confirm, expected),
            "{misbehaviour:?}"
        );
        // The way on: touching Print again asks again, with the same key after no answer.
        let (_, again) = issue_request(&flow.handle(Event::Print));
        if expected == Problem::NoAnswer {
            assert_eq!(again, key, "{misbehaviour:?}");
        }
    }
}

/// A proxy to `upstream` that forwards the first request but swallows its answer (as a
/// stalled proxy or a cut connection does); later connections pass through.
async fn losing_proxy(upstream: String, connections: Arc<AtomicUsize>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((client, _)) = listener.accept().await {
            connections.fetch_add(1, Ordering::SeqCst);
            let server = TcpStream::connect(&upstream).await.unwrap();
            tokio::spawn(relay(client, server, first));
            first = false;
        }
    });
    format!("http://{address}")
}

async fn relay(client: TcpStream, server: TcpStream, lose_answer: bool) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upward = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
    });
    let mut buffer = [0u8; 4096];
    while let Ok(n) = server_read.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        if !lose_answer && client_write.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    upward.abort();
}

#[tokio::test]
async fn a_retry_after_a_lost_answer_returns_the_ticket_already_issued() {
    let dir = tempfile::tempdir().unwrap();
    let url = lotse_queue_server::local::start_demo_server(&dir.path().join("lost.db")).unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let proxy = losing_proxy(
        url.trim_start_matches("http://").to_owned(),
        connections.clone(),
    )
    .await;
    // Short deadlines: the lost answer costs half a second of real time.
    let deadlines = Deadlines {
        connect: Duration::from_secs(1),
        request: Duration::from_millis(500),
    };
    let client = Client::with_deadlines(&proxy, deadlines)
        .unwrap()
        .with_device_token("demo-kiosk-token");
    let direct = Client::new(&url)
        .unwrap()
        .with_device_token("demo-kiosk-token");

    let mut flow = at_confirm();
    let (request, key) = issue_request(&flow.handle(Event::Print));
    let issued = match issue_with_retries(&client, &request, &key).await {
        Event::TicketIssued(ticket) => ticket,
        other => panic!("{other:?}"),
    };
    // The first attempt was issued on the server; its answer was lost; the retry with the
    // same key got that ticket, and no second one exists.
    let again = direct.issue_ticket(&request, &key).await.unwrap();
    assert_eq!(again.number, issued.number);
    let other = direct.issue_ticket(&request, "another-key").await.unwrap();
    assert_ne!(other.number, issued.number, "a new key is a new ticket");
    assert!(
        connections.load(Ordering::SeqCst) >= 2,
        "the answer was lost and the request repeated"
    );
}
