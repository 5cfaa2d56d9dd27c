//! Issuing tickets (numbering, idempotency, walk-in rules) and the visitor's view of a ticket.

use base64::Engine;
use chrono::{DateTime, Utc};
use lotse_protocol::{Channel, Service, StopStatus, Ticket};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};

use super::error::stored;
use super::time::{from_ms, to_ms};
use super::{StorageError, WaitingLines};
use crate::config::Config;
use crate::domain::issuing::day_of;
use crate::estimate::{self, OpenConcern};
use crate::routing::{self, Candidate};
use crate::visit_order::{self, Progress, VisitOrder};

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
/// latest finished visits and the desks that called someone recently.
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
    })
}

/// Estimated minutes until someone with `people_ahead` in front is called for `service`,
/// by the domain's rule (`estimate::for_service`).
pub fn estimated_wait(
    connection: &Connection,
    config: &Config,
    service: &str,
    people_ahead: u32,
    now: DateTime<Utc>,
) -> Result<u32, StorageError> {
    let recent = recent_for_estimate(connection, service, now)?;
    Ok(estimate::for_service(
        &config.building,
        service,
        people_ahead,
        &recent,
    ))
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

/// The visitor's view of a ticket: its stops, place in line and estimated wait; `None` for
/// an id that does not exist.
pub fn view(
    connection: &Connection,
    config: &Config,
    lines: &WaitingLines,
    now: DateTime<Utc>,
    ticket_id: i64,
) -> Result<Option<Ticket>, StorageError> {
    type TicketColumns = (String, String, String, String, i64, Option<i64>);
    let row: Option<TicketColumns> = connection
        .prepare_cached(
            "SELECT number, token, language, channel, issued_at, appointment_at
             FROM tickets WHERE id = ?1",
        )?
        .query_row([ticket_id], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
            ))
        })
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
    let mut ids = Vec::with_capacity(rows.len());
    for (stop_id, service, status, desk, recalls) in rows {
        let status: StopStatus = stored(status, "stops", "status", stop_id)?;
        let agency = config
            .service(&service)
            .map(|s| s.agency.clone())
            .unwrap_or_default();
        ids.push(stop_id);
        stops.push(lotse_protocol::Stop {
            service,
            agency,
            status,
            desk,
            recalls,
        });
    }
    // Each open concern's wait: people ahead and minutes for a waiting one, the line's
    // estimate for a pending one, none while the visitor is busy with it.
    let day = day_of(config, now);
    let mut waits: Vec<Option<(u32, u32)>> = Vec::with_capacity(stops.len());
    for (stop, stop_id) in stops.iter().zip(&ids) {
        let ahead = match stop.status {
            StopStatus::Waiting => {
                let target = config.target_wait_minutes(&stop.service);
                Some(
                    match lines.people_ahead(&day, &stop.service, *stop_id, target, now) {
                        Some(ahead) => ahead,
                        // Committed a moment ago and not in the lines yet: count from the
                        // database.
                        None => {
                            let line: Vec<Candidate> =
                                waiting_candidates(connection, config, now, Some(&stop.service))?
                                    .into_iter()
                                    .map(|(candidate, _)| candidate)
                                    .collect();
                            routing::people_ahead(&line, *stop_id, now).unwrap_or(0)
                        }
                    },
                )
            }
            StopStatus::Pending => Some(
                u32::try_from(
                    waiting_candidates(connection, config, now, Some(&stop.service))?.len(),
                )
                .unwrap_or(u32::MAX),
            ),
            _ => None,
        };
        waits.push(match ahead {
            Some(ahead) => Some((
                ahead,
                estimated_wait(connection, config, &stop.service, ahead, now)?,
            )),
            None => None,
        });
    }
    let progress: Vec<Progress> = stops.iter().map(|s| Progress::of(s.status)).collect();
    let minutes: Vec<Option<u32>> = waits.iter().map(|w| w.map(|(_, m)| m)).collect();
    let current = visit_order::concern_now(&progress, &minutes);
    let open: Vec<OpenConcern> = stops
        .iter()
        .zip(&progress)
        .zip(&minutes)
        .filter(|((_, p), _)| **p != Progress::Closed)
        .map(|((stop, _), wait)| OpenConcern {
            wait_minutes: wait.unwrap_or(0),
            desk_minutes: config
                .service(&stop.service)
                .map_or(0, |s| s.typical_minutes),
        })
        .collect();
    let waits_overlap = config.building.queue.visit_order == VisitOrder::SeveralLines;
    let visit_estimate_minutes =
        (!open.is_empty()).then(|| estimate::visit_minutes(&open, waits_overlap));
    let mut people_ahead = None;
    let mut estimated_wait_minutes = None;
    let mut called_to = None;
    if let Some(index) = current {
        let stop = &stops[index];
        if let Some((ahead, minutes)) = waits[index].filter(|_| stop.status == StopStatus::Waiting)
        {
            people_ahead = Some(ahead);
            estimated_wait_minutes = Some(minutes);
        }
        if stop.status.is_at_desk() {
            called_to = stop.desk.clone();
        }
    }
    Ok(Some(Ticket {
        number,
        status_url: config.status_url(&token),
        token,
        language,
        channel: stored(channel, "tickets", "channel", ticket_id)?,
        issued_at: from_ms(issued_at),
        appointment_at: appointment_at.map(from_ms),
        stops,
        current_stop: current,
        people_ahead,
        estimated_wait_minutes,
        called_to,
        visit_estimate_minutes,
        interpreter: super::interpreters::live_of_ticket(connection, ticket_id)?
            .map(|request| request.status),
    }))
}
