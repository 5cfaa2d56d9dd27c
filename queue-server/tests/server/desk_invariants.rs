//! Property test of the desk actions on a real (in-memory) SQLite database: whatever staff
//! do, in any order, and however the storage thread groups them into commits, no ticket is at
//! two desks, no desk has two tickets, no action fails with a storage error, the waiting lines
//! kept in memory count the people ahead exactly as the routing does from the database, every
//! desk's call-next from the lines in memory chooses what it chooses from the database (inside
//! an open group commit too), and desks that keep calling and finishing empty every line.

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
use lotse_queue_server::services::queries::next_call::{LineSource, next_choice};
use lotse_queue_server::storage::{WaitingLines, desks, prepare, tickets};
use proptest::prelude::*;
use rusqlite::Connection;

const DESKS: [&str; 4] = ["eg-01", "eg-04", "eg-05", "room-0-08"];
/// Languages of the visitors: the desks of the sample building speak some of them.
const LANGUAGES: [&str; 4] = ["de", "ar", "uk", "fa"];
const SERVICES: [&str; 4] = [
    "residence-permit",
    "payment-card",
    "health-certificate",
    "benefit-application",
];

#[derive(Debug, Clone)]
enum Op {
    /// Services, priority, language.
    Issue(Vec<usize>, bool, usize),
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
        3 => (
            proptest::collection::vec(0..SERVICES.len(), 1..3),
            any::<bool>(),
            0..LANGUAGES.len(),
        )
            .prop_map(|(s, p, l)| Op::Issue(s, p, l)),
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

/// Where and when the ops run: the storage thread's connection and its lines.
#[derive(Clone, Copy)]
struct At<'a> {
    connection: &'a Connection,
    config: &'a Config,
    lines: &'a WaitingLines,
    now: DateTime<Utc>,
}

fn apply(at: At<'_>, op: &Op) -> Result<(), ServiceError> {
    let At {
        connection,
        config,
        now,
        ..
    } = at;
    match op {
        Op::Issue(services, priority, language) => {
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
                    language: LANGUAGES[*language],
                    channel: Channel::WalkIn,
                    priority: *priority,
                    appointment_at: None,
                    idempotency: None,
                    interpreter: false,
                },
            )
            .map(|_| ())
        }
        Op::CallNext(d) => at_desk(at, *d, DeskRequest::CallNext),
        Op::CallNumber(d, n) => by_number(*n, |number| {
            let request = DeskRequest::CallNumber(number.to_owned());
            at_desk(at, *d, request)
        }),
        Op::Recall(d) => at_desk(at, *d, DeskRequest::Recall),
        Op::Start(d) => at_desk(at, *d, DeskRequest::Start),
        Op::Finish(d) => {
            let request = DeskRequest::Finish { outcome: None };
            at_desk(at, *d, request)
        }
        Op::NoShow(d) => at_desk(at, *d, DeskRequest::NoShow),
        Op::Park(d) => at_desk(at, *d, DeskRequest::Park),
        Op::Resume(d, n) => by_number(*n, |number| {
            let request = DeskRequest::Resume(number.to_owned());
            at_desk(at, *d, request)
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
            at_desk(at, *d, DeskRequest::Transfer(transfer))
        }
    }
}

fn at_desk(at: At<'_>, desk: usize, request: DeskRequest) -> Result<(), ServiceError> {
    let actor = Actor {
        config: at.config,
        now: at.now,
        desk: DESKS[desk],
        name: "tester",
        lines: at.lines,
    };
    commands::desk::run(at.connection, actor, request).map(|_| ())
}

/// Every desk's call-next choice (stop, reason, who is passed over) from the lines in memory
/// and from the database, as `at.connection` sees the stops now.
fn choices_agree(at: At<'_>) -> Result<(), TestCaseError> {
    for id in DESKS {
        let desk = at.config.building.desk(id).unwrap();
        let choose = |source| {
            let next = next_choice(at.connection, source, at.config, at.now, desk, None).unwrap();
            let stop = next.stop.map(|(stop, reason)| (stop.id, reason));
            let passed: Vec<_> = next.passed_over.into_iter().map(|p| p.number).collect();
            (stop, passed)
        };
        let from_memory = choose(LineSource::Memory(at.lines));
        let from_database = choose(LineSource::Database);
        prop_assert_eq!(from_memory, from_database, "desk {}", id);
    }
    Ok(())
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
        batches in proptest::collection::vec(
            proptest::collection::vec((op(), 0i64..4), 1..4),
            1..40,
        ),
    ) {
        let config = Config::embedded().unwrap();
        let mut connection = Connection::open_in_memory().unwrap();
        prepare(&mut connection).unwrap();
        // As the storage thread keeps them: watched, brought up to date after each commit.
        let lines = WaitingLines::load(&connection).unwrap();
        lines.watch(&connection);
        let mut now = start();
        // As the storage thread runs requests: a few in one transaction (group commit), each
        // in a savepoint rolled back when it fails.
        for batch in &batches {
            let mut transaction = connection.transaction().unwrap();
            for (op, minutes) in batch {
                now += Duration::minutes(*minutes);
                let request = transaction.savepoint().unwrap();
                let at = At { connection: &request, config: &config, lines: &lines, now };
                let result = apply(at, op);
                let failed = result.is_err();
                acceptable(result)?;
                if failed {
                    drop(request);
                } else {
                    request.commit().unwrap();
                }
                let at = At { connection: &transaction, config: &config, lines: &lines, now };
                choices_agree(at)?;
                let problems = desks::invariant_violations(&transaction).unwrap();
                prop_assert!(problems.is_empty(), "after {op:?}: {problems:?}");
            }
            transaction.commit().unwrap();
            lines.catch_up(&connection);
            lines_agree(&connection, &config, &lines, now)?;
            let at = At { connection: &connection, config: &config, lines: &lines, now };
            choices_agree(at)?;
        }
        // Desks that keep finishing and calling empty every line they serve.
        let mut rounds = 0;
        while waiting_or_at_desk(&connection) > 0 {
            rounds += 1;
            prop_assert!(rounds < 500, "lines did not drain");
            now += Duration::minutes(1);
            for desk in 0..DESKS.len() {
                let at = At { connection: &connection, config: &config, lines: &lines, now };
                let finish = DeskRequest::Finish { outcome: None };
                let finished = at_desk(at, desk, finish);
                if finished.is_err() {
                    acceptable(at_desk(at, desk, DeskRequest::CallNext))?;
                }
                lines.catch_up(&connection);
            }
            prop_assert!(desks::invariant_violations(&connection).unwrap().is_empty());
        }
    }
}
