//! A staff session taking a desk, leaving it and logging out: the session row, the desk shift
//! it ends (`storage::desk_shifts`, no account) and the audit entry in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::domain::AuditAction;
use crate::services::ServiceError;
use crate::storage::{accounts, audit};

/// The session `token_hash` of `name` sits at `desk` from now on (none: leaves its desk).
pub fn choose_desk(
    connection: &Connection,
    now: DateTime<Utc>,
    (token_hash, name): (&str, &str),
    desk: Option<&str>,
) -> Result<(), ServiceError> {
    accounts::set_session_desk(connection, token_hash, desk, now)?;
    let detail = desk.unwrap_or("(none)");
    Ok(audit::record(
        connection,
        now,
        name,
        AuditAction::ChooseDesk,
        detail,
    )?)
}

/// Ends the session `token_hash` of `name` (and its desk shift) now.
pub fn log_out(
    connection: &Connection,
    now: DateTime<Utc>,
    (token_hash, name): (&str, &str),
) -> Result<(), ServiceError> {
    accounts::delete_session(connection, token_hash, now)?;
    Ok(audit::record(
        connection,
        now,
        name,
        AuditAction::Logout,
        "",
    )?)
}
