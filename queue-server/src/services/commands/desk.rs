//! Desk commands: one function for every staff action at a desk. It loads the stop, asks the
//! domain (`domain::stop`) whether and how it changes, and writes the rows, the event and the
//! audit entry in the caller's transaction — all of them or, on any error, none.

use chrono::{DateTime, Utc};
use lotse_protocol::{CallReason, Desk, DeskTicket, LinePosition, StopStatus, Transfer};
use rusqlite::Connection;

use crate::config::Config;
use crate::domain::DomainError;
use crate::domain::issuing::day_of;
use crate::domain::notes::check_note;
use crate::domain::outcomes::is_outcome;
use crate::domain::stop::{self, Named, Rules, StopAction};
use crate::services::ServiceError;
use crate::services::queries::next_call::{LineSource, next_choice};
use crate::storage::WaitingLines;
use crate::storage::desks::{self, StopRow};
use crate::storage::{audit, events};
use crate::visit_order;

use super::visit;

/// What staff at a desk ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum DeskRequest {
    /// Call the routing's choice.
    CallNext,
    /// Call the routing's choice among everyone but this ticket (its interpreter is not
    /// there yet); the ticket keeps its place in line.
    CallNextExcept(String),
    /// Call a ticket by its number (waiting, parked, or a recent no-show).
    CallNumber(String),
    Recall,
    Start,
    Finish {
        outcome: Option<String>,
    },
    NoShow,
    Park,
    /// Put a parked ticket back into its line.
    Resume(String),
    Transfer(Transfer),
}

impl DeskRequest {
    fn action(&self) -> StopAction {
        match self {
            DeskRequest::CallNext | DeskRequest::CallNextExcept(_) | DeskRequest::CallNumber(_) => {
                StopAction::Call
            }
            DeskRequest::Recall => StopAction::Recall,
            DeskRequest::Start => StopAction::Start,
            DeskRequest::Finish { .. } => StopAction::Finish,
            DeskRequest::NoShow => StopAction::NoShow,
            DeskRequest::Park => StopAction::Park,
            DeskRequest::Resume(_) => StopAction::Resume,
            DeskRequest::Transfer(_) => StopAction::Transfer,
        }
    }

    /// Input checks that need no database.
    fn check_input(&self) -> Result<(), DomainError> {
        match self {
            DeskRequest::Finish {
                outcome: Some(outcome),
            } if !is_outcome(outcome) => Err(DomainError::UnknownOutcome),
            DeskRequest::Transfer(Transfer {
                note: Some(note), ..
            }) => check_note(note),
            _ => Ok(()),
        }
    }
}

/// Who acts, where and when.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub config: &'a Config,
    pub now: DateTime<Utc>,
    pub desk: &'a str,
    /// The staff account's name, for the audit log and transfer notes.
    pub name: &'a str,
    /// The waiting lines a call-next ranks.
    pub lines: &'a WaitingLines,
}

/// Runs a desk request. `Ok(None)` only for a call-next with nobody waiting.
pub fn run(
    connection: &Connection,
    actor: Actor<'_>,
    request: DeskRequest,
) -> Result<Option<DeskTicket>, ServiceError> {
    request.check_input()?;
    let desk = actor
        .config
        .building
        .desk(actor.desk)
        .ok_or_else(|| DomainError::UnknownDesk(actor.desk.to_owned()))?;
    let action = request.action();
    let current = desks::current(connection, &desk.id)?;
    let mut passed_over = Vec::new();
    stop::check_desk(action, current.as_ref().map(|s| s.number.as_str()))?;
    let (stop, reason) = match (&request, current) {
        (DeskRequest::CallNext | DeskRequest::CallNextExcept(_), _) => {
            let except = match &request {
                DeskRequest::CallNextExcept(number) => {
                    Some(named_stop(connection, actor, desk, number, action)?.id)
                }
                _ => None,
            };
            let source = LineSource::Memory(actor.lines);
            let next = next_choice(connection, source, actor.config, actor.now, desk, except)?;
            passed_over = next.passed_over;
            match next.stop {
                Some((stop, reason)) => (stop, Some(reason)),
                None => return Ok(None),
            }
        }
        (DeskRequest::CallNumber(number) | DeskRequest::Resume(number), _) => {
            let stop = named_stop(connection, actor, desk, number, action)?;
            if action == StopAction::Call {
                refuse_if_busy_elsewhere(connection, &stop)?;
            }
            let reason = (action == StopAction::Call).then_some(CallReason::CalledByNumber);
            (stop, reason)
        }
        (_, Some(current)) => (current, None),
        (_, None) => return Err(DomainError::NoCurrentTicket.into()),
    };
    let step = stop::transition(action, stop.facts(), rules(actor.config), actor.now)?;
    desks::write(
        connection,
        &stop,
        &desk.id,
        step,
        actor.now,
        outcome(&request),
    )?;
    let transferred_to = match &request {
        DeskRequest::Transfer(transfer) => Some(hand_on(connection, actor, &stop, transfer)?),
        _ => None,
    };
    // A concern ended: the visit's order says which of its other concerns wait now.
    let joined = match &request {
        DeskRequest::Finish { .. } | DeskRequest::Transfer(_) => Some(visit::join_ready(
            connection,
            actor.config,
            actor.now,
            actor.name,
            stop.ticket_id,
        )?),
        _ => None,
    };
    let onward = match &request {
        DeskRequest::Finish { .. } => joined.as_ref().and_then(|j| j.joined.first().cloned()),
        _ => transferred_to,
    };
    if matches!(request, DeskRequest::Finish { .. }) && joined.is_some_and(|j| !j.open) {
        super::interpreter::close_with_visit(connection, actor.now, stop.ticket_id, actor.name)?;
    }
    let named = Named {
        number: &stop.number,
        service: &stop.service,
        desk: &desk.id,
        language: &stop.language,
    };
    events::record(
        connection,
        actor.now,
        &stop::event(action, named, step, onward.as_deref()),
    )?;
    let by_routing = matches!(
        request,
        DeskRequest::CallNext | DeskRequest::CallNextExcept(_)
    );
    if let Some(audited) = action.audit(by_routing) {
        let detail = format!("desk {} ticket {}", desk.id, stop.number);
        audit::record(connection, actor.now, actor.name, audited, &detail)?;
    }
    let mut ticket = stop.desk_ticket(&desk.id, step.to, reason);
    ticket.recalls = step.recalls;
    ticket.passed_over = passed_over;
    Ok(Some(ticket))
}

/// An action the server takes on a stop (`CloseDay`, `Join`) through the same table, with
/// its event and an audit entry naming `actor` (whose action caused it).
pub(crate) fn server_action(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    actor: &str,
    stop: &StopRow,
    action: StopAction,
) -> Result<(), ServiceError> {
    let step = stop::transition(action, stop.facts(), rules(config), now)?;
    desks::write(connection, stop, "", step, now, None)?;
    let named = Named {
        number: &stop.number,
        service: &stop.service,
        desk: "",
        language: &stop.language,
    };
    events::record(connection, now, &stop::event(action, named, step, None))?;
    let detail = format!("ticket {} service {}", stop.number, stop.service);
    if let Some(audited) = action.audit(false) {
        audit::record(connection, now, actor, audited, &detail)?;
    }
    Ok(())
}

/// The stop a ticket number names, if this desk serves its concern.
pub(crate) fn named_stop(
    connection: &Connection,
    actor: Actor<'_>,
    desk: &Desk,
    number: &str,
    action: StopAction,
) -> Result<StopRow, ServiceError> {
    let day = day_of(actor.config, actor.now);
    let mut in_play = desks::in_play_of_number(connection, &day, number.trim())?;
    let served = |s: &StopRow| desk.services.contains(&s.service);
    let parked = |s: &StopRow| action != StopAction::Resume || s.status == StopStatus::Parked;
    let found = in_play
        .iter()
        .position(|s| served(s) && parked(s))
        .or_else(|| in_play.iter().position(served));
    match found {
        Some(index) => Ok(in_play.swap_remove(index)),
        None => Err(match in_play.into_iter().next() {
            Some(stop) => DomainError::ServiceNotServedHere(stop.service),
            None => DomainError::TicketNotFound,
        }
        .into()),
    }
}

/// Refuses to call a stop whose visitor is at another desk with another concern.
fn refuse_if_busy_elsewhere(connection: &Connection, stop: &StopRow) -> Result<(), ServiceError> {
    let stops = desks::visit(connection, stop.ticket_id)?;
    let concerns = visit::concerns_of(&stops);
    match stops.iter().position(|s| s.id == stop.id) {
        Some(index) if visit_order::busy_elsewhere(&concerns, index) => {
            Err(DomainError::TicketAtOtherDesk.into())
        }
        _ => Ok(()),
    }
}

pub(crate) fn rules(config: &Config) -> Rules {
    let queue = &config.building.queue;
    Rules {
        no_show_after_recalls: queue.no_show_after_recalls,
        reactivation_window: chrono::Duration::minutes(i64::from(
            queue.reactivation_window_minutes,
        )),
    }
}

fn outcome(request: &DeskRequest) -> Option<&str> {
    match request {
        DeskRequest::Finish { outcome } => outcome.as_deref(),
        _ => None,
    }
}

/// Adds the stop of the service the visitor is handed to, with the note for its agency;
/// returns that service.
fn hand_on(
    connection: &Connection,
    actor: Actor<'_>,
    stop: &StopRow,
    transfer: &Transfer,
) -> Result<String, ServiceError> {
    let target = actor
        .config
        .service(&transfer.service)
        .ok_or_else(|| DomainError::UnknownService(transfer.service.clone()))?;
    let front = transfer.position == LinePosition::Front;
    let new_stop = desks::insert_transfer(connection, stop, &target.id, front, actor.now)?;
    let note = transfer.note.as_deref().map(str::trim).unwrap_or_default();
    if !note.is_empty() {
        desks::insert_note(
            connection,
            new_stop,
            &target.agency,
            actor.name,
            note,
            actor.now,
        )?;
    }
    Ok(target.id.clone())
}

#[cfg(test)]
#[path = "desk_tests.rs"]
mod tests;
