//! One desk's situation for the staff console: the current ticket with the notes its
//! reader may read (`domain::notes::readable_agency`), who is next and why, parked tickets,
//! the desk's lines, alerts and interpreter requests.

use chrono::{DateTime, Utc};
use lotse_protocol::{Alert, Desk, DeskTicket, InterpreterRequest, PassedOver, ServiceQueue, Stop};
use rusqlite::Connection;

use crate::config::Config;
use crate::domain::AgencyScope;
use crate::domain::issuing::day_of;
use crate::domain::notes::readable_agency;
use crate::storage::console::{Note, notes_of, parked};
use crate::storage::{StorageError, WaitingLines, alerts, desks, interpreters};

use super::next_call::peek_next;

#[derive(Debug, Clone)]
pub struct DeskView {
    pub current: Option<DeskTicket>,
    /// Transfer notes on the current ticket written for the agency of its current concern,
    /// if the reader works for that agency.
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
    waiting_lines: &WaitingLines,
    config: &Config,
    now: DateTime<Utc>,
    desk: &Desk,
    reader: &AgencyScope,
) -> Result<DeskView, StorageError> {
    let day = day_of(config, now);
    let current_stop = desks::current(connection, &desk.id)?;
    let other_concerns = match &current_stop {
        Some(stop) => other_concerns(connection, config, stop)?,
        None => Vec::new(),
    };
    let current = current_stop.map(|stop| stop.desk_ticket(&desk.id, stop.status, None));
    let notes = match &current {
        Some(ticket) => match readable_agency(&config.building, &ticket.service, reader) {
            Some(agency) => notes_of(connection, &day, &ticket.number, agency)?,
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    let lines = super::queues::queues(connection, config, now)?
        .services
        .into_iter()
        .filter(|line| desk.services.contains(&line.service))
        .collect();
    let parked = parked(connection, &day)?
        .into_iter()
        .filter(|(_, service)| desk.services.contains(service))
        .map(|(number, _)| number)
        .collect();
    let (next, passed_over) = peek_next(connection, waiting_lines, config, now, desk)?;
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
        alerts: alerts::active(connection)?,
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
