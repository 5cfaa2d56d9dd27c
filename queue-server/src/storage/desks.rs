//! Desk actions on the stops of visits: call next (through the routing), call by number,
//! recall, start, finish, no-show, park, resume, transfer; and the lines per service.

use chrono::{DateTime, Duration, Utc};
use lotse_protocol::{
    Availability, CallReason, Change, Desk, DeskTicket, LinePosition, Queues, Service,
    ServiceQueue, StopStatus, Transfer,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::events;
use super::tickets::{day_of, estimated_wait, waiting_candidates};
use super::time::{from_ms, to_ms};
use crate::config::Config;
use crate::error::AppError;
use crate::routing;

/// A stop with the fields desk actions need.
struct StopRow {
    id: i64,
    ticket_id: i64,
    number: String,
    service: String,
    status: StopStatus,
    recalls: u32,
    language: String,
    position: i64,
    finished_at: Option<i64>,
    issued_at: i64,
}

const STOP_COLUMNS: &str = "s.id, s.ticket_id, t.number, s.service, s.status, s.recalls,
     t.language, s.position, s.finished_at, t.issued_at";

fn stop_row(row: &Row<'_>) -> rusqlite::Result<StopRow> {
    let status: String = row.get(4)?;
    Ok(StopRow {
        id: row.get(0)?,
        ticket_id: row.get(1)?,
        number: row.get(2)?,
        service: row.get(3)?,
        status: StopStatus::parse(&status).unwrap_or(StopStatus::Cancelled),
        recalls: row.get(5)?,
        language: row.get(6)?,
        position: row.get(7)?,
        finished_at: row.get(8)?,
        issued_at: row.get(9)?,
    })
}

impl StopRow {
    fn desk_ticket(
        &self,
        desk: &str,
        status: StopStatus,
        reason: Option<CallReason>,
    ) -> DeskTicket {
        DeskTicket {
            desk: desk.to_owned(),
            number: self.number.clone(),
            service: self.service.clone(),
            status,
            recalls: self.recalls,
            language: self.language.clone(),
            reason,
        }
    }
}

fn desk<'a>(config: &'a Config, id: &str) -> Result<&'a Desk, AppError> {
    config
        .building
        .desk(id)
        .ok_or_else(|| AppError::UnknownDesk(id.to_owned()))
}

/// The stop the desk is handling (called or being served).
fn current(connection: &Connection, desk: &str) -> Result<Option<StopRow>, AppError> {
    let sql = format!(
        "SELECT {STOP_COLUMNS} FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE s.desk = ?1 AND s.status IN ('called', 'serving')"
    );
    Ok(connection.query_row(&sql, [desk], stop_row).optional()?)
}

fn require_current(connection: &Connection, desk: &str) -> Result<StopRow, AppError> {
    current(connection, desk)?.ok_or(AppError::NoCurrentTicket)
}

fn ensure_free(connection: &Connection, desk: &str) -> Result<(), AppError> {
    match current(connection, desk)? {
        Some(stop) => Err(AppError::DeskBusy(stop.number)),
        None => Ok(()),
    }
}

fn set_called(
    connection: &Connection,
    now: DateTime<Utc>,
    stop: &StopRow,
    desk: &str,
) -> Result<(), AppError> {
    connection.execute(
        "UPDATE stops SET status = 'called', desk = ?2, called_at = ?3, finished_at = NULL
         WHERE id = ?1",
        params![stop.id, desk, to_ms(now)],
    )?;
    events::record(
        connection,
        now,
        &Change::TicketCalled {
            number: stop.number.clone(),
            service: stop.service.clone(),
            desk: desk.to_owned(),
            recall: 0,
        },
    )
}

/// Calls the routing's choice among the waiting stops of the services the desk serves.
pub fn call_next(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk_id: &str,
) -> Result<Option<DeskTicket>, AppError> {
    desk(config, desk_id)?;
    ensure_free(connection, desk_id)?;
    let Some((stop, reason)) = next_choice(connection, config, now, desk_id)? else {
        return Ok(None);
    };
    set_called(connection, now, &stop, desk_id)?;
    Ok(Some(stop.desk_ticket(
        desk_id,
        StopStatus::Called,
        Some(reason),
    )))
}

/// Who `call_next` would call at this desk now, and why, without calling (the console's
/// "next" line).
pub fn peek_next(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk_id: &str,
) -> Result<Option<DeskTicket>, AppError> {
    Ok(next_choice(connection, config, now, desk_id)?
        .map(|(stop, reason)| stop.desk_ticket(desk_id, StopStatus::Waiting, Some(reason))))
}

/// The ticket at the desk (called or being served), if any.
pub fn current_ticket(
    connection: &Connection,
    desk_id: &str,
) -> Result<Option<DeskTicket>, AppError> {
    Ok(current(connection, desk_id)?.map(|stop| {
        let status = stop.status;
        stop.desk_ticket(desk_id, status, None)
    }))
}

fn next_choice(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk_id: &str,
) -> Result<Option<(StopRow, CallReason)>, AppError> {
    let desk = desk(config, desk_id)?;
    let candidates: Vec<_> = waiting_candidates(connection, config, now, None)?
        .into_iter()
        .filter(|(_, service)| desk.services.contains(service))
        .map(|(candidate, _)| candidate)
        .collect();
    let Some(choice) = routing::choose_next(&candidates, now) else {
        return Ok(None);
    };
    Ok(Some((
        stop_by_id(connection, choice.stop_id)?,
        choice.reason,
    )))
}

fn stop_by_id(connection: &Connection, id: i64) -> Result<StopRow, AppError> {
    let sql = format!(
        "SELECT {STOP_COLUMNS} FROM stops s JOIN tickets t ON t.id = s.ticket_id WHERE s.id = ?1"
    );
    Ok(connection.query_row(&sql, [id], stop_row)?)
}

/// The stop of today's ticket `number` that is in play: waiting, parked, at a desk, or a
/// no-show (the latest one).
fn active_stop_of(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    number: &str,
) -> Result<StopRow, AppError> {
    let sql = format!(
        "SELECT {STOP_COLUMNS} FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE t.day = ?1 AND t.number = ?2
           AND s.status IN ('waiting', 'called', 'serving', 'parked', 'no_show')
         ORDER BY s.position DESC, s.id DESC LIMIT 1"
    );
    connection
        .query_row(&sql, params![day_of(config, now), number], stop_row)
        .optional()?
        .ok_or(AppError::TicketNotFound)
}

/// Calls a ticket by its number: a waiting or parked one, or a no-show within the
/// re-activation window.
pub fn call_number(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk_id: &str,
    number: &str,
) -> Result<DeskTicket, AppError> {
    let desk = desk(config, desk_id)?;
    ensure_free(connection, desk_id)?;
    let stop = active_stop_of(connection, config, now, number.trim())?;
    if !desk.services.contains(&stop.service) {
        return Err(AppError::ServiceNotServedHere(stop.service));
    }
    match stop.status {
        StopStatus::Waiting | StopStatus::Parked => {}
        StopStatus::NoShow => {
            let window =
                Duration::minutes(i64::from(config.building.queue.reactivation_window_minutes));
            let since = stop.finished_at.map(from_ms).unwrap_or_default();
            if now - since > window {
                return Err(AppError::ReactivationWindowPassed);
            }
        }
        StopStatus::Called | StopStatus::Serving => return Err(AppError::TicketAtOtherDesk),
        other => return Err(AppError::WrongStatus(other.as_str())),
    }
    set_called(connection, now, &stop, desk_id)?;
    Ok(stop.desk_ticket(
        desk_id,
        StopStatus::Called,
        Some(CallReason::CalledByNumber),
    ))
}

pub fn recall(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk_id: &str,
) -> Result<DeskTicket, AppError> {
    desk(config, desk_id)?;
    let mut stop = require_current(connection, desk_id)?;
    if stop.status != StopStatus::Called {
        return Err(AppError::WrongStatus(stop.status.as_str()));
    }
    stop.recalls += 1;
    connection.execute(
        "UPDATE stops SET recalls = ?2, called_at = ?3 WHERE id = ?1",
        params![stop.id, stop.recalls, to_ms(now)],
    )?;
    events::record(
        connection,
        now,
        &Change::TicketCalled {
            number: stop.number.clone(),
            service: stop.service.clone(),
            desk: desk_id.to_owned(),
            recall: stop.recalls,
        },
    )?;
    Ok(stop.desk_ticket(desk_id, StopStatus::Called, None))
}

pub fn start(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk_id: &str,
) -> Result<DeskTicket, AppError> {
    desk(config, desk_id)?;
    let stop = require_current(connection, desk_id)?;
    if stop.status != StopStatus::Called {
        return Err(AppError::WrongStatus(stop.status.as_str()));
    }
    connection.execute(
        "UPDATE stops SET status = 'serving', started_at = ?2 WHERE id = ?1",
        params![stop.id, to_ms(now)],
    )?;
    events::record(
        connection,
        now,
        &Change::ServiceStarted {
            number: stop.number.clone(),
            service: stop.service.clone(),
            desk: desk_id.to_owned(),
        },
    )?;
    Ok(stop.desk_ticket(desk_id, StopStatus::Serving, None))
}

/// Finishes the current stop; the visit's next concern joins its line keeping the visit's
/// original arrival time.
pub fn finish(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk_id: &str,
    outcome: Option<&str>,
) -> Result<DeskTicket, AppError> {
    desk(config, desk_id)?;
    let stop = require_current(connection, desk_id)?;
    connection.execute(
        "UPDATE stops SET status = 'done', finished_at = ?2, outcome = ?3,
                          started_at = COALESCE(started_at, called_at)
         WHERE id = ?1",
        params![stop.id, to_ms(now), outcome],
    )?;
    let next = advance(connection, &stop)?;
    events::record(
        connection,
        now,
        &Change::StopFinished {
            number: stop.number.clone(),
            service: stop.service.clone(),
            desk: desk_id.to_owned(),
            next_service: next,
        },
    )?;
    Ok(stop.desk_ticket(desk_id, StopStatus::Done, None))
}

/// Moves the visit on to its next pending stop, if any; returns that stop's service.
fn advance(connection: &Connection, stop: &StopRow) -> Result<Option<String>, AppError> {
    let next: Option<(i64, String)> = connection
        .query_row(
            "SELECT id, service FROM stops
             WHERE ticket_id = ?1 AND status = 'pending' AND (position, id) > (?2, ?3)
             ORDER BY position, id LIMIT 1",
            params![stop.ticket_id, stop.position, stop.id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((next_id, service)) = next else {
        return Ok(None);
    };
    connection.execute(
        "UPDATE stops SET status = 'waiting', queued_at = ?2 WHERE id = ?1",
        params![next_id, stop.issued_at],
    )?;
    Ok(Some(service))
}

/// Marks the called visitor as not present; allowed after the configured number of recalls.
pub fn no_show(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk_id: &str,
) -> Result<DeskTicket, AppError> {
    desk(config, desk_id)?;
    let stop = require_current(connection, desk_id)?;
    if stop.status != StopStatus::Called {
        return Err(AppError::WrongStatus(stop.status.as_str()));
    }
    let needed = config.building.queue.no_show_after_recalls;
    if stop.recalls < needed {
        return Err(AppError::RecallsRequired(needed));
    }
    connection.execute(
        "UPDATE stops SET status = 'no_show', finished_at = ?2 WHERE id = ?1",
        params![stop.id, to_ms(now)],
    )?;
    events::record(
        connection,
        now,
        &Change::NoShow {
            number: stop.number.clone(),
            service: stop.service.clone(),
            desk: desk_id.to_owned(),
        },
    )?;
    Ok(stop.desk_ticket(desk_id, StopStatus::NoShow, None))
}

/// Sets the current visitor aside (e.g. to fetch a document); the desk is free again.
pub fn park(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk_id: &str,
) -> Result<DeskTicket, AppError> {
    desk(config, desk_id)?;
    let stop = require_current(connection, desk_id)?;
    connection.execute(
        "UPDATE stops SET status = 'parked', desk = NULL WHERE id = ?1",
        [stop.id],
    )?;
    events::record(
        connection,
        now,
        &Change::Parked {
            number: stop.number.clone(),
            service: stop.service.clone(),
            desk: desk_id.to_owned(),
        },
    )?;
    Ok(stop.desk_ticket(desk_id, StopStatus::Parked, None))
}

/// Puts a parked ticket back into its line at its original place.
pub fn resume(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk_id: &str,
    number: &str,
) -> Result<DeskTicket, AppError> {
    desk(config, desk_id)?;
    let stop = active_stop_of(connection, config, now, number.trim())?;
    if stop.status != StopStatus::Parked {
        return Err(AppError::WrongStatus(stop.status.as_str()));
    }
    connection.execute(
        "UPDATE stops SET status = 'waiting' WHERE id = ?1",
        [stop.id],
    )?;
    events::record(
        connection,
        now,
        &Change::Resumed {
            number: stop.number.clone(),
            service: stop.service.clone(),
        },
    )?;
    Ok(stop.desk_ticket(desk_id, StopStatus::Waiting, None))
}

/// Hands the current visitor on to another service, at the front or back of its line, with an
/// optional note only the receiving agency can read.
pub fn transfer(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk_id: &str,
    transfer: &Transfer,
    author: &str,
) -> Result<DeskTicket, AppError> {
    desk(config, desk_id)?;
    let target = config
        .service(&transfer.service)
        .ok_or_else(|| AppError::UnknownService(transfer.service.clone()))?;
    let stop = require_current(connection, desk_id)?;
    connection.execute(
        "UPDATE stops SET status = 'transferred', finished_at = ?2 WHERE id = ?1",
        params![stop.id, to_ms(now)],
    )?;
    let front = transfer.position == LinePosition::Front;
    let queued_at = if front { stop.issued_at } else { to_ms(now) };
    // Same position as the current stop and a larger id: ordered right after it.
    connection.execute(
        "INSERT INTO stops (ticket_id, position, service, status, queued_at, front)
         VALUES (?1, ?2, ?3, 'waiting', ?4, ?5)",
        params![stop.ticket_id, stop.position, target.id, queued_at, front],
    )?;
    let new_stop = connection.last_insert_rowid();
    if let Some(note) = transfer
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        connection.execute(
            "INSERT INTO notes (stop_id, agency, author, text, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![new_stop, target.agency, author, note, to_ms(now)],
        )?;
    }
    events::record(
        connection,
        now,
        &Change::Transferred {
            number: stop.number.clone(),
            from_service: stop.service.clone(),
            to_service: target.id.clone(),
            desk: desk_id.to_owned(),
        },
    )?;
    Ok(stop.desk_ticket(desk_id, StopStatus::Transferred, None))
}

/// Waiting counts, longest waits and estimates for every service.
pub fn queues(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Queues, AppError> {
    let waiting = waiting_candidates(connection, config, now, None)?;
    let mut services = Vec::with_capacity(config.building.services.len());
    for service in &config.building.services {
        let line: Vec<_> = waiting
            .iter()
            .filter(|(_, s)| *s == service.id)
            .map(|(c, _)| c)
            .collect();
        let count = u32::try_from(line.len()).unwrap_or(u32::MAX);
        let longest = line
            .iter()
            .map(|c| (now - c.queued_at).num_minutes().max(0))
            .max()
            .unwrap_or(0);
        services.push(ServiceQueue {
            service: service.id.clone(),
            agency: service.agency.clone(),
            waiting: count,
            longest_wait_minutes: u32::try_from(longest).unwrap_or(u32::MAX),
            estimated_wait_minutes: estimated_wait(connection, config, &service.id, count, now)?,
            availability: availability(connection, config, service, now)?,
        });
    }
    Ok(Queues { at: now, services })
}

/// Whether a kiosk may issue a ticket for `service` now.
fn availability(
    connection: &Connection,
    config: &Config,
    service: &Service,
    now: DateTime<Utc>,
) -> Result<Availability, AppError> {
    if !service.walk_in {
        return Ok(Availability::AppointmentOnly);
    }
    if !config.is_open(&service.id, now) {
        return Ok(Availability::Closed);
    }
    let services = [service.id.clone()];
    match super::tickets::check_walk_in_limits(connection, config, &day_of(config, now), &services)
    {
        Ok(()) => Ok(Availability::Open),
        Err(AppError::WalkInsFull(_)) => Ok(Availability::FullToday),
        Err(other) => Err(other),
    }
}

/// Whether a ticket is at most at one desk and each desk has at most one ticket; used by
/// tests and by `check` after a crash.
pub fn invariant_violations(connection: &Connection) -> Result<Vec<String>, AppError> {
    let mut problems = Vec::new();
    let mut statement = connection.prepare(
        "SELECT ticket_id, COUNT(*) FROM stops
         WHERE status IN ('waiting', 'called', 'serving', 'parked')
         GROUP BY ticket_id HAVING COUNT(*) > 1",
    )?;
    for row in statement.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)))? {
        let (ticket, count) = row?;
        problems.push(format!("ticket {ticket} has {count} active stops"));
    }
    let mut statement = connection.prepare(
        "SELECT desk, COUNT(*) FROM stops WHERE status IN ('called', 'serving')
         GROUP BY desk HAVING COUNT(*) > 1",
    )?;
    for row in statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
    })? {
        let (desk, count) = row?;
        problems.push(format!("desk {desk} has {count} current tickets"));
    }
    Ok(problems)
}
