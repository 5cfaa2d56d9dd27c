//! A visitor gives feedback on their visit (from the status page, authorised by the ticket's
//! token alone). Only the row is written: no event (nothing for displays or desks to show)
//! and no audit entry (no staff action); nothing personal goes into either log.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::config::Config;
use crate::domain::DomainError;
use crate::domain::feedback::{self, Feedback, Question};
use crate::domain::issuing::day_of;
use crate::services::ServiceError;
use crate::storage::{feedback as rows, tickets};

/// What the status page of `token` shows about feedback (`None`: no such ticket today).
pub fn question(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    token: &str,
) -> Result<Option<Question>, ServiceError> {
    let Some(id) = tickets::id_by_token(connection, token, &day_of(config, now))? else {
        return Ok(None);
    };
    let (stops, given) = rows::visit(connection, id)?;
    Ok(Some(feedback::question(&stops, given)))
}

/// Stores the feedback of today's ticket `token` after the domain's checks.
pub fn give(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    token: &str,
    score: i64,
    comment: &str,
) -> Result<Feedback, ServiceError> {
    let id = tickets::id_by_token(connection, token, &day_of(config, now))?
        .ok_or(DomainError::TicketNotFound)?;
    let (stops, given) = rows::visit(connection, id)?;
    let checked = feedback::check(&stops, given, score, comment)?;
    rows::insert(
        connection,
        id,
        checked.score,
        checked.comment.as_deref(),
        now,
    )?;
    Ok(checked)
}
