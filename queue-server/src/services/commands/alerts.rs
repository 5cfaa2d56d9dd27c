//! Alert commands: the server's evaluation (load the facts, ask `domain::alerts::step`, write
//! each raised or cleared alert with its event) and a person's acknowledgement (row, event
//! and typed audit entry in one transaction).

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use lotse_protocol::{Alert, AlertKind, AlertState, Change};
use rusqlite::Connection;

use crate::config::Config;
use crate::domain::alerts::{
    Audience, Facts, GROWTH_WINDOW_MINUTES, LineFacts, Subject, Transition, shown_to, step,
};
use crate::domain::issuing::day_of;
use crate::domain::{AuditAction, DomainError};
use crate::services::ServiceError;
use crate::storage::{StorageError, alerts, audit, events, waits};

/// What an alert is about.
pub fn subject(alert: &Alert) -> Subject {
    let name = match alert.kind {
        AlertKind::Wait | AlertKind::Growth => alert.service.as_deref(),
        AlertKind::Printer => alert.kiosk.as_deref(),
    };
    Subject::new(alert.kind, name.unwrap_or_default())
}

/// The facts now: every service of the building with its line, the kiosks' printers.
pub fn facts(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Facts, StorageError> {
    let window_start = now - Duration::minutes(GROWTH_WINDOW_MINUTES);
    let lines = waits::lines_with_window(connection, &day_of(config, now), window_start)?;
    let lines = config
        .building
        .services
        .iter()
        .map(|service| {
            let line = lines.iter().find(|l| l.service == service.id);
            LineFacts {
                service: service.id.clone(),
                waiting: line.map_or(0, |l| l.waiting),
                longest_wait_seconds: line
                    .and_then(|l| l.since)
                    .map_or(0, |since| (now - since).num_seconds().max(0)),
                target_wait_minutes: service.target_wait_minutes,
                alert_factor: service.alert_factor,
                arrivals: line.map_or(0, |l| l.arrivals),
                calls: line.map_or(0, |l| l.calls),
            }
        })
        .collect();
    Ok(Facts {
        lines,
        printers: alerts::kiosk_printers(connection)?,
    })
}

/// The alerts to raise or clear now, reading only (the server's task writes only when this
/// is not empty).
pub fn pending(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Vec<Transition>, StorageError> {
    let active: BTreeSet<Subject> = alerts::active(connection)?.iter().map(subject).collect();
    Ok(step(&active, &facts(connection, config, now)?))
}

fn change(alert: i64, subject: &Subject, state: AlertState) -> Change {
    let (service, kiosk) = match subject.kind {
        AlertKind::Wait | AlertKind::Growth => (Some(subject.name.clone()), None),
        AlertKind::Printer => (None, Some(subject.name.clone())),
    };
    Change::Alert {
        alert,
        kind: subject.kind,
        service,
        kiosk,
        state,
    }
}

/// Raises and clears what the facts now call for, each with its event; returns the
/// changes written.
pub fn evaluate(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Vec<Change>, ServiceError> {
    let active = alerts::active(connection)?;
    let subjects: BTreeSet<Subject> = active.iter().map(subject).collect();
    let mut changes = Vec::new();
    for transition in step(&subjects, &facts(connection, config, now)?) {
        let written = match transition {
            Transition::Raise(subject) => {
                let id = alerts::raise(connection, now, subject.kind, &subject.name)?;
                change(id, &subject, AlertState::Raised)
            }
            Transition::Clear(subject) => {
                let Some(alert) = active.iter().find(|a| self::subject(a) == subject) else {
                    continue;
                };
                alerts::clear(connection, now, alert.id)?;
                change(alert.id, &subject, AlertState::Cleared)
            }
        };
        events::record(connection, now, &written)?;
        changes.push(written);
    }
    Ok(changes)
}

/// `by` acknowledges the active alert `id`, if it is shown to `audience`; acknowledging an
/// acknowledged alert changes nothing. Returns the alert as it is now.
pub fn acknowledge(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    id: i64,
    by: &str,
    audience: Audience<'_>,
) -> Result<Alert, ServiceError> {
    let alert = alerts::find_active(connection, id)?.ok_or(DomainError::AlertNotFound)?;
    let subject = subject(&alert);
    if !shown_to(&config.building, &subject, audience) {
        return Err(ServiceError::Forbidden);
    }
    if alert.acknowledged_by.is_some() {
        return Ok(alert);
    }
    alerts::acknowledge(connection, now, id, by)?;
    events::record(
        connection,
        now,
        &change(id, &subject, AlertState::Acknowledged),
    )?;
    audit::record(
        connection,
        now,
        by,
        AuditAction::AlertAcknowledge,
        &format!("{} {}", subject.kind.as_str(), subject.name),
    )?;
    Ok(Alert {
        acknowledged_by: Some(by.to_owned()),
        acknowledged_at: Some(now),
        ..alert
    })
}
