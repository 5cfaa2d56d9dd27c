//! Interpreter request commands: ask for one (the kiosk while issuing, a desk for its current
//! or a named visitor) and change a request's state. Each writes the row, its event and its
//! audit entry in the caller's transaction.

use chrono::{DateTime, Utc};
use lotse_protocol::{
    Change, InterpreterRequest, InterpreterSource, InterpreterStatus, RequestInterpreter, Role,
};
use rusqlite::Connection;

use super::desk::{Actor, named_stop};
use crate::auth::AgencyScope;
use crate::config::Config;
use crate::domain::interpreter::{self, Acting, InterpreterAction, RequestFacts};
use crate::domain::stop::StopAction;
use crate::domain::{AuditAction, DomainError};
use crate::services::ServiceError;
use crate::storage::interpreters::{self, NewRequest};
use crate::storage::{audit, desks, events};

/// Writes a new request for ticket `number` with its event and audit entry (`actor` asked).
pub fn create(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    new: &NewRequest<'_>,
    number: &str,
    actor: &str,
) -> Result<InterpreterRequest, ServiceError> {
    let site = &config.building.site;
    interpreter::check_language(new.language, &site.languages, &site.default_language)?;
    if interpreters::live_of_ticket(connection, new.ticket_id)?.is_some() {
        return Err(DomainError::InterpreterAlreadyRequested.into());
    }
    let id = interpreters::insert(connection, new, now)?;
    announce(
        connection,
        now,
        id,
        number,
        new.language,
        InterpreterStatus::Open,
    )?;
    let detail = format!("request {id} ticket {number} language {}", new.language);
    audit::record(
        connection,
        now,
        actor,
        AuditAction::InterpreterRequest,
        &detail,
    )?;
    load(connection, id)
}

/// A desk asks for an interpreter for its current visitor, or for the ticket the request
/// names (one this desk serves, e.g. the next one); in the visitor's language unless another
/// is given.
pub fn request_at_desk(
    connection: &Connection,
    actor: Actor<'_>,
    body: &RequestInterpreter,
) -> Result<InterpreterRequest, ServiceError> {
    let desk = actor
        .config
        .building
        .desk(actor.desk)
        .ok_or_else(|| DomainError::UnknownDesk(actor.desk.to_owned()))?;
    let stop = match body.number.as_deref() {
        Some(number) => named_stop(connection, actor, desk, number, StopAction::Call)?,
        None => desks::current(connection, &desk.id)?.ok_or(DomainError::NoCurrentTicket)?,
    };
    let language = body.language.as_deref().unwrap_or(&stop.language);
    let new = NewRequest {
        ticket_id: stop.ticket_id,
        language,
        source: InterpreterSource::Desk,
        desk: Some(&desk.id),
        requested_by: Some(actor.name),
    };
    create(
        connection,
        actor.config,
        actor.now,
        &new,
        &stop.number,
        actor.name,
    )
}

/// Accept, arrive, finish or cancel request `id` as account `name` with `role`.
pub fn act(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    (id, action): (i64, InterpreterAction),
    (name, role, agencies): (&str, Role, &AgencyScope),
) -> Result<InterpreterRequest, ServiceError> {
    let request =
        interpreters::by_id(connection, id)?.ok_or(DomainError::InterpreterRequestNotFound)?;
    // Staff act on the requests of visits that concern their agencies only (interpreters work
    // for every agency: the domain decides which requests are theirs).
    if role != Role::Interpreter {
        let services = interpreters::services_of_request(connection, id)?;
        let building = &config.building;
        if !agencies.concerns_any(building, services.iter().map(String::as_str)) {
            return Err(ServiceError::Forbidden);
        }
    }
    change(connection, now, request, action, (name, role))
}

/// Changes a request as `name` in `role` may (the domain's table), with its event and audit
/// entry.
pub(super) fn change(
    connection: &Connection,
    now: DateTime<Utc>,
    request: InterpreterRequest,
    action: InterpreterAction,
    (name, role): (&str, Role),
) -> Result<InterpreterRequest, ServiceError> {
    let id = request.id;
    let (languages, busy) = if role == Role::Interpreter {
        (
            interpreters::languages_of(connection, name)?,
            interpreters::is_busy(connection, name)?,
        )
    } else {
        (Vec::new(), false)
    };
    let facts = RequestFacts {
        status: request.status,
        language: &request.language,
        interpreter: request.interpreter.as_deref(),
    };
    let by = Acting {
        name,
        role,
        languages: &languages,
        busy,
    };
    let to = interpreter::transition(action, facts, by)?;
    interpreters::write(connection, id, to, name, now)?;
    announce(connection, now, id, &request.number, &request.language, to)?;
    let detail = format!(
        "request {id} ticket {} language {} {}",
        request.number,
        request.language,
        to.as_str()
    );
    audit::record(connection, now, name, action.audit(), &detail)?;
    load(connection, id)
}

/// Closes the live request of a visit that ended (see `when_visit_ends`), as `actor` (the
/// staff member who finished it).
pub fn close_with_visit(
    connection: &Connection,
    now: DateTime<Utc>,
    ticket_id: i64,
    actor: &str,
) -> Result<(), ServiceError> {
    let Some(request) = interpreters::live_of_ticket(connection, ticket_id)? else {
        return Ok(());
    };
    if let Some(action) = interpreter::when_visit_ends(request.status) {
        change(connection, now, request, action, (actor, Role::Staff))?;
    }
    Ok(())
}

fn announce(
    connection: &Connection,
    now: DateTime<Utc>,
    request: i64,
    number: &str,
    language: &str,
    status: InterpreterStatus,
) -> Result<(), ServiceError> {
    let change = Change::Interpreter {
        request,
        number: number.to_owned(),
        language: language.to_owned(),
        status,
    };
    Ok(events::record(connection, now, &change)?)
}

fn load(connection: &Connection, id: i64) -> Result<InterpreterRequest, ServiceError> {
    Ok(interpreters::by_id(connection, id)?.ok_or(DomainError::InterpreterRequestNotFound)?)
}
