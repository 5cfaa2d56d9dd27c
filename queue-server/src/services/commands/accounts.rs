//! Staff accounts and device tokens, as the admin page and the command line change them: the
//! rows and their audit entry in one transaction. The account rule
//! (`domain::accounts::check_account`) is checked here for both; the password rule before
//! its hash is made, off the storage thread.

use chrono::{DateTime, Utc};
use lotse_protocol::{Building, Role};
use rusqlite::Connection;

use crate::auth::{AgencyScope, DeviceKind};
use crate::domain::accounts::check_account;
use crate::domain::{AuditAction, DomainError};
use crate::services::ServiceError;
use crate::storage::{accounts, audit, interpreters};

/// Who made a change: an admin's account name, or `cli` / `demo` for the command line.
pub type Actor<'a> = &'a str;

/// An account to create, as the admin page's form or the command line asks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAccount {
    pub name: String,
    pub role: Role,
    pub agencies: AgencyScope,
    /// The languages of an interpreter account.
    pub languages: Vec<String>,
}

impl NewAccount {
    /// The one account rule (`domain::accounts::check_account`); the trimmed name. Callers
    /// check before they hash the password; `add_user` checks again before it writes.
    pub fn check(&self, building: &Building) -> Result<String, DomainError> {
        check_account(
            building,
            &self.name,
            self.role,
            &self.agencies,
            &self.languages,
        )
    }
}

/// Adds a staff account with its password's hash, after the account rule.
pub fn add_user(
    connection: &Connection,
    building: &Building,
    now: DateTime<Utc>,
    actor: Actor<'_>,
    account: &NewAccount,
    password_hash: &str,
) -> Result<(), ServiceError> {
    let name = account.check(building)?;
    accounts::add_user(connection, now, &name, account.role, password_hash)?;
    accounts::set_user_agencies(connection, &name, &account.agencies)?;
    interpreters::set_languages(connection, &name, &account.languages)?;
    let detail = format!(
        "{name} ({}, {}, languages {})",
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
