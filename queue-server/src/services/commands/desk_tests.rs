//! Every desk command writes its change, its event and its audit entry together or not at
//! all: a failure injected into the audit or the event insert (an SQL trigger) leaves the
//! database as it was.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeZone, Utc};
use lotse_protocol::{LinePosition, Transfer};

use super::*;
use crate::services::commands::issue::{NewTicket, issue};
use crate::storage::Store;

const DESK: &str = "eg-01";
const SERVICE: &str = "residence-permit";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0)
        .single()
        .unwrap()
}

fn config() -> Config {
    Config::embedded().unwrap().always_open()
}

/// A store with one waiting ticket; returns its number.
async fn store_with_ticket() -> (Store, String) {
    let store = Store::in_memory().unwrap();
    let config = config();
    let number = store
        .run(move |c| {
            let services = [SERVICE.to_owned()];
            Ok::<_, crate::services::ServiceError>(
                issue(c, &config, now(), NewTicket::walk_in(&services, "ar"))?.number,
            )
        })
        .await
        .unwrap();
    (store, number)
}

async fn desk(store: &Store, request: DeskRequest) -> Result<Option<DeskTicket>, ServiceError> {
    let (config, lines) = (config(), store.lines());
    store
        .run(move |c| {
            let actor = Actor {
                config: &config,
                now: now(),
                desk: DESK,
                name: "tester",
                lines: &lines,
            };
            run(c, actor, request)
        })
        .await
}

/// What must happen before `request` is possible, and the request itself.
fn scenario(number: &str, recalls: u32) -> Vec<(Vec<DeskRequest>, DeskRequest)> {
    let called = vec![DeskRequest::CallNext];
    let mut recalled = called.clone();
    recalled.extend((0..recalls).map(|_| DeskRequest::Recall));
    let transfer = Transfer {
        service: "payment-card".into(),
        position: LinePosition::Front,
        note: Some("bring the passport".into()),
    };
    vec![
        (vec![], DeskRequest::CallNext),
        (vec![], DeskRequest::CallNumber(number.into())),
        (called.clone(), DeskRequest::Recall),
        (called.clone(), DeskRequest::Start),
        (
            vec![DeskRequest::CallNext, DeskRequest::Start],
            DeskRequest::Finish {
                outcome: Some("completed".into()),
            },
        ),
        (recalled, DeskRequest::NoShow),
        (called.clone(), DeskRequest::Park),
        (
            vec![DeskRequest::CallNext, DeskRequest::Park],
            DeskRequest::Resume(number.into()),
        ),
        (called, DeskRequest::Transfer(transfer)),
    ]
}

/// Everything a command may change, as text.
async fn dump(store: &Store) -> String {
    store
        .run(|c| {
            let mut text = String::new();
            for table in ["stops", "notes", "events", "audit"] {
                let mut statement = c.prepare(&format!("SELECT * FROM {table} ORDER BY 1"))?;
                let columns = statement.column_count();
                let mut rows = statement.query([])?;
                while let Some(row) = rows.next()? {
                    let values: Vec<String> = (0..columns)
                        .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                        .collect();
                    text.push_str(&format!("{table}: {}\n", values.join(" | ")));
                }
            }
            Ok::<_, crate::storage::StorageError>(text)
        })
        .await
        .unwrap()
}

async fn fail_inserts_into(store: &Store, table: &'static str) {
    store
        .run(move |c| {
            c.execute_batch(&format!(
                "CREATE TRIGGER injected_failure BEFORE INSERT ON {table}
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
            ))?;
            Ok::<_, crate::storage::StorageError>(())
        })
        .await
        .unwrap();
}

async fn heal(store: &Store) {
    store
        .run(|c| {
            c.execute_batch("DROP TRIGGER injected_failure")
                .map_err(crate::storage::StorageError::from)
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn each_command_writes_change_event_and_audit_together_or_not_at_all() {
    let recalls = config().building.queue.no_show_after_recalls;
    let (_, number) = store_with_ticket().await;
    for (before, request) in scenario(&number, recalls) {
        let (store, _) = store_with_ticket().await;
        for step in before {
            desk(&store, step).await.unwrap();
        }
        for table in ["audit", "events"] {
            let untouched = dump(&store).await;
            fail_inserts_into(&store, table).await;
            let failed = desk(&store, request.clone()).await;
            assert!(
                matches!(failed, Err(ServiceError::Storage(_))),
                "{request:?} with {table} failing: {failed:?}"
            );
            heal(&store).await;
            assert_eq!(
                dump(&store).await,
                untouched,
                "{request:?}, {table} failing"
            );
        }
        let events = count(&store, "events").await;
        let audit = count(&store, "audit").await;
        let done = desk(&store, request.clone()).await.unwrap();
        assert!(done.is_some(), "{request:?}");
        assert_eq!(count(&store, "events").await, events + 1, "{request:?}");
        assert_eq!(count(&store, "audit").await, audit + 1, "{request:?}");
    }
}

async fn count(store: &Store, table: &'static str) -> i64 {
    store
        .run(move |c| {
            c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                .map_err(crate::storage::StorageError::from)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn the_audit_names_the_action_and_a_resume_needs_a_desk_of_the_concern() {
    let (store, number) = store_with_ticket().await;
    desk(&store, DeskRequest::CallNext).await.unwrap();
    desk(&store, DeskRequest::Park).await.unwrap();
    let actions: Vec<String> = store
        .run(|c| {
            let mut statement = c.prepare("SELECT action FROM audit ORDER BY id")?;
            let rows = statement.query_map([], |r| r.get(0))?;
            Ok::<_, crate::storage::StorageError>(rows.collect::<Result<_, _>>()?)
        })
        .await
        .unwrap();
    assert_eq!(actions, ["call-next", "park"]);
    // A desk of another agency cannot take the parked ticket back into its line.
    let (config, lines) = (config(), store.lines());
    let other = store
        .run(move |c| {
            let actor = Actor {
                config: &config,
                now: now(),
                desk: "room-0-08",
                name: "tester",
                lines: &lines,
            };
            run(c, actor, DeskRequest::Resume(number))
        })
        .await;
    assert!(
        matches!(
            other,
            Err(ServiceError::Domain(DomainError::ServiceNotServedHere(_)))
        ),
        "{other:?}"
    );
}

#[tokio::test]
async fn outcomes_come_from_the_list_and_notes_have_a_limit() {
    let (store, _) = store_with_ticket().await;
    desk(&store, DeskRequest::CallNext).await.unwrap();
    let free_text = DeskRequest::Finish {
        outcome: Some("Herr M. hat keinen Pass".into()),
    };
    let refused = desk(&store, free_text).await;
    assert!(
        matches!(
            refused,
            Err(ServiceError::Domain(DomainError::UnknownOutcome))
        ),
        "{refused:?}"
    );
    let note = Transfer {
        service: "payment-card".into(),
        position: LinePosition::Back,
        note: Some("x".repeat(lotse_protocol::limits::MAX_NOTE_CHARS + 1)),
    };
    let refused = desk(&store, DeskRequest::Transfer(note)).await;
    assert!(matches!(
        refused,
        Err(ServiceError::Domain(DomainError::NoteTooLong))
    ));
    let listed = DeskRequest::Finish {
        outcome: Some("documents_missing".into()),
    };
    assert!(desk(&store, listed).await.unwrap().is_some());
}
