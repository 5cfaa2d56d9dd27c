//! Staff accounts and device tokens, as the admin page and the command line change them: the
//! rows and their audit entry in one transaction. The name and password rules are checked
//! before (`domain::accounts`), the password hashed off the storage thread.

use chrono::{DateTime, Utc};
use lotse_protocol::Role;
use rusqlite::Connection;

use crate::auth::{AgencyScope, DeviceKind};
use crate::domain::AuditAction;
use crate::services::ServiceError;
use crate::storage::{accounts, audit, interpreters};

/// Who made a change: an admin's account name, or `cli` / `demo` for the command line.
pub type Actor<'a> = &'a str;

/// An account to create.
pub struct NewAccount<'a> {
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub agencies: &'a AgencyScope,
    /// The languages of an interpreter account.
    pub languages: &'a [String],
}

pub fn add_user(
    connection: &Connection,
    now: DateTime<Utc>,
    actor: Actor<'_>,
    account: &NewAccount<'_>,
) -> Result<(), ServiceError> {
    accounts::add_user(
        connection,
        now,
        account.name,
        account.role,
        account.password_hash,
    )?;
    accounts::set_user_agencies(connection, account.name, account.agencies)?;
    interpreters::set_languages(connection, account.name, account.languages)?;
    let detail = format!(
        "{} ({}, {}, languages {})",
        account.name,
        account.role.as_str(),
        account.agencies.to_text(),
        account.languages.join(",")
    );
    Ok(audit::record(
        connection,
        now,
        actor,
        AuditAction::UserAdd,
        &detail,
    )?)
}

/// Locks or unlocks an account (a locked account's sessions end).
pub fn set_disabled(
    connection: &Connection,
    now: DateTime<Utc>,
    actor: Actor<'_>,
    name: &str,
    disabled: bool,
) -> Result<(), ServiceError> {
    accounts::set_user_disabled(connection, name, disabled)?;
    let action = if disabled {
        AuditAction::UserDisable
    } else {
        AuditAction::UserEnable
    };
    Ok(audit::record(connection, now, actor, action, name)?)
}

/// Sets an account's password (its sessions end).
pub fn reset_password(
    connection: &Connection,
    now: DateTime<Utc>,
    actor: Actor<'_>,
    name: &str,
    password_hash: &str,
) -> Result<(), ServiceError> {
    accounts::set_password(connection, name, password_hash)?;
    Ok(audit::record(
        connection,
        now,
        actor,
        AuditAction::PasswordReset,
        name,
    )?)
}

pub fn add_device(
    connection: &Connection,
    now: DateTime<Utc>,
    actor: Actor<'_>,
    (kind, name): (DeviceKind, &str),
    token_hash: &str,
) -> Result<(), ServiceError> {
    accounts::add_device(connection, now, kind, name, token_hash)?;
    let detail = format!("{} {name}", kind.as_str());
    Ok(audit::record(
        connection,
        now,
        actor,
        AuditAction::DeviceAdd,
        &detail,
    )?)
}

pub fn revoke_device(
    connection: &Connection,
    now: DateTime<Utc>,
    actor: Actor<'_>,
    id: i64,
) -> Result<(), ServiceError> {
    accounts::revoke_device(connection, id, now)?;
    Ok(audit::record(
        connection,
        now,
        actor,
        AuditAction::DeviceRevoke,
        &format!("device {id}"),
    )?)
}
