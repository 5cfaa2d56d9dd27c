//! The live summary for the county overview: every few seconds, and at once when the
//! building's newest event changed. Nothing is kept when the centre cannot be reached: the
//! next summary replaces it, and the overview shows since when the building is silent.

use lotse_protocol::ClientError;
use lotse_protocol::central::{
    CENTRAL_SCHEMA, LiveAlert, LivePrinter, LiveService, LiveSummary, PRINTER_NOT_REPORTED,
};

use super::Link;
use crate::http::AppState;
use crate::storage::StorageError;
use crate::storage::central_summary::{self, Summary};

/// How often the building looks for a change to report, and the longest it stays silent.
const LOOK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);
const SILENT_AT_MOST: std::time::Duration = std::time::Duration::from_secs(5);

pub(super) async fn run(state: AppState, link: Link) {
    let mut stopping = state.shutdown.clone();
    let mut last_sent: Option<(tokio::time::Instant, Option<chrono::DateTime<chrono::Utc>>)> = None;
    loop {
        match summary(&state).await {
            Ok(now) => {
                let due = match &last_sent {
                    None => true,
                    Some((at, event)) => {
                        at.elapsed() >= SILENT_AT_MOST || *event != now.last_event_at
                    }
                };
                if due {
                    let event = now.last_event_at;
                    match link.client.push_live(&link.building, &now).await {
                        Ok(_) => last_sent = Some((tokio::time::Instant::now(), event)),
                        Err(error) => {
                            tracing::debug!(%error, "cannot push the live summary");
                        }
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "cannot read the live summary"),
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK_INTERVAL) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
    }
}

/// The building's live summary now.
pub async fn summary(state: &AppState) -> Result<LiveSummary, StorageError> {
    let now = state.now();
    let day_start = state.config.day_start(now);
    let idle_since = state.limits.session_idle_since(now);
    let read = state
        .store
        .read(move |c| central_summary::read(c, day_start, now, idle_since))
        .await?;
    Ok(to_wire(read, now))
}

/// Pushes the summary now (tests and the first start).
pub async fn push_summary(state: &AppState, link: &Link) -> Result<(), PushLiveError> {
    let summary = summary(state).await?;
    link.client.push_live(&link.building, &summary).await?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum PushLiveError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("the central service: {0}")]
    Centre(#[from] ClientError),
}

fn to_wire(read: Summary, now: chrono::DateTime<chrono::Utc>) -> LiveSummary {
    LiveSummary {
        schema: CENTRAL_SCHEMA,
        at: now,
        services: read
            .readings
            .lines
            .iter()
            .map(|line| LiveService {
                service: line.service.clone(),
                waiting: u32::try_from(line.waiting).unwrap_or(u32::MAX),
                longest_wait_seconds: line.oldest.map_or(0, |oldest| {
                    u32::try_from((now - oldest).num_seconds().max(0)).unwrap_or(u32::MAX)
                }),
            })
            .collect(),
        desks_staffed: read.desks_staffed,
        alerts: read
            .alerts
            .iter()
            .map(|alert| LiveAlert {
                kind: alert.kind.as_str().to_owned(),
                service: alert.service.clone().or_else(|| alert.kiosk.clone()),
                raised_at: alert.raised_at,
            })
            .collect(),
        printers: read
            .readings
            .printers
            .iter()
            .map(|(kiosk, condition)| LivePrinter {
                kiosk: kiosk.clone(),
                condition: condition
                    .clone()
                    .unwrap_or_else(|| PRINTER_NOT_REPORTED.into()),
            })
            .collect(),
        last_event_at: read.last_event_at,
        outbox_backlog: u32::try_from(read.backlog).unwrap_or(u32::MAX),
    }
}
