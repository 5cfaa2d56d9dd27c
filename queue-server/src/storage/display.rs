//! What a call display starts from: today's calls in its zone (the waiting lines are added
//! by `services::queries::queues`).

use chrono::{DateTime, Utc};
use lotse_protocol::{Change, DisplayCall};
use rusqlite::{Connection, params};

use super::StorageError;
use super::events;
use super::time::{from_ms, to_ms};
use crate::config::Config;

/// Calls read from the log before filtering by zone and dropping repeated calls of a ticket.
const SCAN_LIMIT: i64 = 2_000;

/// The id of the last event and today's latest `limit` calls in `zone`, one per ticket.
pub fn calls(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    zone: Option<&str>,
    limit: usize,
) -> Result<(i64, Vec<DisplayCall>), StorageError> {
    let last_event_id = events::last_id(connection)?;
    let mut statement = connection.prepare_cached(
        "SELECT id, at, body FROM events
         WHERE at >= ?1 AND id <= ?2 AND json_extract(body, '$.type') = 'ticket_called'
         ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = statement.query_map(
        params![to_ms(config.day_start(now)), last_event_id, SCAN_LIMIT],
        |row| Ok((row.get::<_, i64>(1)?, row.get::<_, String>(2)?)),
    )?;
    let mut calls: Vec<DisplayCall> = Vec::new();
    for row in rows {
        let (at, body) = row?;
        let Ok(Change::TicketCalled {
            number,
            service,
            desk,
            recall,
            ..
        }) = serde_json::from_str::<Change>(&body)
        else {
            continue;
        };
        let shown = calls.iter().any(|c| c.number == number);
        if shown || !config.building.desk_in_zone(&desk, zone) {
            continue;
        }
        calls.push(DisplayCall {
            number,
            service,
            desk,
            at: from_ms(at),
            recall,
        });
        if calls.len() == limit {
            break;
        }
    }
    Ok((last_event_id, calls))
}
