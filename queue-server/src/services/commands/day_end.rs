//! The day's end: what past days left open is closed through the domain's tables — each
//! stop by `StopAction::CloseDay`, each live interpreter request by its `Cancel` — with its
//! event and audit entry, so no desk stays busy with yesterday's visitor and no interpreter
//! is still asked for. Then their personal data goes (`storage::retention::purge`).

use chrono::{DateTime, Utc};
use lotse_protocol::Role;
use rusqlite::Connection;

use super::desk::server_action;
use super::interpreter::change;
use crate::config::Config;
use crate::domain::interpreter::InterpreterAction;
use crate::domain::stop::StopAction;
use crate::services::ServiceError;
use crate::storage::retention::{self, Purged};
use crate::storage::{desks, interpreters};

/// The name the audit log gives the day's end (not a valid account name: it has brackets
/// and a space, so no account can be mistaken for it).
pub const ACTOR: &str = "(day end)";

/// What a day's end closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Closed {
    /// Stops of past days still open (pending, waiting, called, serving, parked).
    pub stops: usize,
    /// Interpreter requests of past days still open, accepted or arrived.
    pub interpreter_requests: usize,
}

/// What the hourly clean-up did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PastDays {
    pub closed: Closed,
    pub purged: Purged,
}

/// Closes what days before `now`'s day left open, at the moment the day ended.
pub fn close_past_days(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Closed, ServiceError> {
    let day_start = config.day_start(now);
    let stops = desks::open_before(connection, day_start)?;
    for stop in &stops {
        server_action(
            connection,
            config,
            day_start,
            ACTOR,
            stop,
            StopAction::CloseDay,
        )?;
    }
    let requests = interpreters::live_before(connection, day_start)?;
    let interpreter_requests = requests.len();
    for request in requests {
        let by = (ACTOR, Role::Admin);
        change(
            connection,
            day_start,
            request,
            InterpreterAction::Cancel,
            by,
        )?;
    }
    Ok(Closed {
        stops: stops.len(),
        interpreter_requests,
    })
}

/// Closes what past days left open, then deletes their personal data: the server's hourly
/// job, in one transaction.
pub fn end_past_days(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<PastDays, ServiceError> {
    let closed = close_past_days(connection, config, now)?;
    let purged = retention::purge(connection, config, now)?;
    Ok(PastDays { closed, purged })
}
