//! Every client request gives up within its deadline against servers that misbehave (accept
//! and never answer, stall after the headers, close mid-body, answer garbage, drip bytes),
//! with a typed error; the event stream does not wait forever for its headers. Time is
//! tokio's paused clock: deadlines pass without waiting for them.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

#[path = "support/misbehaving.rs"]
mod misbehaving;

use std::time::Duration;

use lotse_protocol::event_stream::{StreamItem, StreamOptions, subscribe};
use lotse_protocol::{CheckIn, Client, ClientError, Deadlines, IssueTicket};
use misbehaving::Misbehaviour;
use tokio::time::Instant;

const DEADLINES: Deadlines = Deadlines {
    connect: Duration::from_secs(1),
    request: Duration::from_secs(4),
};

/// Runs a request; fails (instead of hanging) if it outlives three deadlines.
async fn bounded<T: std::fmt::Debug>(
    what: &str,
    request: impl std::future::Future<Output = Result<T, ClientError>>,
) -> (ClientError, Duration) {
    let started = Instant::now();
    let outcome = tokio::time::timeout(DEADLINES.request * 3, request)
        .await
        .unwrap_or_else(|_| panic!("{what}: still waiting after three deadlines"));
    (outcome.expect_err(what), started.elapsed())
}

#[tokio::test(start_paused = true)]
async fn every_request_gives_up_within_its_deadline_whatever_the_server_does() {
    for misbehaviour in Misbehaviour::ALL {
        let url = misbehaving::start(misbehaviour).await;
        let client = Client::with_deadlines(&url, DEADLINES)
            .unwrap()
            .with_device_token("t");
        let issue = IssueTicket {
            services: vec!["residence-permit".into()],
            language: "de".into(),
            channel: None,
            priority: false,
            interpreter: false,
        };
        let check_in = CheckIn {
            code: "ABC".into(),
            language: None,
        };
        let mut results = Vec::new();
        // The health check reads only the status line: it fails only without one.
        if matches!(
            misbehaviour,
            Misbehaviour::NeverAnswers | Misbehaviour::SlowBytes
        ) {
            results.push(("healthz", bounded("healthz", client.healthz()).await));
        }
        results.extend([
            ("config", bounded("config", client.config()).await),
            ("queues", bounded("queues", client.queues()).await),
            (
                "issue",
                bounded("issue", client.issue_ticket(&issue, "key-1")).await,
            ),
            (
                "check-in",
                bounded("check-in", client.check_in(&check_in)).await,
            ),
            (
                "call-next",
                bounded("call-next", client.call_next("d1")).await,
            ),
        ]);
        for (what, (error, elapsed)) in results {
            let context = format!("{misbehaviour:?} {what}: {error} after {elapsed:?}");
            assert!(elapsed <= DEADLINES.request, "{context}");
            match misbehaviour {
                Misbehaviour::NeverAnswers
                | Misbehaviour::HeadersThenStall
                | Misbehaviour::SlowBytes => {
                    assert!(matches!(error, ClientError::Timeout(_)), "{context}");
                }
                Misbehaviour::ClosesMidBody => {
                    assert!(matches!(error, ClientError::Transport(_)), "{context}");
                }
                Misbehaviour::GarbageOk => {
                    assert!(matches!(error, ClientError::Unexpected { .. }), "{context}");
                }
            }
            assert!(error.is_retryable() || misbehaviour == Misbehaviour::GarbageOk);
        }
    }
}

#[tokio::test(start_paused = true)]
async fn the_health_check_counts_only_the_status_line() {
    for misbehaviour in [
        Misbehaviour::GarbageOk,
        Misbehaviour::HeadersThenStall,
        Misbehaviour::ClosesMidBody,
    ] {
        let url = misbehaving::start(misbehaviour).await;
        let client = Client::with_deadlines(&url, DEADLINES).unwrap();
        assert!(client.healthz().await.is_ok(), "{misbehaviour:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn the_event_stream_gives_up_on_a_server_that_never_sends_headers() {
    let url = misbehaving::start(Misbehaviour::NeverAnswers).await;
    let client = Client::with_deadlines(&url, DEADLINES).unwrap();
    let options = StreamOptions {
        idle_timeout: Duration::from_secs(30),
        ..StreamOptions::default()
    };
    let started = Instant::now();
    let mut items = subscribe(client, None, options);
    let item = tokio::time::timeout(DEADLINES.request * 3, items.recv())
        .await
        .expect("the subscription reports the stalled connection");
    assert!(
        matches!(
            item,
            Some(StreamItem::Disconnected(ClientError::Timeout(_)))
        ),
        "{item:?}"
    );
    assert!(started.elapsed() <= DEADLINES.request);
}
