//! The database schema as versioned migrations, and connection settings.

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

const MIGRATIONS: &[M<'static>] = &[
    M::up(
        r#"
CREATE TABLE day_counters (
    day     TEXT NOT NULL,
    prefix  TEXT NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (day, prefix)
) STRICT;

CREATE TABLE tickets (
    id               INTEGER PRIMARY KEY,
    day              TEXT NOT NULL,
    prefix           TEXT NOT NULL,
    seq              INTEGER NOT NULL,
    number           TEXT NOT NULL,
    token            TEXT NOT NULL UNIQUE,
    language         TEXT NOT NULL,
    channel          TEXT NOT NULL,
    priority         INTEGER NOT NULL DEFAULT 0,
    issued_at        INTEGER NOT NULL,
    appointment_at   INTEGER,
    idempotency_key  TEXT UNIQUE,
    request          TEXT,
    UNIQUE (day, prefix, seq),
    UNIQUE (day, number)
) STRICT;

CREATE TABLE stops (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id),
    position     INTEGER NOT NULL,
    service      TEXT NOT NULL,
    status       TEXT NOT NULL,
    queued_at    INTEGER NOT NULL,
    front        INTEGER NOT NULL DEFAULT 0,
    desk         TEXT,
    called_at    INTEGER,
    started_at   INTEGER,
    finished_at  INTEGER,
    recalls      INTEGER NOT NULL DEFAULT 0,
    outcome      TEXT
) STRICT;
CREATE INDEX stops_by_ticket ON stops (ticket_id, position, id);
CREATE INDEX stops_by_status ON stops (status, service);
CREATE INDEX stops_by_desk ON stops (desk, status);

-- Notes written at a transfer; readable only by staff of `agency` (social-data secrecy).
CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    stop_id     INTEGER NOT NULL REFERENCES stops (id),
    agency      TEXT NOT NULL,
    author      TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE events (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    at    INTEGER NOT NULL,
    body  TEXT NOT NULL
) STRICT;

CREATE TABLE appointments (
    code       TEXT PRIMARY KEY,
    service    TEXT NOT NULL,
    at         INTEGER NOT NULL,
    language   TEXT,
    ticket_id  INTEGER REFERENCES tickets (id)
) STRICT;

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE devices (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT;

CREATE TABLE login_failures (
    name  TEXT NOT NULL,
    at    INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_by_name ON login_failures (name, at);
"#,
    ),
    // Wait estimates look up recent calls and recent finished visits per service.
    M::up(
        r#"
CREATE INDEX stops_by_called_at ON stops (called_at);
CREATE INDEX stops_finished_by_service ON stops (service, status, finished_at);
"#,
    ),
    // Kiosks report their printer's state.
    M::up("ALTER TABLE devices ADD COLUMN printer TEXT;"),
    // Displays load today's calls from the event log.
    M::up("CREATE INDEX events_by_at ON events (at);"),
    // Staff consoles: the CSRF token and the desk of each session (older sessions, which
    // have no token, end); the audit log.
    M::up(
        r#"
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN csrf TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN desk TEXT;
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    detail  TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_at ON audit (at);
"#,
    ),
    // The agencies a staff account works for ('*' = all): desk choice and transfer notes.
    M::up("ALTER TABLE users ADD COLUMN agencies TEXT NOT NULL DEFAULT '*';"),
    // Sessions end after a time without requests: when each was last used.
    M::up(
        r#"
ALTER TABLE sessions ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen = created_at;
"#,
    ),
];

/// Sets durability pragmas and brings the schema to the newest version.
pub fn prepare(connection: &mut Connection) -> anyhow::Result<()> {
    // WAL with synchronous=FULL: an acknowledged ticket survives a crash and a power loss.
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    Migrations::from_slice(MIGRATIONS).to_latest(connection)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(
            rusqlite_migration::Migrations::from_slice(super::MIGRATIONS)
                .validate()
                .is_ok()
        );
    }
}
