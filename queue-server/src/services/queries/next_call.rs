//! Whom a desk calls next: the waiting stops of its services — from the waiting lines in
//! memory, the same ones the status pages count the people ahead from, or from the database
//! while those lines are incomplete — ranked by the routing among the visitors not busy at
//! another desk (`visit_order::choose_callable`).

use chrono::{DateTime, Utc};
use lotse_protocol::{CallReason, Desk, DeskTicket, PassedOver, StopStatus};
use rusqlite::Connection;

use crate::config::Config;
use crate::domain::issuing::day_of;
use crate::routing::{self, Candidate};
use crate::storage::desks::{self, StopRow};
use crate::storage::tickets::waiting_candidates;
use crate::storage::{StorageError, WaitingLines};
use crate::visit_order::{self, Elsewhere, Progress};

/// Where the waiting stops are read from.
#[derive(Clone, Copy)]
pub enum LineSource<'a> {
    /// The lines in memory, the database only while they are incomplete.
    Memory(&'a WaitingLines),
    /// The database alone (to check the lines against it).
    Database,
}

/// What a desk would call: the stop and why, and who was passed over because they are busy
/// with another concern elsewhere.
#[derive(Debug, Clone, Default)]
pub struct Next {
    pub stop: Option<(StopRow, CallReason)>,
    pub passed_over: Vec<PassedOver>,
}

/// The routing's choice among the waiting stops of the services `desk` serves (but the stop
/// `except`) whose visitor is not busy elsewhere, and why.
pub fn next_choice(
    connection: &Connection,
    source: LineSource<'_>,
    config: &Config,
    now: DateTime<Utc>,
    desk: &Desk,
    except: Option<i64>,
) -> Result<Next, StorageError> {
    let day = day_of(config, now);
    let candidates: Vec<Candidate> = waiting_at(connection, source, config, now, desk)?
        .into_iter()
        .filter(|candidate| Some(candidate.stop_id) != except)
        .collect();
    let languages = routing::DeskLanguages::new(
        &desk.languages,
        &config.building.site.default_language,
        config.building.queue.language_fairness_percent,
    );
    let elsewhere: Vec<Elsewhere> = desks::others_in_play(connection, &day)?
        .into_iter()
        .filter(|other| Progress::of(other.status) == Progress::Busy)
        .map(|other| Elsewhere {
            stop_id: other.waiting,
            number: other.number,
            desk: other.desk,
        })
        .collect();
    let pick = visit_order::choose_callable(&candidates, &elsewhere, &languages, now);
    let stop = match pick.choice {
        Some(choice) => Some((desks::by_id(connection, choice.stop_id)?, choice.reason)),
        None => None,
    };
    let passed_over = pick
        .passed_over
        .into_iter()
        .map(|e| PassedOver {
            number: e.number,
            desk: e.desk,
        })
        .collect();
    Ok(Next { stop, passed_over })
}

/// Who a call-next at `desk` would call now, and why, without calling (the console's "next"
/// line), and who it would pass over.
pub fn peek_next(
    connection: &Connection,
    lines: &WaitingLines,
    config: &Config,
    now: DateTime<Utc>,
    desk: &Desk,
) -> Result<(Option<DeskTicket>, Vec<PassedOver>), StorageError> {
    let next = next_choice(
        connection,
        LineSource::Memory(lines),
        config,
        now,
        desk,
        None,
    )?;
    let ticket = next.stop.map(|(stop, reason)| {
        let mut ticket = stop.desk_ticket(&desk.id, StopStatus::Waiting, Some(reason));
        ticket.passed_over.clone_from(&next.passed_over);
        ticket
    });
    Ok((ticket, next.passed_over))
}

/// Today's waiting stops of the services `desk` serves, each with its service's target wait.
fn waiting_at(
    connection: &Connection,
    source: LineSource<'_>,
    config: &Config,
    now: DateTime<Utc>,
    desk: &Desk,
) -> Result<Vec<Candidate>, StorageError> {
    let from_memory = match source {
        LineSource::Memory(lines) => {
            lines.waiting_in(connection, &day_of(config, now), &desk.services)?
        }
        LineSource::Database => None,
    };
    let waiting = match from_memory {
        Some(waiting) => waiting,
        None => waiting_candidates(connection, config, now, None)?
            .into_iter()
            .filter(|(_, service)| desk.services.contains(service))
            .collect(),
    };
    Ok(waiting
        .into_iter()
        .map(|(mut candidate, service)| {
            candidate.target_wait_minutes = config.target_wait_minutes(&service);
            candidate
        })
        .collect())
}
