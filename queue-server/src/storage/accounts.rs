//! Staff accounts, sessions, device tokens and failed-login records. Tokens are stored only
//! as hashes; passwords only as argon2id hashes (computed outside the storage thread).

use chrono::{DateTime, Utc};
use lotse_protocol::Role;
use rusqlite::{Connection, OptionalExtension, params};

use super::error::stored;
use super::time::to_ms;
use super::{StorageError, desk_shifts};
use crate::auth::{AgencyScope, DeviceKind};
use crate::domain::directory::AccountSource;

pub fn add_user(
    connection: &Connection,
    now: DateTime<Utc>,
    name: &str,
    role: Role,
    password_hash: &str,
) -> Result<(), StorageError> {
    let inserted = connection.execute(
        "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO NOTHING",
        params![name, role.as_str(), password_hash, to_ms(now)],
    )?;
    if inserted == 0 {
        return Err(StorageError::NameTaken(name.to_owned()));
    }
    Ok(())
}

pub fn user_count(connection: &Connection) -> Result<i64, StorageError> {
    Ok(connection.query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))?)
}

/// A user's id, role and password hash, if the account exists and is enabled.
pub fn login_record(
    connection: &Connection,
    name: &str,
) -> Result<Option<(i64, Role, String)>, StorageError> {
    let row: Option<(i64, String, String)> = connection
        .query_row(
            "SELECT id, role, password_hash FROM users WHERE name = ?1 AND disabled = 0",
            [name],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    row.map(|(id, role, hash)| Ok((id, stored(role, "users", "role", id)?, hash)))
        .transpose()
}

/// Recent failed logins (and attempts still being checked) that concern one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecentFailures {
    /// For this name from this client address.
    pub name_from_client: i64,
    /// For this name from any address.
    pub name: i64,
    /// From this client address for any name.
    pub client: i64,
}

pub fn failures_since(
    connection: &Connection,
    name: &str,
    client: &str,
    since: DateTime<Utc>,
) -> Result<RecentFailures, StorageError> {
    // A comparison is 0 or 1, so each SUM counts the rows for which it holds.
    Ok(connection.query_row(
        "SELECT COALESCE(SUM(name = ?1 AND client = ?2), 0), COALESCE(SUM(name = ?1), 0),
                COALESCE(SUM(client = ?2), 0)
         FROM login_failures WHERE (name = ?1 OR client = ?2) AND at > ?3",
        params![name, client, to_ms(since)],
        |row| {
            Ok(RecentFailures {
                name_from_client: row.get(0)?,
                name: row.get(1)?,
                client: row.get(2)?,
            })
        },
    )?)
}

/// Records a login attempt before its password is checked. It counts as a failure from then
/// on, unless [`forget_attempt`] removes it; returns its id for that.
pub fn record_attempt(
    connection: &Connection,
    name: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<i64, StorageError> {
    Ok(connection.query_row(
        "INSERT INTO login_failures (name, client, at) VALUES (?1, ?2, ?3) RETURNING rowid",
        params![name, client, to_ms(now)],
        |row| row.get(0),
    )?)
}

/// Removes an attempt that did not fail: it succeeded, or its password was never checked.
pub fn forget_attempt(connection: &Connection, attempt: i64) -> Result<(), StorageError> {
    connection.execute("DELETE FROM login_failures WHERE rowid = ?1", [attempt])?;
    Ok(())
}

/// After a successful login: this address's failures for this name no longer count. Others'
/// failures still do, so that logging in does not reset an attacker's count.
pub fn clear_failures(
    connection: &Connection,
    name: &str,
    client: &str,
) -> Result<(), StorageError> {
    connection.execute(
        "DELETE FROM login_failures WHERE name = ?1 AND client = ?2",
        params![name, client],
    )?;
    Ok(())
}

/// A new session, and the end of the account's oldest ones beyond `at_most` (each as if it
/// logged out now: its desk shift ends); returns how many ended.
pub fn create_session(
    connection: &Connection,
    user_id: i64,
    (token_hash, csrf): (&str, &str),
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    at_most: usize,
) -> Result<usize, StorageError> {
    delete_ended_sessions(connection, now, DateTime::<Utc>::MIN_UTC)?;
    connection.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at, last_seen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
        params![token_hash, user_id, csrf, to_ms(now), to_ms(expires_at)],
    )?;
    let oldest: Vec<String> = connection
        .prepare_cached(
            "SELECT token_hash FROM sessions WHERE user_id = ?1
             ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?2",
        )?
        .query_map(
            params![user_id, i64::try_from(at_most).unwrap_or(i64::MAX)],
            |row| row.get(0),
        )?
        .collect::<Result<_, _>>()?;
    for hash in &oldest {
        delete_session(connection, hash, now)?;
    }
    Ok(oldest.len())
}

/// Logout: the session's desk shift ends now.
pub fn delete_session(
    connection: &Connection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    desk_shifts::leave_desk(connection, token_hash, now)?;
    connection.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}

pub fn add_device(
    connection: &Connection,
    now: DateTime<Utc>,
    kind: DeviceKind,
    name: &str,
    token_hash: &str,
) -> Result<(), StorageError> {
    connection.execute(
        "INSERT INTO devices (kind, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![kind.as_str(), name, token_hash, to_ms(now)],
    )?;
    Ok(())
}

/// Who presents this bearer token: a device that is not revoked, its kind and name.
pub fn device_by_token(
    connection: &Connection,
    token_hash: &str,
) -> Result<Option<(DeviceKind, String)>, StorageError> {
    let row: Option<(i64, String, String)> = connection
        .query_row(
            "SELECT id, kind, name FROM devices WHERE token_hash = ?1 AND revoked_at IS NULL",
            [token_hash],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    row.map(|(id, kind, name)| {
        let kind = stored(kind, "devices", "kind", id)?;
        Ok((kind, name))
    })
    .transpose()
}

/// A live staff session: whose (name, role, agencies), the CSRF token its forms and API
/// calls must carry, and the desk chosen for today.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffSession {
    pub name: String,
    pub role: Role,
    pub agencies: AgencyScope,
    pub csrf: String,
    pub desk: Option<String>,
    /// The account's language of the staff pages (`de`, `en`).
    pub language: String,
}

/// Who holds this session cookie: an enabled user whose session has not expired and was
/// last used after `idle_since`.
pub fn session_by_token(
    connection: &Connection,
    token_hash: &str,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<Option<StaffSession>, StorageError> {
    type Row = (String, String, String, Option<String>, String, i64, String);
    let row: Option<Row> = connection
        .query_row(
            "SELECT u.name, u.role, s.csrf, s.desk, u.agencies, u.id, u.language
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen > ?3
               AND u.disabled = 0",
            params![token_hash, to_ms(now), to_ms(idle_since)],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                ))
            },
        )
        .optional()?;
    row.map(|(name, role, csrf, desk, agencies, id, language)| {
        Ok(StaffSession {
            name,
            role: stored(role, "users", "role", id)?,
            agencies: AgencyScope::parse(&agencies),
            csrf,
            desk,
            language,
        })
    })
    .transpose()
}

/// Sets the language of `name`'s staff pages (`de` or `en`, the column's CHECK).
pub fn set_language(
    connection: &Connection,
    name: &str,
    language: &str,
) -> Result<(), StorageError> {
    connection.execute(
        "UPDATE users SET language = ?2 WHERE name = ?1",
        params![name, language],
    )?;
    Ok(())
}

/// Notes that the session was used at `now`; written at most once a minute, so that staff
/// pages do not each cost a durable commit.
pub fn touch_session(
    connection: &Connection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    connection.execute(
        "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1 AND last_seen < ?2 - 60000",
        params![token_hash, to_ms(now)],
    )?;
    Ok(())
}

/// Deletes sessions that expired or were last used before `idle_since`, writing their desk
/// shifts (ended at their last activity); returns how many.
pub fn delete_ended_sessions(
    connection: &Connection,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<usize, StorageError> {
    desk_shifts::end_ended(connection, now, idle_since)?;
    Ok(connection.execute(
        "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen <= ?2",
        params![to_ms(now), to_ms(idle_since)],
    )?)
}

/// Sets the agencies an account works for.
pub fn set_user_agencies(
    connection: &Connection,
    name: &str,
    agencies: &AgencyScope,
) -> Result<(), StorageError> {
    let changed = connection.execute(
        "UPDATE users SET agencies = ?2 WHERE name = ?1",
        params![name, agencies.to_text()],
    )?;
    if changed == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}

/// Sets the session's desk (none: leaves it). A change ends the open desk shift now and
/// starts the next; choosing the same desk again keeps the shift going. Choosing is
/// activity: the session's `last_seen` becomes `now`.
pub fn set_session_desk(
    connection: &Connection,
    token_hash: &str,
    desk: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let current: Option<Option<String>> = connection
        .query_row(
            "SELECT desk FROM sessions WHERE token_hash = ?1",
            [token_hash],
            |row| row.get(0),
        )
        .optional()?;
    if current.is_none_or(|current| current.as_deref() == desk) {
        return Ok(());
    }
    desk_shifts::leave_desk(connection, token_hash, now)?;
    connection.execute(
        "UPDATE sessions SET desk = ?2, desk_since = CASE WHEN ?2 IS NULL THEN NULL ELSE ?3 END,
                last_seen = MAX(last_seen, ?3)
         WHERE token_hash = ?1",
        params![token_hash, desk, to_ms(now)],
    )?;
    Ok(())
}

/// A staff account as the admin page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub agencies: AgencyScope,
    /// A directory account has no password here.
    pub source: AccountSource,
}

pub fn users(connection: &Connection) -> Result<Vec<UserRow>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT name, role, disabled, agencies, id, source FROM users ORDER BY name",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, bool>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, i64>(4)?,
            row.get::<_, String>(5)?,
        ))
    })?;
    let mut users = Vec::new();
    for row in rows {
        let (name, role, disabled, agencies, id, source) = row?;
        users.push(UserRow {
            name,
            role: stored(role, "users", "role", id)?,
            disabled,
            agencies: AgencyScope::parse(&agencies),
            source: stored(source, "users", "source", id)?,
        });
    }
    Ok(users)
}

/// Disables or enables an account; disabling ends its sessions at once.
pub fn set_user_disabled(
    connection: &Connection,
    name: &str,
    disabled: bool,
) -> Result<(), StorageError> {
    let changed = connection.execute(
        "UPDATE users SET disabled = ?2 WHERE name = ?1",
        params![name, disabled],
    )?;
    if changed == 0 {
        return Err(StorageError::NotFound);
    }
    if disabled {
        end_sessions_of(connection, name)?;
    }
    Ok(())
}

/// Sets a new password hash and ends the account's sessions.
pub fn set_password(
    connection: &Connection,
    name: &str,
    password_hash: &str,
) -> Result<(), StorageError> {
    let changed = connection.execute(
        // A directory account keeps having no password here.
        "UPDATE users SET password_hash = ?2 WHERE name = ?1 AND source = 'local'",
        params![name, password_hash],
    )?;
    if changed == 0 {
        return Err(StorageError::NotFound);
    }
    end_sessions_of(connection, name)
}

pub(super) fn end_sessions_of(connection: &Connection, name: &str) -> Result<(), StorageError> {
    desk_shifts::end_of_account(connection, name)?;
    connection.execute(
        "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?1)",
        [name],
    )?;
    Ok(())
}

/// A device token as the admin page lists it (never the token itself).
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub revoked: bool,
    pub printer: Option<String>,
}

pub fn devices(connection: &Connection) -> Result<Vec<DeviceRow>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT id, kind, name, revoked_at IS NOT NULL, printer FROM devices ORDER BY kind, name",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(DeviceRow {
            id: row.get(0)?,
            kind: row.get(1)?,
            name: row.get(2)?,
            revoked: row.get(3)?,
            printer: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn revoke_device(
    connection: &Connection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<String, StorageError> {
    connection
        .query_row(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL
             RETURNING name",
            params![id, to_ms(now)],
            |row| row.get(0),
        )
        .optional()?
        .ok_or(StorageError::NotFound)
}

/// Stores a kiosk's printer state; whether it changed.
pub fn set_printer_status(
    connection: &Connection,
    device: &str,
    printer: lotse_protocol::PrinterCondition,
) -> Result<bool, StorageError> {
    let changed = connection.execute(
        "UPDATE devices SET printer = ?2
         WHERE name = ?1 AND revoked_at IS NULL AND printer IS NOT ?2",
        params![device, printer.as_str()],
    )?;
    Ok(changed > 0)
}
