//! A staff session taking a desk, leaving it and logging out: the session row, the desk shift
//! it ends (`storage::desk_shifts`, no account) and the audit entry in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::domain::AuditAction;
use crate::domain::directory::{AccountSource, Grant};
use crate::services::ServiceError;
use crate::storage::{accounts, audit, directory_accounts};

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

/// A new session for the account `user_id` called `name` after its password was checked
/// (here, or by the directory `source`): the session row (`secrets`: hashed token and CSRF
/// token; the account's oldest sessions end beyond `at_most`), the failures of `client` for
/// the name forgotten, and the login with its source in the audit log. Returns how many
/// older sessions ended.
pub fn log_in(
    connection: &Connection,
    now: DateTime<Utc>,
    (user_id, name, client): (i64, &str, &str),
    source: AccountSource,
    secrets: (&str, &str),
    (expires, at_most): (DateTime<Utc>, usize),
) -> Result<usize, ServiceError> {
    accounts::clear_failures(connection, name, client)?;
    let ended = accounts::create_session(connection, user_id, secrets, now, expires, at_most)?;
    audit::record(connection, now, name, AuditAction::Login, source.as_str())?;
    Ok(ended)
}

/// A directory login: the account `name` made or updated with what its groups `grant`
/// (every login applies the mapping anew), then [`log_in`]. Returns the account's id and
/// how many older sessions ended; [`ServiceError::Forbidden`] when the name belongs to a
/// local account or the account is disabled here.
pub fn log_in_from_directory(
    connection: &Connection,
    now: DateTime<Utc>,
    (name, client): (&str, &str),
    (source, grant): (AccountSource, &Grant),
    secrets: (&str, &str),
    session: (DateTime<Utc>, usize),
) -> Result<(i64, usize), ServiceError> {
    let user_id = directory_accounts::upsert(connection, now, name, source, grant)?
        .ok_or(ServiceError::Forbidden)?;
    let ended = log_in(
        connection,
        now,
        (user_id, name, client),
        source,
        secrets,
        session,
    )?;
    Ok((user_id, ended))
}

/// `name` changed their own password (proven by the current one, from `client`): the new
/// hash, every session of the account ended, the client's failures forgotten, the audit entry.
pub fn change_own_password(
    connection: &Connection,
    now: DateTime<Utc>,
    (name, client): (&str, &str),
    password_hash: &str,
) -> Result<(), ServiceError> {
    accounts::clear_failures(connection, name, client)?;
    accounts::set_password(connection, name, password_hash)?;
    Ok(audit::record(
        connection,
        now,
        name,
        AuditAction::PasswordChange,
        "",
    )?)
}

/// `name` chose the staff pages' language `language` (`de`, `en`) on the login page.
pub fn choose_language(
    connection: &Connection,
    now: DateTime<Utc>,
    name: &str,
    language: &str,
) -> Result<(), ServiceError> {
    accounts::set_language(connection, name, language)?;
    Ok(audit::record(
        connection,
        now,
        name,
        AuditAction::ChooseLanguage,
        language,
    )?)
}
