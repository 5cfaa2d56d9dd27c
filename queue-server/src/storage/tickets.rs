//! Tickets' rows: numbering, idempotency, walk-in counts, the waiting stops, what the wait
//! estimate reads, and a ticket with its stops as stored.

use std::collections::HashMap;

use base64::Engine;
use chrono::{DateTime, Utc};
use lotse_protocol::{Channel, Service, StopStatus};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};

use super::StorageError;
use super::error::stored;
use super::time::{from_ms, to_ms};
use crate::config::Config;
use crate::domain::issuing::day_of;
use crate::estimate;
use crate::routing::Candidate;

/// A new random status-page token: 144 bits, URL-safe.
fn new_token() -> String {
    let mut bytes = [0u8; 18];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The ticket issued earlier with this idempotency key: its id and the request it answered.
pub fn by_idempotency_key(
    connection: &Connection,
    key: &str,
) -> Result<Option<(i64, Option<String>)>, StorageError> {
    Ok(connection
        .prepare_cached("SELECT id, request FROM tickets WHERE idempotency_key = ?1")?
        .query_row([key], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}

/// The next sequence number of `prefix` on `day`.
pub fn next_seq(connection: &Connection, day: &str, prefix: &str) -> Result<i64, StorageError> {
    Ok(connection
        .prepare_cached(
            "INSERT INTO day_counters (day, prefix, last) VALUES (?1, ?2, 1)
             ON CONFLICT (day, prefix) DO UPDATE SET last = last + 1
             RETURNING last",
        )?
        .query_row(params![day, prefix], |row| row.get(0))?)
}

/// A ticket row to write.
pub struct TicketRow<'a> {
    pub day: &'a str,
    pub prefix: &'a str,
    pub seq: i64,
    pub number: &'a str,
    pub language: &'a str,
    pub channel: Channel,
    pub priority: bool,
    pub appointment_at: Option<DateTime<Utc>>,
    /// The idempotency key and the request it belongs to.
    pub idempotency: Option<(&'a str, &'a str)>,
}

/// Writes a ticket (with a fresh status-page token) and its stops, each service with the
/// status it starts in (waiting or pending). Returns the ticket's id.
pub fn insert(
    connection: &Connection,
    ticket: &TicketRow<'_>,
    stops: &[(String, StopStatus)],
    now: DateTime<Utc>,
) -> Result<i64, StorageError> {
    let (key, request) = ticket.idempotency.unzip();
    connection
        .prepare_cached(
            "INSERT INTO tickets (day, prefix, seq, number, token, language, channel, priority,
                                  issued_at, appointment_at, idempotency_key, request)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            ticket.day,
            ticket.prefix,
            ticket.seq,
            ticket.number,
            new_token(),
            ticket.language,
            ticket.channel.as_str(),
            ticket.priority,
            to_ms(now),
            ticket.appointment_at.map(to_ms),
            key,
            request,
        ])?;
    let ticket_id = connection.last_insert_rowid();
    let mut insert_stop = connection.prepare_cached(
        "INSERT INTO stops (ticket_id, position, service, status, queued_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (position, (service, status)) in stops.iter().enumerate() {
        insert_stop.execute(params![
            ticket_id,
            position as i64,
            service,
            status.as_str(),
            to_ms(now)
        ])?;
    }
    Ok(ticket_id)
}

/// How many kiosk stops of `service` were issued on `day`, for its daily walk-in limit; 0
/// for a service without a limit (counting scans the day's tickets).
pub fn walk_ins_toward_limit(
    connection: &Connection,
    day: &str,
    service: &Service,
) -> Result<u32, StorageError> {
    if service.daily_walk_in_limit.is_none() {
        return Ok(0);
    }
    let issued: i64 = connection
        .prepare_cached(
            "SELECT COUNT(*) FROM stops s JOIN tickets t ON t.id = s.ticket_id
             WHERE t.day = ?1 AND t.channel = 'kiosk' AND s.service = ?2",
        )?
        .query_row(params![day, service.id], |row| row.get(0))?;
    Ok(u32::try_from(issued).unwrap_or(u32::MAX))
}

/// Waiting stops of today, for the routing, with each stop's service; only those of
/// `service` when given.
pub fn waiting_candidates(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    service: Option<&str>,
) -> Result<Vec<(Candidate, String)>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT s.id, s.service, s.queued_at, s.front, t.priority, t.appointment_at, t.language
         FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE s.status = 'waiting' AND t.day = ?1 AND (?2 IS NULL OR s.service = ?2)",
    )?;
    let rows = statement.query_map(params![day_of(config, now), service], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, bool>(3)?,
            row.get::<_, bool>(4)?,
            row.get::<_, Option<i64>>(5)?,
            row.get::<_, String>(6)?,
        ))
    })?;
    let mut candidates = Vec::new();
    for row in rows {
        let (stop_id, service, queued_at, front, priority, appointment_at, language) = row?;
        let target_wait_minutes = config.target_wait_minutes(&service);
        candidates.push((
            Candidate {
                stop_id,
                queued_at: from_ms(queued_at),
                priority,
                front,
                appointment_at: appointment_at.map(from_ms),
                target_wait_minutes,
                language: Some(language),
            },
            service,
        ));
    }
    Ok(candidates)
}

/// What the wait estimate of `service` reads (`estimate::Recent`): the durations of its
/// latest finished visits and the desks that called someone recently (the lines' lengths
/// are the caller's: the waiting lines in memory have them).
pub fn recent_for_estimate(
    connection: &Connection,
    service: &str,
    now: DateTime<Utc>,
) -> Result<estimate::Recent, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT finished_at - started_at FROM stops
         WHERE service = ?1 AND status = 'done' AND started_at IS NOT NULL
         ORDER BY finished_at DESC LIMIT ?2",
    )?;
    let durations_minutes = statement
        .query_map(params![service, estimate::RECENT_VISITS], |row| {
            row.get::<_, i64>(0)
        })?
        .map(|ms| ms.map(|ms| ms as f64 / 60_000.0))
        .collect::<Result<_, _>>()?;
    let mut recent = connection.prepare_cached(
        "SELECT DISTINCT desk FROM stops WHERE called_at > ?1 AND desk IS NOT NULL",
    )?;
    let calling_desks = recent
        .query_map([to_ms(now - estimate::ACTIVE_DESK_WINDOW)], |row| {
            row.get(0)
        })?
        .collect::<Result<_, _>>()?;
    Ok(estimate::Recent {
        durations_minutes,
        calling_desks,
        waiting: HashMap::new(),
    })
}

/// How many wait in each service's line on the day of `now` (what the waiting lines in
/// memory hold, read from the database while they are not complete).
pub fn waiting_per_service(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<HashMap<String, u32>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT s.service, COUNT(*) FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE s.status = 'waiting' AND t.day = ?1 GROUP BY s.service",
    )?;
    let counts = statement
        .query_map([day_of(config, now)], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, u32>(1)?))
        })?
        .collect::<Result<_, _>>()?;
    Ok(counts)
}

/// The number of ticket `id`.
pub fn number_of(connection: &Connection, id: i64) -> Result<String, StorageError> {
    Ok(connection
        .prepare_cached("SELECT number FROM tickets WHERE id = ?1")?
        .query_row([id], |row| row.get(0))?)
}

/// The row id of the ticket of `day` with this status-page token: a status page lives as
/// long as its day (an older ticket is not found).
pub fn id_by_token(
    connection: &Connection,
    token: &str,
    day: &str,
) -> Result<Option<i64>, StorageError> {
    Ok(connection
        .prepare_cached("SELECT id FROM tickets WHERE token = ?1 AND day = ?2")?
        .query_row(params![token, day], |row| row.get(0))
        .optional()?)
}

/// A ticket as stored, with its stops in the visit's order (each with its row id).
#[derive(Debug, Clone)]
pub struct StoredTicket {
    pub number: String,
    pub token: String,
    pub language: String,
    pub channel: Channel,
    pub issued_at: DateTime<Utc>,
    pub appointment_at: Option<DateTime<Utc>>,
    pub stops: Vec<(i64, lotse_protocol::Stop)>,
}

/// Ticket `ticket_id` and its stops; `None` for an id that does not exist.
pub fn stored_ticket(
    connection: &Connection,
    config: &Config,
    ticket_id: i64,
) -> Result<Option<StoredTicket>, StorageError> {
    type TicketColumns = (String, String, String, String, i64, Option<i64>);
    let row: Option<TicketColumns> = connection
        .prepare_cached(
            "SELECT number, token, language, channel, issued_at, appointment_at
             FROM tickets WHERE id = ?1",
        )?
        .query_row([ticket_id], |row| TicketColumns::try_from(row))
        .optional()?;
    let Some((number, token, language, channel, issued_at, appointment_at)) = row else {
        return Ok(None);
    };
    let mut statement = connection.prepare_cached(
        "SELECT id, service, status, desk, recalls FROM stops
         WHERE ticket_id = ?1 ORDER BY position, id",
    )?;
    type StopColumns = (i64, String, String, Option<String>, u32);
    let rows: Vec<StopColumns> = statement
        .query_map([ticket_id], |row| StopColumns::try_from(row))?
        .collect::<Result<_, _>>()?;
    let mut stops = Vec::with_capacity(rows.len());
    for (stop_id, service, status, desk, recalls) in rows {
        let agency = config
            .service(&service)
            .map(|s| s.agency.clone())
            .unwrap_or_default();
        let stop = lotse_protocol::Stop {
            service,
            agency,
            status: stored(status, "stops", "status", stop_id)?,
            desk,
            recalls,
        };
        stops.push((stop_id, stop));
    }
    Ok(Some(StoredTicket {
        number,
        token,
        language,
        channel: stored(channel, "tickets", "channel", ticket_id)?,
        issued_at: from_ms(issued_at),
        appointment_at: appointment_at.map(from_ms),
        stops,
    }))
}
