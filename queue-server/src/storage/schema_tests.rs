//! Migrations keep the data of a database of the previous version, and the CHECK
//! constraints accept exactly the names of the enums the code stores.

#![allow(clippy::unwrap_used)]

use lotse_protocol::{
    Channel, InterpreterSource, InterpreterStatus, PrinterCondition, Role, StopStatus,
};
use rusqlite::Connection;
use rusqlite_migration::Migrations;
use strum::IntoEnumIterator;

use super::{MIGRATIONS, prepare};
use crate::auth::DeviceKind;

#[test]
fn migrations_are_valid() {
    assert!(Migrations::from_slice(MIGRATIONS).validate().is_ok());
}

/// How many migrations came before the CHECK constraints.
const BEFORE_CHECKS: usize = 6;

/// A database as the version before the CHECK constraints left it.
fn previous_version() -> Connection {
    let mut connection = Connection::open_in_memory().unwrap();
    Migrations::from_slice(MIGRATIONS)
        .to_version(&mut connection, BEFORE_CHECKS)
        .unwrap();
    connection
        .execute_batch(
            "INSERT INTO tickets (id, day, prefix, seq, number, token, language, channel,
                                  priority, issued_at, idempotency_key, request)
             VALUES (1, '2026-11-30', 'A', 1, 'A-001', 'tok', 'ar', 'kiosk', 0, 1000, 'k', 'r');
             INSERT INTO stops (id, ticket_id, position, service, status, queued_at, desk,
                                called_at, recalls)
             VALUES (1, 1, 0, 'residence-permit', 'called', 1000, 'eg-01', 2000, 1),
                    (2, 1, 1, 'payment-card', 'pending', 1000, NULL, NULL, 0);
             INSERT INTO notes (stop_id, agency, author, text, created_at)
             VALUES (2, 'asylum', 'anna', 'passport', 3000);
             INSERT INTO appointments (code, service, at, ticket_id)
             VALUES ('TERMIN-1', 'residence-permit', 5000, 1);
             INSERT INTO users (id, name, role, password_hash, created_at, agencies)
             VALUES (1, 'anna', 'supervisor', 'hash', 1, 'immigration');
             INSERT INTO devices (id, kind, name, token_hash, created_at, printer)
             VALUES (1, 'kiosk', 'lobby', 'th', 1, 'paper_out');",
        )
        .unwrap();
    connection
}

fn rows(connection: &Connection, sql: &str) -> Vec<String> {
    let mut statement = connection.prepare(sql).unwrap();
    let columns = statement.column_count();
    statement
        .query_map([], |row| {
            Ok((0..columns)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

const TABLES: [&str; 6] = [
    "SELECT * FROM tickets ORDER BY id",
    "SELECT * FROM stops ORDER BY id",
    "SELECT * FROM notes ORDER BY id",
    "SELECT * FROM appointments ORDER BY code",
    "SELECT id, name, role, password_hash, disabled, created_at, agencies FROM users",
    "SELECT id, kind, name, token_hash, created_at, revoked_at, printer FROM devices",
];

#[test]
fn a_database_of_the_previous_version_keeps_its_data_and_its_references() {
    let mut connection = previous_version();
    let before: Vec<_> = TABLES.iter().map(|sql| rows(&connection, sql)).collect();
    prepare(&mut connection).unwrap();
    let after: Vec<_> = TABLES.iter().map(|sql| rows(&connection, sql)).collect();
    assert_eq!(before, after);
    // Foreign keys are on again and still point at the rebuilt tables.
    let orphan = connection.execute(
        "INSERT INTO stops (ticket_id, position, service, status, queued_at)
         VALUES (99, 0, 'x', 'waiting', 1)",
        [],
    );
    assert!(orphan.is_err(), "a stop of a missing ticket is refused");
    let deleted = connection.execute("DELETE FROM tickets WHERE id = 1", []);
    assert!(deleted.is_err(), "a ticket with stops cannot vanish");
}

#[test]
fn a_stored_value_outside_the_enums_stops_the_migration() {
    let mut connection = previous_version();
    connection
        .execute("UPDATE stops SET status = 'lost' WHERE id = 2", [])
        .unwrap();
    let before: Vec<_> = TABLES.iter().map(|sql| rows(&connection, sql)).collect();
    let error = format!("{:#}", prepare(&mut connection).unwrap_err());
    assert!(error.contains("CHECK"), "{error}");
    assert!(
        error.contains(&format!("from schema version {BEFORE_CHECKS} to")),
        "the message names the versions: {error}"
    );
    // The failed migration left the database as it was: the previous program still runs.
    let version: usize = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, BEFORE_CHECKS);
    let after: Vec<_> = TABLES.iter().map(|sql| rows(&connection, sql)).collect();
    assert_eq!(before, after);
}

#[test]
fn the_checks_accept_every_stored_name_and_nothing_else() {
    let mut connection = previous_version();
    prepare(&mut connection).unwrap();
    let accepts = |sql: &str, value: &str| {
        connection.execute("SAVEPOINT probe", []).unwrap();
        let ok = connection.execute(sql, [value]).is_ok();
        connection
            .execute_batch("ROLLBACK TO probe; RELEASE probe")
            .unwrap();
        ok
    };
    let status = "UPDATE stops SET status = ?1, desk = NULL WHERE id = 2";
    for value in StopStatus::iter().filter(|s| !s.is_at_desk()) {
        assert!(accepts(status, value.as_str()), "{value:?}");
    }
    let at_desk = "UPDATE stops SET status = ?1 WHERE id = 1";
    for value in [StopStatus::Called, StopStatus::Serving] {
        assert!(accepts(at_desk, value.as_str()), "{value:?}");
    }
    assert!(!accepts(status, "Waiting"));
    assert!(
        !accepts("UPDATE stops SET status = ?1 WHERE id = 2", "called"),
        "a desk"
    );
    let channel = "UPDATE tickets SET channel = ?1";
    for value in Channel::iter() {
        assert!(accepts(channel, value.as_str()), "{value:?}");
    }
    assert!(!accepts(channel, "phone"));
    let role = "UPDATE users SET role = ?1";
    for value in Role::iter() {
        assert!(accepts(role, value.as_str()), "{value:?}");
    }
    assert!(!accepts(role, "root"));
    let account_source = "UPDATE users SET source = ?1";
    for value in crate::domain::directory::AccountSource::iter() {
        assert!(accepts(account_source, value.as_str()), "{value:?}");
    }
    assert!(!accepts(account_source, "kerberos"));
    let kind = "UPDATE devices SET kind = ?1";
    for value in DeviceKind::iter() {
        assert!(accepts(kind, value.as_str()), "{value:?}");
    }
    assert!(!accepts(kind, "printer"));
    let printer = "UPDATE devices SET printer = ?1";
    for value in PrinterCondition::iter() {
        assert!(accepts(printer, value.as_str()), "{value:?}");
    }
    assert!(!accepts(printer, "on fire"));
    let alert = "INSERT INTO alerts (kind, subject, raised_at) VALUES (?1, 'probe', 0)";
    for value in lotse_protocol::AlertKind::iter() {
        assert!(accepts(alert, value.as_str()), "{value:?}");
    }
    assert!(!accepts(alert, "fire"));
    connection
        .execute_batch(
            "INSERT INTO interpreter_requests (id, ticket_id, language, status, source,
                                               requested_at, interpreter)
             VALUES (1, 1, 'ar', 'done', 'kiosk', 1000, 'samir')",
        )
        .unwrap();
    let request_status = "UPDATE interpreter_requests SET status = ?1";
    for value in InterpreterStatus::iter() {
        assert!(accepts(request_status, value.as_str()), "{value:?}");
    }
    assert!(!accepts(request_status, "lost"));
    let source = "UPDATE interpreter_requests SET source = ?1";
    for value in InterpreterSource::iter() {
        assert!(accepts(source, value.as_str()), "{value:?}");
    }
    assert!(!accepts(source, "phone"));
    assert!(
        !accepts(
            "UPDATE interpreter_requests SET status = ?1, interpreter = NULL",
            "accepted"
        ),
        "an accepted request names its interpreter"
    );
}
