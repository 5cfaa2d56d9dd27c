//! The outbox of closed days (`storage::central_outbox`): queued, then pushed oldest first
//! until the outbox is empty or the centre cannot be reached; after a failure the task
//! waits longer each time (`backoff.rs`) and resumes with the same day. A day the centre
//! refuses for its content (a 4xx answer other than authorisation) is marked refused and
//! logged, so one bad day does not stop the others.

use base64::Engine;
use lotse_protocol::ClientError;
use lotse_protocol::central::{CENTRAL_SCHEMA, DayPush, ProfilePush};

use super::Link;
use super::backoff::delay_after;
use crate::http::AppState;
use crate::storage::{StorageError, central_outbox};

/// How often the task looks for newly closed or folded days when all is sent.
const CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("the central service: {0}")]
    Centre(#[from] ClientError),
}

/// What one round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pushed {
    pub queued: usize,
    pub sent: usize,
    pub refused: usize,
}

pub(super) async fn run(state: AppState, link: Link) {
    let mut stopping = state.shutdown.clone();
    let mut failures = 0u32;
    loop {
        match push_due_days(&state, &link).await {
            Ok(pushed) => {
                failures = 0;
                if pushed != Pushed::default() {
                    tracing::info!(?pushed, "pushed days to the central service");
                }
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                tracing::warn!(%error, failures, "cannot push days to the central service");
            }
        }
        let wait = match failures {
            0 => CHECK_INTERVAL,
            n => delay_after(n),
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
    }
}

/// One round: the profile when days are waiting, then every waiting day, oldest first.
/// Stops at the first push that does not reach the centre (the day stays first in line).
pub async fn push_due_days(state: &AppState, link: &Link) -> Result<Pushed, PushError> {
    let (config, now) = (state.config.clone(), state.now());
    let queued = state
        .store
        .run(move |c| central_outbox::enqueue_due(c, &config, now))
        .await?;
    let mut pushed = Pushed {
        queued,
        ..Pushed::default()
    };
    let mut profile_sent = false;
    while let Some(day) = state.store.read(central_outbox::oldest).await? {
        if !profile_sent {
            let profile = ProfilePush {
                schema: CENTRAL_SCHEMA,
                building: state.config.building.clone(),
            };
            link.client.push_profile(&link.building, &profile).await?;
            profile_sent = true;
        }
        let push = DayPush {
            schema: CENTRAL_SCHEMA,
            version: day.version,
            cells_format: u32::try_from(day.format).unwrap_or(u32::MAX),
            cells: base64::engine::general_purpose::STANDARD.encode(&day.cells),
            visits: day.visits,
            legs: day.legs,
        };
        let id = day.id;
        let now = state.now();
        match link.client.push_day(&link.building, day.day, &push).await {
            Ok(_) => {
                state
                    .store
                    .run(move |c| central_outbox::mark_sent(c, id, now))
                    .await?;
                pushed.sent += 1;
            }
            Err(error) if refused_for_content(&error) => {
                tracing::error!(%error, day = %day.day, version = day.version, "the central service refused a day");
                let reason = error.to_string();
                state
                    .store
                    .run(move |c| central_outbox::mark_refused(c, id, now, &reason))
                    .await?;
                pushed.refused += 1;
            }
            Err(error) => {
                let reason = error.to_string();
                state
                    .store
                    .run(move |c| central_outbox::mark_failed(c, id, &reason))
                    .await?;
                return Err(error.into());
            }
        }
    }
    Ok(pushed)
}

/// A refusal that sending the same day again cannot change: malformed, too large, of a
/// schema or date the centre does not take. Authorisation (401, 403) and the centre's own
/// trouble (5xx) are retried: an operator can fix those.
fn refused_for_content(error: &ClientError) -> bool {
    error
        .status()
        .is_some_and(|status| matches!(status.as_u16(), 400 | 413 | 422))
}
