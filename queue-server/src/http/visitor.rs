//! What a visitor sees and gives: the status of a ticket by its token, and feedback on a
//! finished visit. Shared by the JSON API and the status page.

use chrono::{DateTime, Utc};
use lotse_protocol::Ticket;

use super::AppState;
use crate::domain::DomainError;
use crate::domain::issuing::day_of;
use crate::http::error::AppError;
use crate::services::commands::issue::{self};
use crate::storage::tickets;

/// Stores the feedback of today's ticket `token` (the status page's form and the API).
pub async fn give_feedback(
    state: &AppState,
    token: String,
    score: i64,
    comment: String,
) -> Result<(), AppError> {
    if token.is_empty() || token.len() > 64 {
        return Err(DomainError::TicketNotFound.into());
    }
    let (config, now) = (state.config.clone(), state.now());
    state
        .store
        .run(move |c| {
            crate::services::commands::feedback::give(c, &config, now, &token, score, &comment)?;
            Ok(())
        })
        .await
}

/// The visitor's view of a ticket just written, read on a reader after the commit.
pub async fn read_view(state: &AppState, id: i64, now: DateTime<Utc>) -> Result<Ticket, AppError> {
    let (config, lines) = (state.config.clone(), state.store.lines());
    state
        .store
        .read(move |connection| issue::view(connection, &config, &lines, now, id))
        .await
        .map_err(AppError::from)
}

/// The visitor's view of today's ticket with this status-page token (the API's and the
/// status page's).
pub async fn visitor_view(state: &AppState, token: String) -> Result<Ticket, AppError> {
    if token.is_empty() || token.len() > 64 {
        return Err(DomainError::TicketNotFound.into());
    }
    let (now, config, lines) = (state.now(), state.config.clone(), state.store.lines());
    state
        .store
        .read(move |connection| {
            let day = day_of(&config, now);
            let id = tickets::id_by_token(connection, &token, &day)?;
            let id = id.ok_or(DomainError::TicketNotFound)?;
            issue::view(connection, &config, &lines, now, id)
        })
        .await
        .map_err(AppError::from)
}
