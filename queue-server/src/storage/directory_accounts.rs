//! Accounts of directory users (LDAP, OIDC): made or updated at each login with what their
//! groups grant, never with a password here, and found again for re-validation. A name that
//! belongs to a local account is never taken over by a directory login.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::StorageError;
use super::accounts::end_sessions_of;
use super::error::stored;
use super::time::to_ms;
use crate::domain::directory::{AccountSource, Grant};

/// What a directory account has instead of a password hash: no argon2 hash matches it.
pub const NO_LOCAL_PASSWORD: &str = "!directory";

/// Where the account `name` comes from, if it exists.
pub fn source_of(
    connection: &Connection,
    name: &str,
) -> Result<Option<AccountSource>, StorageError> {
    let row: Option<(i64, String)> = connection
        .query_row(
            "SELECT id, source FROM users WHERE name = ?1",
            [name],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    row.map(|(id, source)| stored(source, "users", "source", id))
        .transpose()
}

/// Makes or updates the account `name` of `source` with what its groups grant, confirmed
/// now. Returns its id; `None` when the name belongs to a local account (or one of another
/// source) or the account is disabled here.
pub fn upsert(
    connection: &Connection,
    now: DateTime<Utc>,
    name: &str,
    source: AccountSource,
    grant: &Grant,
) -> Result<Option<i64>, StorageError> {
    Ok(connection
        .query_row(
            "INSERT INTO users (name, role, password_hash, created_at, agencies, languages,
                                source, validated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?4)
             ON CONFLICT (name) DO UPDATE SET role = excluded.role,
                 agencies = excluded.agencies, languages = excluded.languages,
                 validated_at = excluded.validated_at
             WHERE users.source = excluded.source AND users.disabled = 0
             RETURNING id",
            params![
                name,
                grant.role.as_str(),
                NO_LOCAL_PASSWORD,
                to_ms(now),
                grant.agencies.to_text(),
                grant.languages.join(","),
                source.as_str()
            ],
            |row| row.get(0),
        )
        .optional()?)
}

/// Enabled directory accounts with a session whose groups were last confirmed before
/// `before`: the ones to check again.
pub fn due_for_revalidation(
    connection: &Connection,
    before: DateTime<Utc>,
) -> Result<Vec<(String, AccountSource)>, StorageError> {
    let mut statement = connection.prepare_cached(
        "SELECT id, name, source FROM users u
         WHERE source != 'local' AND disabled = 0 AND COALESCE(validated_at, 0) < ?1
           AND EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id)
         ORDER BY name",
    )?;
    let rows = statement.query_map([to_ms(before)], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    let mut due = Vec::new();
    for row in rows {
        let (id, name, source) = row?;
        due.push((name, stored(source, "users", "source", id)?));
    }
    Ok(due)
}

/// The directory confirmed `name` now with `grant` (role, agencies and languages may have
/// changed; the sessions go on with them).
pub fn confirm(
    connection: &Connection,
    now: DateTime<Utc>,
    name: &str,
    grant: &Grant,
) -> Result<(), StorageError> {
    connection.execute(
        "UPDATE users SET role = ?2, agencies = ?3, languages = ?4, validated_at = ?5
         WHERE name = ?1 AND source != 'local'",
        params![
            name,
            grant.role.as_str(),
            grant.agencies.to_text(),
            grant.languages.join(","),
            to_ms(now)
        ],
    )?;
    Ok(())
}

/// The directory no longer grants `name` anything: every session of the account ends.
pub fn withdraw(connection: &Connection, name: &str) -> Result<(), StorageError> {
    end_sessions_of(connection, name)
}
