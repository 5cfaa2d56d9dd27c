//! `GET /api/v1/events`: Server-Sent Events. A client that reconnects with `Last-Event-ID`
//! first gets every stored event it missed, then live events; a subscriber too slow for the
//! live channel catches up from the database instead of losing events. A token or session,
//! and a staff account over all its sessions, keep only so many streams open
//! (`live_streams.rs`): a new one ends the oldest. Emergency alarms go only to the staff they
//! notify (`domain::alarm::streamed_to`), never to a device.

use std::convert::Infallible;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use bytes::BytesMut;
use lotse_protocol::event_stream::KEEP_ALIVE_EVENT;
use lotse_protocol::{Change, Role};
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::time::Instant;

use crate::auth::Caller;
use crate::domain::alarm::streamed_to;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::credential_key;
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
                       `keep-alive` events after 5 s without a message")))]
pub async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let resume_after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    // Subscribe before reading the backlog so nothing falls between the two.
    let mut live = state.store.subscribe();
    let store = state.store.clone();
    let mut shutdown = state.shutdown.clone();
    // A client that remembers an id from a newer (e.g. replaced) database starts from now.
    let newest = store.read(events::last_id).await?;
    let mut last = resume_after.map_or(newest, |id| id.min(newest));
    // The `Caller` extractor accepted the credential, so there is one.
    let credential = credential_key(&headers).unwrap_or_default();
    let account = caller.is_staff().then(|| caller.identity());
    let slot = state.streams.open(credential, account);
    let listener = Listener::of(&caller, &state.config.building);
    let stream = async_stream::stream! {
        // Reset only when it fires, not for every message (a timer reset per message and
        // subscriber costs a lock on the runtime's timer wheel each time).
        let keep_alive = tokio::time::sleep(KEEP_ALIVE_INTERVAL);
        tokio::pin!(keep_alive);
        let mut last_sent = Instant::now();
        loop {
            // Catch up from the database until it has nothing newer.
            loop {
                let after = last;
                // A replay reaches back to the start of today at most (privacy: yesterday's
                // visits are nobody's business any more).
                let today = state.config.day_start(state.now());
                let batch = match store.read(move |c| events::after(c, after, today, CATCH_UP_BATCH)).await {
                    Ok(batch) => batch,
                    Err(_) => return,
                };
                let Some(newest) = batch.last() else { break };
                last = newest.id;
                let mut chunk = BytesMut::new();
                for event in batch.into_iter().filter(|e| listener.receives(&e.change)) {
                    chunk.extend_from_slice(wire(&Published::new(event)));
                }
                if !chunk.is_empty() {
                    last_sent = Instant::now();
                    yield Ok::<_, Infallible>(chunk.freeze());
                }
            }
            // Then follow the live channel: everything already waiting goes out as one chunk.
            loop {
                let received = tokio::select! {
                    received = live.recv() => received,
                    () = &mut keep_alive => {
                        let silent = last_sent.elapsed();
                        if silent >= KEEP_ALIVE_INTERVAL {
                            last_sent = Instant::now();
                            keep_alive.as_mut().reset(last_sent + KEEP_ALIVE_INTERVAL);
                            yield Ok(KEEP_ALIVE_MESSAGE.clone());
                        } else {
                            keep_alive.as_mut().reset(last_sent + KEEP_ALIVE_INTERVAL);
                        }
                        continue;
                    }
                    _ = stopped(&mut shutdown) => return,
                    () = slot.replaced() => {
                        yield Ok(Bytes::from(format!(
                            "retry: {}\n: a newer stream of the same token replaced this one\n\n",
                            REPLACED_RETRY.as_millis()
                        )));
                        return;
                    }
                };
                let mut chunk = BytesMut::new();
                let next = follow(&listener, &mut last, received, &mut chunk);
                let next = if next == Next::More { drain(&listener, &mut live, &mut last, &mut chunk) } else { next };
                if !chunk.is_empty() {
                    last_sent = Instant::now();
                    yield Ok(chunk.freeze());
                }
                match next {
                    Next::More => {}
                    Next::CatchUp => break,
                    Next::Closed => return,
                }
            }
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// The SSE message of a published event, made once for all subscribers.
fn wire(published: &Published) -> &Bytes {
    published.wire.get_or_init(|| {
        Bytes::from(format!(
            "id: {}\nevent: {}\ndata: {}\n\n",
            published.event.id,
            published.event.change.name(),
            published.json
        ))
    })
}

/// What a stream sends after `KEEP_ALIVE_INTERVAL` without a message.
static KEEP_ALIVE_MESSAGE: LazyLock<Bytes> =
    LazyLock::new(|| Bytes::from(format!("event: {KEEP_ALIVE_EVENT}\ndata: {{}}\n\n")));

/// Most bytes sent as one chunk when many events are waiting.
const MAX_CHUNK: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Keep following the live channel.
    More,
    /// A gap or a lag: read what was missed from the database.
    CatchUp,
    /// The server is going away.
    Closed,
}

/// Who a stream is for, as the alarm rules see them: a staff member with the desk (and its
/// floor) the session sat at when the stream opened (a new desk reloads the page, and with
/// it the stream); none for a device.
struct Listener(Option<StaffListener>);

/// A staff listener: account, role, and the desk with its floor.
struct StaffListener {
    name: String,
    role: Role,
    desk: Option<(String, i32)>,
}

impl Listener {
    fn of(caller: &Caller, building: &lotse_protocol::Building) -> Listener {
        Listener(match caller {
            Caller::Staff {
                name, role, desk, ..
            } => {
                let desk = desk
                    .as_deref()
                    .and_then(|id| building.desk(id).map(|d| (id.to_owned(), d.floor)));
                Some(StaffListener {
                    name: name.clone(),
                    role: *role,
                    desk,
                })
            }
            Caller::Device { .. } => None,
        })
    }

    /// Whether this stream carries `change`.
    fn receives(&self, change: &Change) -> bool {
        let person = self
            .0
            .as_ref()
            .map(|listener| crate::domain::alarm::Person {
                name: &listener.name,
                role: listener.role,
                desk: listener
                    .desk
                    .as_ref()
                    .map(|(id, floor)| (id.as_str(), *floor)),
            });
        streamed_to(change, person.as_ref())
    }
}

/// Adds one received event to `chunk` when it is the next one (and the listener's: another's
/// is passed over).
fn follow(
    listener: &Listener,
    last: &mut i64,
    received: Result<Arc<Published>, RecvError>,
    chunk: &mut BytesMut,
) -> Next {
    match received {
        Ok(published) if published.event.id <= *last => Next::More,
        Ok(published) if published.event.id == *last + 1 => {
            *last = published.event.id;
            if listener.receives(&published.event.change) {
                chunk.extend_from_slice(wire(&published));
            }
            Next::More
        }
        Ok(_) | Err(RecvError::Lagged(_)) => Next::CatchUp,
        Err(RecvError::Closed) => Next::Closed,
    }
}

/// Adds every event already waiting in the live channel to `chunk` (up to `MAX_CHUNK`).
fn drain(
    listener: &Listener,
    live: &mut Receiver<Arc<Published>>,
    last: &mut i64,
    chunk: &mut BytesMut,
) -> Next {
    while chunk.len() < MAX_CHUNK {
        let received = match live.try_recv() {
            Ok(published) => Ok(published),
            Err(TryRecvError::Empty) => return Next::More,
            Err(TryRecvError::Lagged(n)) => Err(RecvError::Lagged(n)),
            Err(TryRecvError::Closed) => Err(RecvError::Closed),
        };
        let next = follow(listener, last, received, chunk);
        if next != Next::More {
            return next;
        }
    }
    Next::More
}

/// Completes when the server starts shutting down.
async fn stopped(shutdown: &mut tokio::sync::watch::Receiver<bool>) {
    // An error means the sender is gone, which also means shutdown.
    let _ = shutdown.wait_for(|stopping| *stopping).await.map(|_| ());
}
