//! What staff screens show: one desk's situation (current ticket with the notes its agency's
//! staff may read, who is next and why, parked tickets, its lines, alerts) and the
//! supervisor's overview of all desks.

use chrono::{DateTime, Utc};
use lotse_protocol::{Alert, Desk, DeskTicket, InterpreterRequest, PassedOver, ServiceQueue, Stop};
use rusqlite::{Connection, params};

use super::StorageError;
use super::time::{from_ms, to_ms};
use super::{desks, interpreters};
use crate::auth::AgencyScope;
use crate::config::Config;
use crate::domain::issuing::day_of;

#[derive(Debug, Clone)]
pub struct Note {
    pub author: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct DeskView {
    pub current: Option<DeskTicket>,
    /// Transfer notes on the current ticket written for the agency of its current concern.
    pub notes: Vec<Note>,
    pub next: Option<DeskTicket>,
    /// Visitors a call-next would pass over because they are at another desk.
    pub passed_over: Vec<PassedOver>,
    /// The current visitor's other concerns and where they stand.
    pub other_concerns: Vec<Stop>,
    /// Numbers of today's parked tickets for the services of this desk.
    pub parked: Vec<String>,
    /// The lines of the services this desk serves.
    pub lines: Vec<ServiceQueue>,
    /// Every active alert (the page shows those `domain::alerts::shown_to` the desk).
    pub alerts: Vec<Alert>,
    /// The live interpreter requests of the current and of the next visitor.
    pub current_interpreter: Option<InterpreterRequest>,
    pub next_interpreter: Option<InterpreterRequest>,
}

pub fn desk_view(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk: &Desk,
    reader: &AgencyScope,
) -> Result<DeskView, StorageError> {
    let desk_id = desk.id.as_str();
    let current_stop = desks::current(connection, desk_id)?;
    let other_concerns = match &current_stop {
        Some(stop) => other_concerns(connection, config, stop)?,
        None => Vec::new(),
    };
    let current = current_stop.map(|stop| stop.desk_ticket(desk_id, stop.status, None));
    let notes = match &current {
        Some(ticket) => notes_for(connection, config, now, ticket, reader)?,
        None => Vec::new(),
    };
    let lines = desks::queues(connection, config, now)?
        .services
        .into_iter()
        .filter(|line| desk.services.contains(&line.service))
        .collect();
    let mut statement = connection.prepare_cached(
        "SELECT t.number, s.service FROM stops s JOIN tickets t ON t.id = s.ticket_id
         WHERE s.status = 'parked' AND t.day = ?1 ORDER BY s.id",
    )?;
    let day = day_of(config, now);
    let parked = statement
        .query_map([&day], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?
        .filter_map(Result::ok)
        .filter(|(_, service)| desk.services.contains(service))
        .map(|(number, _)| number)
        .collect();
    let (next, passed_over) = desks::peek_next(connection, config, now, desk)?;
    let interpreter = |ticket: &Option<DeskTicket>| match ticket {
        Some(ticket) => interpreters::live_of_number(connection, &day, &ticket.number),
        None => Ok(None),
    };
    Ok(DeskView {
        current_interpreter: interpreter(&current)?,
        next_interpreter: interpreter(&next)?,
        next,
        passed_over,
        other_concerns,
        current,
        notes,
        parked,
        lines,
        alerts: super::alerts::active(connection)?,
    })
}

/// The concerns of `stop`'s visit other than `stop`, in the visit's order.
fn other_concerns(
    connection: &Connection,
    config: &Config,
    stop: &desks::StopRow,
) -> Result<Vec<Stop>, StorageError> {
    Ok(desks::visit(connection, stop.ticket_id)?
        .into_iter()
        .filter(|other| other.id != stop.id)
        .map(|other| Stop {
            agency: config
                .service(&other.service)
                .map(|s| s.agency.clone())
                .unwrap_or_default(),
            service: other.service,
            status: other.status,
            desk: other.desk,
            recalls: other.recalls,
        })
        .collect())
}

fn notes_for(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    ticket: &DeskTicket,
    reader: &AgencyScope,
) -> Result<Vec<Note>, StorageError> {
    let Some(agency) = config.service(&ticket.service).map(|s| s.agency.clone()) else {
        return Ok(Vec::new());
    };
    // Only the agency the note was written for reads it, and only its own staff.
    if !reader.includes(&agency) {
        return Ok(Vec::new());
    }
    let mut statement = connection.prepare_cached(
        "SELECT n.author, n.text, n.created_at FROM notes n
         JOIN stops s ON s.id = n.stop_id JOIN tickets t ON t.id = s.ticket_id
         WHERE t.day = ?1 AND t.number = ?2 AND n.agency = ?3 ORDER BY n.id",
    )?;
    let day = day_of(config, now);
    let rows = statement.query_map(params![day, ticket.number, agency], |row| {
        Ok(Note {
            author: row.get(0)?,
            text: row.get(1)?,
            at: from_ms(row.get(2)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One desk as the supervisor sees it.
#[derive(Debug, Clone)]
pub struct DeskOverview {
    pub desk: String,
    /// Staff whose live session sits at this desk.
    pub staff: Vec<String>,
    pub current: Option<DeskTicket>,
    /// Minutes since the desk last called, started or finished a ticket today.
    pub idle_minutes: Option<i64>,
}

pub fn overview(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Vec<DeskOverview>, StorageError> {
    let mut staff_at = connection.prepare_cached(
        "SELECT DISTINCT u.name FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.desk = ?1 AND s.expires_at > ?2 AND u.disabled = 0 ORDER BY u.name",
    )?;
    let mut last_activity = connection.prepare_cached(
        "SELECT MAX(MAX(COALESCE(called_at, 0), COALESCE(started_at, 0), COALESCE(finished_at, 0)))
         FROM stops WHERE desk = ?1 AND called_at >= ?2",
    )?;
    let day_start = to_ms(config.day_start(now));
    let mut desks_seen = Vec::with_capacity(config.building.desks.len());
    for desk in &config.building.desks {
        let staff = staff_at
            .query_map(params![desk.id, to_ms(now)], |row| row.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        let last: Option<i64> =
            last_activity.query_row(params![desk.id, day_start], |row| row.get(0))?;
        desks_seen.push(DeskOverview {
            desk: desk.id.clone(),
            staff,
            current: desks::current_ticket(connection, &desk.id)?,
            idle_minutes: last
                .filter(|ms| *ms > 0)
                .map(|ms| (now - from_ms(ms)).num_minutes().max(0)),
        });
    }
    Ok(desks_seen)
}
