//! A live event subscription that reconnects with backoff and resumes with `Last-Event-ID`,
//! so a subscriber misses nothing across server restarts and network cuts.

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures::StreamExt;
use tokio::sync::mpsc;

use crate::client::{Client, ClientError, expect_success};
use crate::event::Event;

/// The SSE event name of the server's keep-alive messages.
pub const KEEP_ALIVE_EVENT: &str = "keep-alive";

/// What a subscription reports.
#[derive(Debug)]
pub enum StreamItem {
    /// The stream is (re)connected. Clients that show state reload it now; events after the
    /// last one received follow.
    Connected,
    Event(Event),
    /// The server is alive but has nothing new.
    KeepAlive,
    /// The connection failed or broke; the subscription retries after a backoff.
    Disconnected(ClientError),
}

/// Backoff and liveness settings of a subscription.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Reconnect when nothing (not even a keep-alive) arrived for this long.
    pub idle_timeout: Duration,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(30),
        }
    }
}

/// Subscribes to `/api/v1/events` from after `last_event_id` (or only new events when none).
/// The task runs until the receiver is dropped.
pub fn subscribe(
    client: Client,
    last_event_id: Option<i64>,
    options: StreamOptions,
) -> mpsc::Receiver<StreamItem> {
    let (sender, receiver) = mpsc::channel(256);
    tokio::spawn(run(client, last_event_id, options, sender));
    receiver
}

async fn run(
    client: Client,
    mut last_event_id: Option<i64>,
    options: StreamOptions,
    sender: mpsc::Sender<StreamItem>,
) {
    let mut backoff = options.initial_backoff;
    loop {
        let outcome = connect_and_read(&client, &mut last_event_id, &options, &sender).await;
        match outcome {
            Ok(ReadEnd::ReceiverGone) => return,
            Ok(ReadEnd::Received) => backoff = options.initial_backoff,
            Ok(ReadEnd::Nothing) => {}
            Err(error) => {
                tracing::debug!(%error, "event stream disconnected");
                if sender.send(StreamItem::Disconnected(error)).await.is_err() {
                    return;
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(options.max_backoff);
    }
}

enum ReadEnd {
    ReceiverGone,
    /// The stream ended after delivering something: reconnect quickly.
    Received,
    Nothing,
}

async fn connect_and_read(
    client: &Client,
    last_event_id: &mut Option<i64>,
    options: &StreamOptions,
    sender: &mpsc::Sender<StreamItem>,
) -> Result<ReadEnd, ClientError> {
    // The headers within the request deadline: a server that accepts the connection and
    // never answers would otherwise hold the subscription for good (the idle timeout
    // only starts with the body).
    let request = client.events_request(*last_event_id);
    let response = client
        .within(async {
            let response = request.send().await.map_err(ClientError::Transport)?;
            expect_success(response).await
        })
        .await?;
    if sender.send(StreamItem::Connected).await.is_err() {
        return Ok(ReadEnd::ReceiverGone);
    }
    let mut messages = response.bytes_stream().eventsource();
    let mut received = false;
    loop {
        let next = tokio::time::timeout(options.idle_timeout, messages.next()).await;
        let message = match next {
            Err(_elapsed) => {
                return Err(ClientError::Unexpected {
                    status: reqwest::StatusCode::GATEWAY_TIMEOUT,
                    detail: "no event or keep-alive within the idle timeout".to_owned(),
                });
            }
            Ok(None) => {
                return Ok(if received {
                    ReadEnd::Received
                } else {
                    ReadEnd::Nothing
                });
            }
            Ok(Some(Err(error))) => {
                return Err(ClientError::Unexpected {
                    status: reqwest::StatusCode::OK,
                    detail: format!("broken event stream: {error}"),
                });
            }
            Ok(Some(Ok(message))) => message,
        };
        received = true;
        let item = match read_message(&message.event, &message.data, &message.id) {
            Message::KeepAlive => StreamItem::KeepAlive,
            Message::Event(event) => {
                *last_event_id = Some(event.id);
                StreamItem::Event(event)
            }
            Message::Skipped { id } => {
                if id.is_some() {
                    *last_event_id = id;
                }
                continue;
            }
        };
        if sender.send(item).await.is_err() {
            return Ok(ReadEnd::ReceiverGone);
        }
    }
}

/// What one SSE message means to a subscriber.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    KeepAlive,
    Event(Event),
    /// An event this client cannot decode (of a newer server version): skipped, but its id
    /// (when it has a numeric one) still counts for resuming.
    Skipped {
        id: Option<i64>,
    },
}

/// Reads one SSE message from its `event` name, `data` and `id` fields. Pure: whatever the
/// server sends, this decides without failing.
pub fn read_message(name: &str, data: &str, id: &str) -> Message {
    if name == KEEP_ALIVE_EVENT {
        return Message::KeepAlive;
    }
    match serde_json::from_str::<Event>(data) {
        Ok(event) => Message::Event(event),
        Err(error) => {
            tracing::warn!(%error, %name, "skipping undecodable event");
            Message::Skipped {
                id: id.parse().ok(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_read_without_failing() {
        assert_eq!(read_message(KEEP_ALIVE_EVENT, "", ""), Message::KeepAlive);
        assert_eq!(
            read_message("future-change", "{\"id\": 7, \"what\": 1}", "7"),
            Message::Skipped { id: Some(7) }
        );
        assert_eq!(
            read_message("", "not json", "x"),
            Message::Skipped { id: None }
        );
    }
}
