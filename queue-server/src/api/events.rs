//! `GET /api/v1/events`: Server-Sent Events. A client that reconnects with `Last-Event-ID`
//! first gets every stored event it missed, then live events; a subscriber too slow for the
//! live channel catches up from the database instead of losing events. One token or session
//! keeps at most `Limits::max_streams_per_credential` streams open: a new one ends the oldest.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::Stream;
use lotse_protocol::event_stream::KEEP_ALIVE_EVENT;
use tokio::sync::Notify;
use tokio::sync::broadcast::error::RecvError;

use super::AppState;
use super::extract::credential_key;
use crate::auth::Caller;
use crate::error::AppError;
use crate::storage::{Published, events};

/// Events read from the database per query while catching up.
const CATCH_UP_BATCH: i64 = 500;
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(5);
/// What a stream ended for a newer one of the same credential asks the browser to wait before
/// it reconnects (`EventSource` otherwise reconnects after about 3 s).
const REPLACED_RETRY: Duration = Duration::from_secs(60);

#[utoipa::path(get, path = "/api/v1/events", tag = "devices",
    params(("Last-Event-ID" = Option<i64>, Header, description = "resume after this event")),
    responses((status = 200, content_type = "text/event-stream", body = lotse_protocol::Event,
        description = "one SSE message per event: `id`, `event` = type, `data` = the event as JSON; \
                       `keep-alive` events every 5 s")))]
pub async fn stream(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, AppError> {
    let resume_after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    // Subscribe before reading the backlog so nothing falls between the two.
    let mut live = state.store.subscribe();
    let store = state.store.clone();
    let mut shutdown = state.shutdown.clone();
    // A client that remembers an id from a newer (e.g. replaced) database starts from now.
    let newest = store.read(|c| Ok(events::last_id(c)?)).await?;
    let mut last = resume_after.map_or(newest, |id| id.min(newest));
    // The `Caller` extractor accepted the credential, so there is one.
    let slot = state
        .streams
        .open(credential_key(&headers).unwrap_or_default());
    let stream = async_stream::stream! {
        loop {
            // Catch up from the database until it has nothing newer.
            loop {
                let after = last;
                // A replay reaches back to the start of today at most (privacy: yesterday's
                // visits are nobody's business any more).
                let today = state.config.day_start(state.now());
                let batch = match store.read(move |c| Ok(events::after(c, after, today, CATCH_UP_BATCH)?)).await {
                    Ok(batch) => batch,
                    Err(_) => return,
                };
                if batch.is_empty() {
                    break;
                }
                for event in batch {
                    last = event.id;
                    yield Ok(sse_event(&Published::new(event)));
                }
            }
            // Then follow the live channel.
            loop {
                tokio::select! {
                    received = live.recv() => match received {
                        Ok(published) if published.event.id <= last => {}
                        Ok(published) if published.event.id == last + 1 => {
                            last = published.event.id;
                            yield Ok(sse_event(&published));
                        }
                        // A gap or a lag: go back to the database.
                        Ok(_) | Err(RecvError::Lagged(_)) => break,
                        Err(RecvError::Closed) => return,
                    },
                    _ = stopped(&mut shutdown) => return,
                    () = slot.replaced() => {
                        yield Ok(SseEvent::default()
                            .retry(REPLACED_RETRY)
                            .comment("a newer stream of the same token replaced this one"));
                        return;
                    }
                }
            }
        }
    };
    let keep_alive = KeepAlive::new()
        .interval(KEEP_ALIVE_INTERVAL)
        .event(SseEvent::default().event(KEEP_ALIVE_EVENT).data("{}"));
    Ok(Sse::new(stream).keep_alive(keep_alive))
}

fn sse_event(published: &Published) -> SseEvent {
    SseEvent::default()
        .id(published.event.id.to_string())
        .event(published.event.change.name())
        .data(&published.json)
}

/// Completes when the server starts shutting down.
async fn stopped(shutdown: &mut tokio::sync::watch::Receiver<bool>) {
    // An error means the sender is gone, which also means shutdown.
    let _ = shutdown.wait_for(|stopping| *stopping).await.map(|_| ());
}

/// The open live streams per credential (token hash), oldest first.
#[derive(Debug)]
pub struct LiveStreams {
    limit: usize,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    next_id: u64,
    by_credential: HashMap<String, VecDeque<(u64, Arc<Notify>)>>,
}

impl LiveStreams {
    pub fn new(limit: usize) -> LiveStreams {
        LiveStreams {
            limit: limit.max(1),
            open: Mutex::new(Open::default()),
        }
    }

    /// Registers a new stream of `credential`; beyond the limit the oldest of its streams is
    /// told to end.
    pub fn open(self: &Arc<Self>, credential: String) -> StreamSlot {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let id = open.next_id;
        open.next_id += 1;
        let replaced = Arc::new(Notify::new());
        let streams = open.by_credential.entry(credential.clone()).or_default();
        streams.push_back((id, replaced.clone()));
        while streams.len() > self.limit {
            if let Some((_, oldest)) = streams.pop_front() {
                oldest.notify_one();
            }
        }
        StreamSlot {
            credential,
            id,
            replaced,
            streams: self.clone(),
        }
    }

    /// How many streams are open in all.
    pub fn total(&self) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.by_credential.values().map(VecDeque::len).sum()
    }

    /// How many streams `credential` has open.
    pub fn count(&self, credential: &str) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.by_credential.get(credential).map_or(0, VecDeque::len)
    }
}

/// One open stream; it leaves the register when the stream ends.
#[derive(Debug)]
pub struct StreamSlot {
    credential: String,
    id: u64,
    replaced: Arc<Notify>,
    streams: Arc<LiveStreams>,
}

impl StreamSlot {
    /// Completes when a newer stream of the same credential took this one's place.
    async fn replaced(&self) {
        self.replaced.notified().await;
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self
            .streams
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(streams) = open.by_credential.get_mut(&self.credential) {
            streams.retain(|(id, _)| *id != self.id);
            if streams.is_empty() {
                open.by_credential.remove(&self.credential);
            }
        }
    }
}
