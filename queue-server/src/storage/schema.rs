//! The database schema as versioned migrations, and connection settings.

use anyhow::Context;
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
    // Stored enums get CHECK constraints (SQLite adds them only by rebuilding a table; the
    // foreign keys are off while migrating, see `prepare`). A value outside the list stops
    // the migration instead of being read back as something else later.
    M::up(CHECKED_ENUMS),
    // Login attempts are throttled per client address as well as per name.
    M::up(
        r#"
ALTER TABLE login_failures ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_by_client ON login_failures (client, at);
"#,
    ),
    // Sessions end after a time without requests: when each was last used.
    M::up(
        r#"
ALTER TABLE sessions ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen = created_at;
"#,
    ),
    // The health check writes and removes a row here to learn whether the disk has room again.
    M::up("CREATE TABLE storage_probe (id INTEGER PRIMARY KEY, filler BLOB NOT NULL) STRICT;"),
    // Voice clips recorded on the admin page for languages no speech engine has; displays
    // download them (`GET /api/v1/voices/{language}`).
    M::up(
        r#"
CREATE TABLE voice_clips (
    language     TEXT NOT NULL,
    key          TEXT NOT NULL,
    wav          BLOB NOT NULL,
    recorded_at  INTEGER NOT NULL,
    recorded_by  TEXT NOT NULL,
    PRIMARY KEY (language, key)
) STRICT;
"#,
    ),
    // Interpreters: the role (users rebuilt for its CHECK), the languages an account
    // interprets, and the requests with their life cycle.
    M::up(INTERPRETERS),
    // Statistics read a period's tickets by arrival time; appointments nobody checked in for
    // are counted per day and service before the appointments of past days are deleted.
    M::up(
        r#"
CREATE INDEX tickets_by_issued_at ON tickets (issued_at);
CREATE TABLE missed_appointments (
    day      TEXT NOT NULL,
    service  TEXT NOT NULL,
    count    INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (day, service)
) STRICT;
"#,
    ),
    // Monitoring reads `GET /metrics` with a device token of the kind `metrics`.
    M::up(
        r#"
CREATE TABLE devices_metrics (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('kiosk', 'display', 'booking', 'metrics')),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    printer     TEXT CHECK (printer IN ('ready', 'paper_out', 'cover_open', 'offline',
                                        'unreachable'))
) STRICT;
INSERT INTO devices_metrics (id, kind, name, token_hash, created_at, revoked_at, printer)
    SELECT id, kind, name, token_hash, created_at, revoked_at, printer FROM devices;
DROP TABLE devices;
ALTER TABLE devices_metrics RENAME TO devices;
"#,
    ),
    // Visitor feedback: one row per visit; the comment is deleted when its day is over
    // (retention), the score stays for the statistics.
    M::up(
        r#"
CREATE TABLE feedback (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL UNIQUE REFERENCES tickets (id),
    score      INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment    TEXT CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 500),
    given_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_by_given_at ON feedback (given_at);
"#,
    ),
    // Desk utilisation: when each desk was staffed, with no account (statistics name desks,
    // never people). A session's open shift is its `desk` since `desk_since`; the shift is
    // written here when the session leaves the desk (`desk_shifts.rs`).
    M::up(
        r#"
ALTER TABLE sessions ADD COLUMN desk_since INTEGER;
UPDATE sessions SET desk_since = last_seen WHERE desk IS NOT NULL;
CREATE TABLE desk_shifts (
    id          INTEGER PRIMARY KEY,
    desk        TEXT NOT NULL CHECK (length(desk) > 0),
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER NOT NULL CHECK (ended_at >= started_at)
) STRICT;
CREATE INDEX desk_shifts_by_ended_at ON desk_shifts (ended_at);
"#,
    ),
    // Statistics of days past the retention period: their leg rows folded into one row of
    // aggregates per day (`stats::cells`, encoded by `storage::aggregates`), then deleted.
    M::up(
        r#"
CREATE TABLE stat_days (
    day     TEXT PRIMARY KEY,
    format  INTEGER NOT NULL CHECK (format = 1),
    visits  INTEGER NOT NULL CHECK (visits >= 0),
    legs    INTEGER NOT NULL CHECK (legs >= 0),
    cells   BLOB NOT NULL
) STRICT;
"#,
    ),
    // Live alerts: raised and cleared by the server's evaluation (`commands::alerts`), at
    // most one active per kind and subject (service id or kiosk name); who acknowledged.
    M::up(
        r#"
CREATE TABLE alerts (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('wait', 'growth', 'printer')),
    subject          TEXT NOT NULL,
    raised_at        INTEGER NOT NULL,
    cleared_at       INTEGER,
    acknowledged_by  TEXT,
    acknowledged_at  INTEGER
) STRICT;
CREATE UNIQUE INDEX alerts_active ON alerts (kind, subject) WHERE cleared_at IS NULL;
"#,
    ),
    // Directory logins: where an account comes from (the strum names of `AccountSource`)
    // and when the directory last confirmed its groups (`directory::revalidate`).
    M::up(
        r#"
ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'local'
    CHECK (source IN ('local', 'ldap', 'oidc'));
ALTER TABLE users ADD COLUMN validated_at INTEGER;
"#,
    ),
    // The silent emergency alarm: the `security` role (users rebuilt for its CHECK), the
    // alarms and who responded to each.
    M::up(ALARMS),
    // The language of the staff pages, per account (`de` or `en`; chosen on the login page).
    M::up(
        "ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'de' \
         CHECK (language IN ('de', 'en'));",
    ),
    // The outbox of days pushed to the county's central service (`storage::central_outbox`):
    // one row per day and version, the cells kept until the centre has them.
    M::up(
        r#"
CREATE TABLE central_outbox (
    id          INTEGER PRIMARY KEY,
    day         TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version IN (1, 2)),
    format      INTEGER NOT NULL,
    cells       BLOB,
    visits      INTEGER NOT NULL,
    legs        INTEGER NOT NULL,
    queued_at   INTEGER NOT NULL,
    sent_at     INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    refused     TEXT,
    UNIQUE (day, version)
) STRICT;
CREATE INDEX central_outbox_pending ON central_outbox (id) WHERE sent_at IS NULL;
"#,
    ),
];

/// The `security` role and the alarm tables. The role list is the strum names of `Role` (a
/// test keeps them in step).
const ALARMS: &str = r#"
CREATE TABLE users_checked (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL CHECK (role IN ('security', 'interpreter', 'staff', 'supervisor',
                                                 'admin')),
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     INTEGER NOT NULL,
    agencies       TEXT NOT NULL DEFAULT '*',
    languages      TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'ldap', 'oidc')),
    validated_at   INTEGER
) STRICT;
INSERT INTO users_checked (id, name, role, password_hash, disabled, created_at, agencies,
                           languages, source, validated_at)
    SELECT id, name, role, password_hash, disabled, created_at, agencies, languages, source,
           validated_at FROM users;
DROP TABLE users;
ALTER TABLE users_checked RENAME TO users;
CREATE TABLE alarms (
    id         INTEGER PRIMARY KEY,
    desk       TEXT NOT NULL CHECK (length(desk) > 0),
    floor      INTEGER NOT NULL,
    raised_by  TEXT NOT NULL,
    raised_at  INTEGER NOT NULL,
    closed_by  TEXT,
    closed_at  INTEGER,
    note       TEXT,
    -- Closed means closed by someone, with a note.
    CHECK ((closed_at IS NULL) = (closed_by IS NULL)),
    CHECK ((closed_at IS NULL) = (note IS NULL))
) STRICT;
CREATE INDEX alarms_open ON alarms (closed_at);
CREATE INDEX alarms_by_raised_at ON alarms (raised_at);
CREATE TABLE alarm_responses (
    alarm_id   INTEGER NOT NULL REFERENCES alarms (id),
    responder  TEXT NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (alarm_id, responder)
) STRICT;
"#;

/// The `interpreter` role, accounts' languages (comma-separated codes) and interpreter
/// requests. The lists are the strum names of `Role`, `InterpreterStatus` and
/// `InterpreterSource` (a test keeps them in step).
const INTERPRETERS: &str = r#"
CREATE TABLE users_checked (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL CHECK (role IN ('interpreter', 'staff', 'supervisor', 'admin')),
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     INTEGER NOT NULL,
    agencies       TEXT NOT NULL DEFAULT '*',
    languages      TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO users_checked (id, name, role, password_hash, disabled, created_at, agencies)
    SELECT id, name, role, password_hash, disabled, created_at, agencies FROM users;
DROP TABLE users;
ALTER TABLE users_checked RENAME TO users;
CREATE TABLE interpreter_requests (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets (id),
    language      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'arrived', 'done',
                      'cancelled')),
    source        TEXT NOT NULL CHECK (source IN ('kiosk', 'desk')),
    desk          TEXT,
    requested_by  TEXT,
    requested_at  INTEGER NOT NULL,
    interpreter   TEXT,
    accepted_at   INTEGER,
    arrived_at    INTEGER,
    finished_at   INTEGER,
    -- Accepted or later means an interpreter took it (a cancelled open one has none).
    CHECK (status IN ('open', 'cancelled') OR interpreter IS NOT NULL)
) STRICT;
-- At most one live request per visit.
CREATE UNIQUE INDEX interpreter_requests_live ON interpreter_requests (ticket_id)
    WHERE status IN ('open', 'accepted', 'arrived');
CREATE INDEX interpreter_requests_by_time ON interpreter_requests (requested_at);
"#;

/// The rebuild of the tables that store enums, with their CHECK constraints. The lists are
/// the strum names of `StopStatus`, `Channel`, `Role` and `DeviceKind` (a test keeps them in
/// step).
const CHECKED_ENUMS: &str = r#"
CREATE TABLE tickets_checked (
    id               INTEGER PRIMARY KEY,
    day              TEXT NOT NULL,
    prefix           TEXT NOT NULL,
    seq              INTEGER NOT NULL,
    number           TEXT NOT NULL,
    token            TEXT NOT NULL UNIQUE,
    language         TEXT NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('kiosk', 'appointment', 'walk_in')),
    priority         INTEGER NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
    issued_at        INTEGER NOT NULL,
    appointment_at   INTEGER,
    idempotency_key  TEXT UNIQUE,
    request          TEXT,
    UNIQUE (day, prefix, seq),
    UNIQUE (day, number)
) STRICT;
INSERT INTO tickets_checked (id, day, prefix, seq, number, token, language, channel, priority,
                             issued_at, appointment_at, idempotency_key, request)
    SELECT id, day, prefix, seq, number, token, language, channel, priority,
           issued_at, appointment_at, idempotency_key, request FROM tickets;
DROP TABLE tickets;
ALTER TABLE tickets_checked RENAME TO tickets;

CREATE TABLE stops_checked (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id),
    position     INTEGER NOT NULL,
    service      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'waiting', 'called', 'serving',
                     'done', 'no_show', 'cancelled', 'parked', 'transferred')),
    queued_at    INTEGER NOT NULL,
    front        INTEGER NOT NULL DEFAULT 0 CHECK (front IN (0, 1)),
    desk         TEXT,
    called_at    INTEGER,
    started_at   INTEGER,
    finished_at  INTEGER,
    recalls      INTEGER NOT NULL DEFAULT 0 CHECK (recalls >= 0),
    outcome      TEXT,
    -- At a desk means having one; waiting or pending means having none.
    CHECK (status NOT IN ('called', 'serving') OR desk IS NOT NULL),
    CHECK (status NOT IN ('waiting', 'pending') OR desk IS NULL)
) STRICT;
INSERT INTO stops_checked (id, ticket_id, position, service, status, queued_at, front, desk,
                           called_at, started_at, finished_at, recalls, outcome)
    SELECT id, ticket_id, position, service, status, queued_at, front, desk,
           called_at, started_at, finished_at, recalls, outcome FROM stops;
DROP TABLE stops;
ALTER TABLE stops_checked RENAME TO stops;
CREATE INDEX stops_by_ticket ON stops (ticket_id, position, id);
CREATE INDEX stops_by_status ON stops (status, service);
CREATE INDEX stops_by_desk ON stops (desk, status);
CREATE INDEX stops_by_called_at ON stops (called_at);
CREATE INDEX stops_finished_by_service ON stops (service, status, finished_at);

CREATE TABLE users_checked (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL CHECK (role IN ('staff', 'supervisor', 'admin')),
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     INTEGER NOT NULL,
    agencies       TEXT NOT NULL DEFAULT '*'
) STRICT;
INSERT INTO users_checked (id, name, role, password_hash, disabled, created_at, agencies)
    SELECT id, name, role, password_hash, disabled, created_at, agencies FROM users;
DROP TABLE users;
ALTER TABLE users_checked RENAME TO users;

CREATE TABLE devices_checked (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('kiosk', 'display', 'booking')),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    printer     TEXT CHECK (printer IN ('ready', 'paper_out', 'cover_open', 'offline',
                                        'unreachable'))
) STRICT;
INSERT INTO devices_checked (id, kind, name, token_hash, created_at, revoked_at, printer)
    SELECT id, kind, name, token_hash, created_at, revoked_at, printer FROM devices;
DROP TABLE devices;
ALTER TABLE devices_checked RENAME TO devices;
"#;

/// The schema version this program brings a database to (SQLite's `user_version`).
pub fn version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// Sets durability pragmas and brings the schema to the newest version.
pub fn prepare(connection: &mut Connection) -> anyhow::Result<()> {
    refuse_newer(connection)?;
    // WAL with synchronous=FULL: an acknowledged ticket survives a crash and a power loss.
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    // Foreign keys are off while migrating (a table rebuild drops a referenced table; the
    // pragma cannot change inside the migration's transaction), checked afterwards, then on.
    connection.pragma_update(None, "foreign_keys", "OFF")?;
    let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    // All pending migrations run in one transaction: a failure leaves the database as it was.
    Migrations::from_slice(MIGRATIONS)
        .to_latest(connection)
        .with_context(|| {
            format!(
                "migrating the database from schema version {found} to {} failed; the \
                 database is unchanged (still version {found}): the previous queue-server \
                 runs with it, and the backup taken before the upgrade is kept",
                version()
            )
        })?;
    let broken: i64 =
        connection.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })?;
    anyhow::ensure!(
        broken == 0,
        "{broken} rows break a foreign key after migrating"
    );
    connection.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Refuses a database a newer Lotse wrote (after a downgrade) before anything touches it.
fn refuse_newer(connection: &Connection) -> anyhow::Result<()> {
    let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let known = version();
    anyhow::ensure!(
        found <= known,
        "the database has schema version {found}, newer than {known}, the newest this \
         queue-server knows: a newer Lotse wrote it. Install that version again, or restore \
         the backup taken before the upgrade (queue-server restore)"
    );
    Ok(())
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
