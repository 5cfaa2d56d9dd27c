//! Property test of the desk actions on a real (in-memory) SQLite database: whatever staff
//! do, in any order, no ticket is at two desks, no desk has two tickets, no action fails with
//! a storage error, the waiting lines kept in memory count the people ahead exactly as the
//! routing does from the database, and desks that keep calling and finishing empty every line.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use chrono::{DateTime, Duration, TimeZone, Utc};
use lotse_protocol::{Channel, LinePosition, Transfer};
use lotse_queue_server::config::Config;
use lotse_queue_server::domain::DomainError;
use lotse_queue_server::domain::issuing::day_of;
use lotse_queue_server::routing;
use lotse_queue_server::services::ServiceError;
use lotse_queue_server::services::commands::{
    self,
    desk::{Actor, DeskRequest},
    issue,
};
use lotse_queue_server::storage::{WaitingLines, desks, prepare, tickets};
use proptest::prelude::*;
use rusqlite::Connection;

const DESKS: [&str; 4] = ["eg-01", "eg-04", "eg-05", "room-0-08"];
const SERVICES: [&str; 4] = [
    "residence-permit",
    "payment-card",
    "health-certificate",
    "benefit-application",
];

#[derive(Debug, Clone)]
enum Op {
    Issue(Vec<usize>, bool),
    CallNext(usize),
    CallNumber(usize, i64),
    Recall(usize),
    Start(usize),
    Finish(usize),
    NoShow(usize),
    Park(usize),
    Resume(usize, i64),
    Transfer(usize, usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    let desk = 0..DESKS.len();
    prop_oneof![
        3 => (proptest::collection::vec(0..SERVICES.len(), 1..3), any::<bool>())
            .prop_map(|(s, p)| Op::Issue(s, p)),
        3 => desk.clone().prop_map(Op::CallNext),
        1 => (desk.clone(), 1i64..20).prop_map(|(d, n)| Op::CallNumber(d, n)),
        1 => desk.clone().prop_map(Op::Recall),
        2 => desk.clone().prop_map(Op::Start),
        2 => desk.clone().prop_map(Op::Finish),
        1 => desk.clone().prop_map(Op::NoShow),
        1 => desk.clone().prop_map(Op::Park),
        1 => (desk.clone(), 1i64..20).prop_map(|(d, n)| Op::Resume(d, n)),
        1 => (desk, 0..SERVICES.len(), any::<bool>()).prop_map(|(d, s, f)| Op::Transfer(d, s, f)),
    ]
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 16, 7, 0, 0).unwrap()
}

/// Domain refusals are fine; storage or internal errors are bugs.
fn acceptable(result: Result<(), ServiceError>) -> Result<(), TestCaseError> {
    match result {
        Err(error @ ServiceError::Storage(_)) => {
            Err(TestCaseError::fail(format!("storage failure: {error}")))
        }
        _ => Ok(()),
    }
}

fn apply(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    op: &Op,
) -> Result<(), ServiceError> {
    match op {
        Op::Issue(services, priority) => {
            let mut chosen: Vec<String> = Vec::new();
            for s in services {
                let id = SERVICES[*s].to_owned();
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            }
            issue::issue(
                connection,
                config,
                now,
                issue::NewTicket {
                    services: &chosen,
                    language: "de",
                    channel: Channel::WalkIn,
                    priority: *priority,
                    appointment_at: None,
                    idempotency: None,
                    interpreter: false,
                },
            )
            .map(|_| ())
        }
        Op::CallNext(d) => at_desk(connection, config, now, *d, DeskRequest::CallNext),
        Op::CallNumber(d, n) => by_number(*n, |number| {
            let request = DeskRequest::CallNumber(number.to_owned());
            at_desk(connection, config, now, *d, request)
        }),
        Op::Recall(d) => at_desk(connection, config, now, *d, DeskRequest::Recall),
        Op::Start(d) => at_desk(connection, config, now, *d, DeskRequest::Start),
        Op::Finish(d) => {
            let request = DeskRequest::Finish { outcome: None };
            at_desk(connection, config, now, *d, request)
        }
        Op::NoShow(d) => at_desk(connection, config, now, *d, DeskRequest::NoShow),
        Op::Park(d) => at_desk(connection, config, now, *d, DeskRequest::Park),
        Op::Resume(d, n) => by_number(*n, |number| {
            let request = DeskRequest::Resume(number.to_owned());
            at_desk(connection, config, now, *d, request)
        }),
        Op::Transfer(d, s, front) => {
            let transfer = Transfer {
                service: SERVICES[*s].to_owned(),
                position: if *front {
                    LinePosition::Front
                } else {
                    LinePosition::Back
                },
                note: None,
            };
            at_desk(connection, config, now, *d, DeskRequest::Transfer(transfer))
        }
    }
}

fn at_desk(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
    desk: usize,
    request: DeskRequest,
) -> Result<(), ServiceError> {
    let actor = Actor {
        config,
        now,
        desk: DESKS[desk],
        name: "tester",
    };
    commands::desk::run(connection, actor, request).map(|_| ())
}

/// Tries ticket `n` of both agencies used here (A: immigration, B: asylum benefits).
fn by_number(
    n: i64,
    action: impl Fn(&str) -> Result<(), ServiceError>,
) -> Result<(), ServiceError> {
    match action(&format!("A-{n:03}")) {
        Err(ServiceError::Domain(DomainError::TicketNotFound)) => action(&format!("B-{n:03}")),
        other => other,
    }
}

fn waiting_or_at_desk(connection: &Connection) -> i64 {
    connection
        .query_row(
            "SELECT COUNT(*) FROM stops WHERE status IN ('waiting', 'called', 'serving')",
            [],
            |row| row.get(0),
        )
        .unwrap()
}

/// Every waiting stop's people ahead, from the lines in memory and from the database.
fn lines_agree(
    connection: &Connection,
    config: &Config,
    lines: &WaitingLines,
    now: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    let waiting = tickets::waiting_candidates(connection, config, now, None).unwrap();
    prop_assert_eq!(lines.waiting(), waiting.len());
    let day = day_of(config, now);
    for (stop, service) in &waiting {
        let line: Vec<_> = waiting
            .iter()
            .filter(|(_, s)| s == service)
            .map(|(c, _)| c.clone())
            .collect();
        let expected = routing::people_ahead(&line, stop.stop_id, now);
        let target = config.target_wait_minutes(service);
        let counted = lines.people_ahead(&day, service, stop.stop_id, target, now);
        prop_assert_eq!(counted, expected, "stop {} of {}", stop.stop_id, service);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn desk_actions_keep_the_invariants(
        ops in proptest::collection::vec((op(), 0i64..4), 1..80),
    ) {
        let config = Config::embedded().unwrap();
        let mut connection = Connection::open_in_memory().unwrap();
        prepare(&mut connection).unwrap();
        // As the storage thread keeps them: watched, brought up to date after each commit.
        let lines = WaitingLines::load(&connection).unwrap();
        let touched = WaitingLines::watch(&connection);
        let mut now = start();
        for (op, minutes) in &ops {
            now += Duration::minutes(*minutes);
            let transaction = connection.transaction().unwrap();
            acceptable(apply(&transaction, &config, now, op))?;
            transaction.commit().unwrap();
            lines.catch_up(&connection, &touched);
            let problems = desks::invariant_violations(&connection).unwrap();
            prop_assert!(problems.is_empty(), "after {op:?}: {problems:?}");
            lines_agree(&connection, &config, &lines, now)?;
        }
        // Desks that keep finishing and calling empty every line they serve.
        let mut rounds = 0;
        while waiting_or_at_desk(&connection) > 0 {
            rounds += 1;
            prop_assert!(rounds < 500, "lines did not drain");
            now += Duration::minutes(1);
            for desk in 0..DESKS.len() {
                let finish = DeskRequest::Finish { outcome: None };
                let finished = at_desk(&connection, &config, now, desk, finish);
                if finished.is_err() {
                    let next = DeskRequest::CallNext;
                    acceptable(at_desk(&connection, &config, now, desk, next))?;
                }
            }
            prop_assert!(desks::invariant_violations(&connection).unwrap().is_empty());
        }
    }
}
