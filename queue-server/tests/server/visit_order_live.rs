//! Property tests of the live visit order (`[queue] visit_order`) on a real (in-memory)
//! SQLite database, through the same commands the API runs: whatever staff do, in any order
//! and under every order, a concern is never called before those it comes after have ended,
//! a visitor is never at two desks (nor called while parked), a concern that joins its line
//! keeps the visit's arrival time, desks that keep calling and finishing serve every concern,
//! in several lines at once a concern waits as soon as what it comes after is done, and with
//! one concern per visit every order calls exactly as the fixed order does.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use chrono::{DateTime, Duration, TimeZone, Utc};
use lotse_protocol::{Channel, DeskTicket, VisitOrder};
use lotse_queue_server::config::Config;
use lotse_queue_server::domain::DomainError;
use lotse_queue_server::services::ServiceError;
use lotse_queue_server::services::commands::{
    self,
    desk::{Actor, DeskRequest},
    issue,
};
use lotse_queue_server::storage::{WaitingLines, desks, prepare};
use proptest::prelude::*;
use rusqlite::Connection;

/// Desks of the sample building: two for the permit, one each for the card (after the
/// permit), the benefits and the Jobcenter's documents.
const DESKS: [&str; 5] = ["eg-01", "eg-02", "eg-04", "room-0-08", "eg-06"];
const SERVICES: [&str; 4] = [
    "residence-permit",
    "payment-card",
    "benefit-application",
    "jobcenter-documents",
];

#[derive(Debug, Clone)]
enum Op {
    Issue(Vec<usize>),
    CallNext(usize),
    CallNumber(usize, i64),
    Recall(usize),
    Start(usize),
    Finish(usize),
    NoShow(usize),
    Park(usize),
    Resume(usize, i64),
}

fn op(max_concerns: usize) -> impl Strategy<Value = Op> {
    let desk = 0..DESKS.len();
    prop_oneof![
        3 => proptest::collection::vec(0..SERVICES.len(), 1..=max_concerns).prop_map(Op::Issue),
        4 => desk.clone().prop_map(Op::CallNext),
        1 => (desk.clone(), 1i64..12).prop_map(|(d, n)| Op::CallNumber(d, n)),
        1 => desk.clone().prop_map(Op::Recall),
        2 => desk.clone().prop_map(Op::Start),
        3 => desk.clone().prop_map(Op::Finish),
        1 => desk.clone().prop_map(Op::NoShow),
        1 => desk.clone().prop_map(Op::Park),
        1 => (desk, 1i64..12).prop_map(|(d, n)| Op::Resume(d, n)),
    ]
}

fn walk_in<'a>(services: &'a [String], language: &'a str) -> issue::NewTicket<'a> {
    issue::NewTicket {
        services,
        language,
        channel: Channel::WalkIn,
        priority: false,
        appointment_at: None,
        idempotency: None,
        interpreter: false,
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 16, 7, 0, 0).unwrap()
}

fn config(order: VisitOrder) -> Config {
    let mut config = Config::embedded().unwrap().always_open();
    config.building.queue.visit_order = order;
    config
}

/// What a desk answered: the ticket it called, or a refusal (domain refusals are fine;
/// storage or internal errors are bugs).
type Answer = Option<(String, String)>;

fn at_desk(
    connection: &Connection,
    config: &Config,
    lines: &WaitingLines,
    now: DateTime<Utc>,
    desk: usize,
    request: DeskRequest,
) -> Result<Answer, TestCaseError> {
    let actor = Actor {
        config,
        now,
        desk: DESKS[desk],
        name: "tester",
        lines,
    };
    match commands::desk::run(connection, actor, request) {
        Ok(ticket) => Ok(ticket.map(|t: DeskTicket| (t.number, t.service))),
        Err(error @ ServiceError::Storage(_)) => Err(TestCaseError::fail(format!("{error}"))),
        Err(_) => Ok(None),
    }
}

fn apply(
    connection: &Connection,
    config: &Config,
    lines: &WaitingLines,
    now: DateTime<Utc>,
    op: &Op,
) -> Result<Answer, TestCaseError> {
    let desk = |d: usize, request| at_desk(connection, config, lines, now, d, request);
    match op {
        Op::Issue(services) => {
            let mut chosen: Vec<String> = Vec::new();
            for s in services {
                let id = SERVICES[*s].to_owned();
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            }
            let issued = issue::issue(connection, config, now, walk_in(&chosen, "de"))
                .map_err(|e| TestCaseError::fail(format!("issue: {e}")))?;
            Ok(Some((issued.number, String::new())))
        }
        Op::CallNext(d) => desk(*d, DeskRequest::CallNext),
        Op::CallNumber(d, n) => by_number(*n, |number| {
            desk(*d, DeskRequest::CallNumber(number.to_owned()))
        }),
        Op::Recall(d) => desk(*d, DeskRequest::Recall),
        Op::Start(d) => desk(*d, DeskRequest::Start),
        Op::Finish(d) => desk(*d, DeskRequest::Finish { outcome: None }),
        Op::NoShow(d) => desk(*d, DeskRequest::NoShow),
        Op::Park(d) => desk(*d, DeskRequest::Park),
        Op::Resume(d, n) => by_number(*n, |number| {
            desk(*d, DeskRequest::Resume(number.to_owned()))
        }),
    }
}

/// Tries ticket `n` of the agencies used here (A immigration, B benefits, C Jobcenter).
fn by_number(
    n: i64,
    action: impl Fn(&str) -> Result<Answer, TestCaseError>,
) -> Result<Answer, TestCaseError> {
    for prefix in ["A", "B", "C"] {
        if let Some(answer) = action(&format!("{prefix}-{n:03}"))? {
            return Ok(Some(answer));
        }
    }
    Ok(None)
}

/// Every stop: (ticket, service, status, queued_at, ticket's issued_at).
fn stops(connection: &Connection) -> Vec<(i64, String, String, i64, i64)> {
    connection
        .prepare(
            "SELECT s.ticket_id, s.service, s.status, s.queued_at, t.issued_at
             FROM stops s JOIN tickets t ON t.id = s.ticket_id ORDER BY s.id",
        )
        .unwrap()
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn check_visits(connection: &Connection, config: &Config) -> Result<(), TestCaseError> {
    let order = config.building.queue.visit_order;
    let problems = desks::invariant_violations(connection).unwrap();
    prop_assert!(problems.is_empty(), "{:?}", problems);
    let all = stops(connection);
    let closed = |status: &str| matches!(status, "done" | "no_show" | "cancelled" | "transferred");
    for (ticket, service, status, queued_at, issued_at) in &all {
        if status == "waiting" {
            prop_assert_eq!(
                queued_at,
                issued_at,
                "{} of ticket {} lost its place",
                service,
                ticket
            );
        }
        let before = &config.service(service).unwrap().after;
        for (other_ticket, other, other_status, _, _) in &all {
            if other_ticket != ticket || !before.contains(other) {
                continue;
            }
            // Called or served only after what it comes after has ended; in a line only
            // once that has left its own.
            if matches!(status.as_str(), "called" | "serving") {
                prop_assert!(
                    closed(other_status),
                    "{service} {status} while {other} {other_status}"
                );
            }
            if status == "waiting" {
                prop_assert!(other_status != "pending", "{service} waits before {other}");
            }
        }
        // In several lines at once, a concern is held back only by one it comes after that
        // has not been served (or handed on) yet.
        if order == VisitOrder::SeveralLines && status == "pending" {
            let held = all.iter().any(|(other_ticket, other, other_status, _, _)| {
                other_ticket == ticket
                    && before.contains(other)
                    && !matches!(other_status.as_str(), "done" | "transferred")
            });
            prop_assert!(held, "{service} of ticket {ticket} pending for nothing");
        }
    }
    Ok(())
}

/// Stops still to be served: waiting or at a desk, or pending in a visit that nobody holds
/// up (a parked or no-show concern waits for staff, not for the order).
fn unserved(connection: &Connection) -> i64 {
    connection
        .query_row(
            "SELECT COUNT(*) FROM stops s
             WHERE s.status IN ('waiting', 'called', 'serving')
                OR (s.status = 'pending' AND NOT EXISTS (
                    SELECT 1 FROM stops o WHERE o.ticket_id = s.ticket_id
                                            AND o.status IN ('parked', 'no_show')))",
            [],
            |row| row.get(0),
        )
        .unwrap()
}

/// Runs `ops` under `order`, checking the visits after each, then lets every desk finish
/// and call until nothing waits. Returns every desk's answers in order.
fn run_day(order: VisitOrder, ops: &[(Op, i64)]) -> Result<Vec<Answer>, TestCaseError> {
    let config = config(order);
    let mut connection = Connection::open_in_memory().unwrap();
    prepare(&mut connection).unwrap();
    let lines = WaitingLines::load(&connection).unwrap();
    lines.watch(&connection);
    let mut now = start();
    let mut answers = Vec::new();
    for (op, minutes) in ops {
        now += Duration::minutes(*minutes);
        let transaction = connection.transaction().unwrap();
        answers.push(apply(&transaction, &config, &lines, now, op)?);
        transaction.commit().unwrap();
        lines.catch_up(&connection);
        check_visits(&connection, &config)?;
    }
    let mut rounds = 0;
    while unserved(&connection) > 0 {
        rounds += 1;
        prop_assert!(rounds < 500, "{:?}: visits did not end", order);
        now += Duration::minutes(1);
        for desk in 0..DESKS.len() {
            let finished = at_desk(
                &connection,
                &config,
                &lines,
                now,
                desk,
                DeskRequest::Finish { outcome: None },
            )?;
            let called = match finished {
                Some(_) => None,
                None => at_desk(
                    &connection,
                    &config,
                    &lines,
                    now,
                    desk,
                    DeskRequest::CallNext,
                )?,
            };
            answers.push(called);
            lines.catch_up(&connection);
            check_visits(&connection, &config)?;
        }
    }
    Ok(answers)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_order_keeps_dependencies_places_and_one_desk_at_a_time(
        ops in proptest::collection::vec((op(3), 0i64..4), 1..70),
    ) {
        for order in VisitOrder::ALL {
            run_day(order, &ops)?;
        }
    }

    #[test]
    fn with_one_concern_per_visit_every_order_calls_as_the_fixed_order(
        ops in proptest::collection::vec((op(1), 0i64..4), 1..70),
    ) {
        let fixed = run_day(VisitOrder::Fixed, &ops)?;
        for order in [VisitOrder::NextShortest, VisitOrder::SeveralLines] {
            prop_assert_eq!(&run_day(order, &ops)?, &fixed, "{:?}", order);
        }
    }
}

/// The sample building: with several lines a new visit waits for the permit and the
/// Jobcenter at once (the card only after the permit); a desk passes over the visitor while
/// they are at the other desk, and says so; afterwards their place is still theirs.
#[test]
fn a_visitor_at_one_desk_keeps_their_place_in_the_other_line() {
    let config = config(VisitOrder::SeveralLines);
    let mut connection = Connection::open_in_memory().unwrap();
    prepare(&mut connection).unwrap();
    // Never brought up to date after a commit: the call-next reads what changed since.
    let lines = WaitingLines::load(&connection).unwrap();
    lines.watch(&connection);
    let now = start();
    let issue = |services: &[&str], now| {
        let services: Vec<String> = services.iter().map(|s| (*s).to_owned()).collect();
        issue::issue(&connection, &config, now, walk_in(&services, "ar"))
            .unwrap()
            .number
    };
    let visit = issue(
        &["payment-card", "residence-permit", "jobcenter-documents"],
        now,
    );
    let later = issue(&["jobcenter-documents"], now + Duration::minutes(1));
    let status = |service: &str| -> String {
        connection
            .query_row(
                "SELECT s.status FROM stops s JOIN tickets t ON t.id = s.ticket_id
                 WHERE t.number = ?1 AND s.service = ?2",
                [&visit, service],
                |row| row.get(0),
            )
            .unwrap()
    };
    assert_eq!(status("residence-permit"), "waiting");
    assert_eq!(status("jobcenter-documents"), "waiting");
    assert_eq!(
        status("payment-card"),
        "pending",
        "the card comes after the permit"
    );
    let actor = |desk, minutes| Actor {
        config: &config,
        now: now + Duration::minutes(minutes),
        desk,
        name: "tester",
        lines: &lines,
    };
    let call = |desk, minutes| {
        commands::desk::run(&connection, actor(desk, minutes), DeskRequest::CallNext).unwrap()
    };
    let permit = call("eg-01", 2).unwrap();
    assert_eq!(permit.number, visit);
    // At the permit desk: the Jobcenter passes over them and calls the later visitor.
    let jobcenter = call("eg-06", 3).unwrap();
    assert_eq!(jobcenter.number, later);
    assert_eq!(jobcenter.passed_over.len(), 1);
    assert_eq!(jobcenter.passed_over[0].number, visit);
    assert_eq!(jobcenter.passed_over[0].desk, "eg-01");
    // Not by number either.
    let by_number = DeskRequest::CallNumber(visit.clone());
    let refused = commands::desk::run(&connection, actor("eg-06", 3), by_number);
    assert!(matches!(
        refused,
        Err(ServiceError::Domain(DomainError::DeskBusy(_)))
    ));
    let refused = commands::desk::run(
        &connection,
        actor("eg-02", 3),
        DeskRequest::CallNumber(visit.clone()),
    );
    assert!(matches!(
        refused,
        Err(ServiceError::Domain(DomainError::TicketAtOtherDesk))
    ));
    // The permit is done: the card joins its line, the Jobcenter calls them at once.
    let finish = DeskRequest::Finish { outcome: None };
    commands::desk::run(&connection, actor("eg-01", 10), finish.clone()).unwrap();
    assert_eq!(status("payment-card"), "waiting");
    commands::desk::run(&connection, actor("eg-06", 11), finish).unwrap();
    let next = call("eg-06", 11).unwrap();
    assert_eq!(next.number, visit);
    assert!(next.passed_over.is_empty());
}
