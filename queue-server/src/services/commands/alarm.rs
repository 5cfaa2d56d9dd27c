//! Emergency alarm commands: raise at the session's desk, respond ("on my way"), close with a
//! note. Each asks `domain::alarm`, then writes the row, the staff-only event and the audit
//! entry in one transaction. Also the query of what an account is shown.

use chrono::{DateTime, Utc};
use lotse_protocol::{Alarm, AlarmState, Building, Change};
use rusqlite::Connection;

use crate::domain::alarm::{self, Person, Raised};
use crate::domain::{AuditAction, DomainError};
use crate::services::ServiceError;
use crate::storage::{alarms, audit, events};

/// A staff member as the alarm rules see them: the desk their session chose, with its floor
/// from the building (a desk the building no longer has counts as none).
pub fn person<'a>(
    building: &Building,
    name: &'a str,
    role: lotse_protocol::Role,
    desk: Option<&'a str>,
) -> Person<'a> {
    let desk = desk.and_then(|id| building.desk(id).map(|d| (id, d.floor)));
    Person { name, role, desk }
}

/// The facts of `alarm` the rules look at.
pub fn raised(alarm: &Alarm) -> Raised<'_> {
    Raised {
        desk: &alarm.desk,
        floor: alarm.floor,
        raised_by: &alarm.raised_by,
        open: alarm.closed_at.is_none(),
    }
}

fn change(alarm: &Alarm, state: AlarmState) -> Change {
    Change::Alarm {
        alarm: alarm.id,
        desk: alarm.desk.clone(),
        floor: alarm.floor,
        state,
    }
}

fn load(connection: &Connection, id: i64) -> Result<Alarm, ServiceError> {
    Ok(alarms::find(connection, id)?.ok_or(DomainError::AlarmNotFound)?)
}

/// `by` raises a silent alarm at the desk their session sits at.
pub fn raise(
    connection: &Connection,
    now: DateTime<Utc>,
    by: &Person<'_>,
) -> Result<Alarm, ServiceError> {
    let place = alarm::raising_desk(by)?;
    let id = alarms::raise(connection, now, place, by.name)?;
    let raised = load(connection, id)?;
    events::record(connection, now, &change(&raised, AlarmState::Raised))?;
    audit::record(
        connection,
        now,
        by.name,
        AuditAction::AlarmRaise,
        &format!("alarm {id} at {}", place.0),
    )?;
    Ok(raised)
}

/// `by` is on the way to alarm `id` (again: unchanged, no second event).
pub fn acknowledge(
    connection: &Connection,
    now: DateTime<Utc>,
    id: i64,
    by: &Person<'_>,
) -> Result<Alarm, ServiceError> {
    let found = load(connection, id)?;
    alarm::may_acknowledge(by, &raised(&found))?;
    if alarms::respond(connection, now, id, by.name)? {
        events::record(connection, now, &change(&found, AlarmState::Acknowledged))?;
        audit::record(
            connection,
            now,
            by.name,
            AuditAction::AlarmAcknowledge,
            &format!("alarm {id}"),
        )?;
    }
    load(connection, id)
}

/// `by` (the raiser or a supervisor) closes alarm `id` with `note`.
pub fn close(
    connection: &Connection,
    now: DateTime<Utc>,
    id: i64,
    by: &Person<'_>,
    note: &str,
) -> Result<Alarm, ServiceError> {
    let found = load(connection, id)?;
    alarm::may_close(by, &raised(&found))?;
    let note = alarm::closing_note(note)?;
    alarms::close(connection, now, id, by.name, note)?;
    events::record(connection, now, &change(&found, AlarmState::Closed))?;
    audit::record(
        connection,
        now,
        by.name,
        AuditAction::AlarmClose,
        &format!("alarm {id}: {note}"),
    )?;
    load(connection, id)
}

/// The open alarms `person` is shown: those that notify them and their own (which they may
/// close, quietly).
pub fn open_for(connection: &Connection, person: &Person<'_>) -> Result<Vec<Alarm>, ServiceError> {
    let open = alarms::open(connection)?;
    Ok(open
        .into_iter()
        .filter(|a| alarm::visible(person, &raised(a)))
        .collect())
}
