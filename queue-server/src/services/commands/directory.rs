//! Re-validation of a directory account: the directory confirmed it (role, agencies and
//! languages as its groups grant now) or withdrew it (gone, disabled, or in no mapped group:
//! every session ends), each with its audit entry.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::domain::AuditAction;
use crate::domain::directory::Grant;
use crate::services::ServiceError;
use crate::storage::{audit, directory_accounts};

/// The directory confirmed `name` at `now` with `grant`.
pub fn confirm(
    connection: &Connection,
    now: DateTime<Utc>,
    name: &str,
    grant: &Grant,
) -> Result<(), ServiceError> {
    directory_accounts::confirm(connection, now, name, grant)?;
    Ok(())
}

/// The directory no longer grants `name` anything (`why`, for the audit log): its sessions
/// end now.
pub fn withdraw(
    connection: &Connection,
    now: DateTime<Utc>,
    name: &str,
    why: &str,
) -> Result<(), ServiceError> {
    directory_accounts::withdraw(connection, name)?;
    Ok(audit::record(
        connection,
        now,
        name,
        AuditAction::DirectoryWithdraw,
        why,
    )?)
}
