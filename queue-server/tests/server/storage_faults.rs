//! Storage faults on a real SQLite file: a full disk (SQLite's page limit standing in for
//! it) answers 503 `storage_full`, loses no acknowledged ticket and recovers by itself; a
//! long-running reader and an online backup make no request fail; a backup taken under load
//! restores to the same tickets, and a corrupt file is refused.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use lotse_queue_server::auth::DeviceKind;
use lotse_queue_server::config::Config;
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::limits::Limits;
use lotse_queue_server::storage::{Store, backup};
use tower::ServiceExt;

fn state_on(db: &Path) -> AppState {
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    std::mem::forget(stop);
    AppState::new(
        Store::open(db).unwrap(),
        Config::embedded().unwrap().always_open(),
        Arc::new(Utc::now),
        shutdown,
        Limits::default(),
    )
}

/// Issues a kiosk ticket; returns the status and the error code or ticket number.
async fn issue(state: &AppState, n: usize) -> (StatusCode, String) {
    let request = Request::post("/api/v1/tickets")
        .header(header::AUTHORIZATION, "Bearer kiosk")
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", format!("key-{n}"))
        .body(Body::from(
            r#"{"services":["address-change","payment-card"],"language":"ar"}"#,
        ))
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = support::body_bytes(response).await;
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let text = body["number"].as_str().or(body["error"].as_str()).unwrap();
    (status, text.to_owned())
}

async fn health(state: &AppState) -> StatusCode {
    let request = Request::get("/healthz").body(Body::empty()).unwrap();
    app(state.clone()).oneshot(request).await.unwrap().status()
}

async fn set_page_limit(state: &AppState, extra_pages: i64) {
    state
        .store
        .run(move |c| {
            let used: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0))?;
            c.pragma_update(None, "max_page_count", used + extra_pages)?;
            Ok::<_, support::TestError>(())
        })
        .await
        .unwrap();
}

fn numbers_in(db: &Path) -> Vec<String> {
    let connection = rusqlite::Connection::open(db).unwrap();
    let mut statement = connection
        .prepare("SELECT number FROM tickets ORDER BY id")
        .unwrap();
    statement
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_clearly_loses_nothing_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lotse.db");
    let state = state_on(&db);
    support::add_device(&state, DeviceKind::Kiosk, "kiosk").await;
    set_page_limit(&state, 3).await;
    let mut acknowledged = Vec::new();
    let mut refusal = None;
    for n in 0..500 {
        match issue(&state, n).await {
            (StatusCode::CREATED, number) => acknowledged.push(number),
            other => {
                refusal = Some(other);
                break;
            }
        }
    }
    assert_eq!(
        refusal,
        Some((StatusCode::SERVICE_UNAVAILABLE, "storage_full".to_owned()))
    );
    assert_eq!(health(&state).await, StatusCode::SERVICE_UNAVAILABLE);
    // Space returns: the health check finds it and issuing works again.
    set_page_limit(&state, 10_000).await;
    assert_eq!(health(&state).await, StatusCode::OK);
    let (status, number) = issue(&state, 10_000).await;
    assert_eq!(status, StatusCode::CREATED);
    acknowledged.push(number);
    assert_eq!(
        numbers_in(&db),
        acknowledged,
        "every acknowledged ticket, nothing else"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_reader_and_an_online_backup_make_no_request_fail() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lotse.db");
    let state = state_on(&db);
    support::add_device(&state, DeviceKind::Kiosk, "kiosk").await;
    for n in 0..20 {
        assert_eq!(issue(&state, n).await.0, StatusCode::CREATED);
    }
    // Another program holds a read transaction open the whole time.
    let reader = rusqlite::Connection::open(&db).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let seen: i64 = reader
        .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(seen, 20);
    // A backup runs while tickets are issued.
    let (source, target) = (db.clone(), dir.path().join("backup.db"));
    let copy = tokio::task::spawn_blocking(move || backup::backup(&source, &target));
    for n in 20..120 {
        let (status, text) = issue(&state, n).await;
        assert_eq!(status, StatusCode::CREATED, "{n}: {text}");
    }
    copy.await.unwrap().unwrap();
    reader.execute_batch("COMMIT").unwrap();
    let backed_up = numbers_in(&dir.path().join("backup.db"));
    let now = numbers_in(&db);
    assert!(backed_up.len() >= 20 && backed_up.len() <= 120);
    assert_eq!(backed_up[..], now[..backed_up.len()], "a consistent prefix");

    // Restore: the database becomes the backup; a corrupt file is refused.
    drop(state);
    let restored = dir.path().join("restored.db");
    std::fs::copy(&db, &restored).unwrap();
    backup::restore(&dir.path().join("backup.db"), &restored).unwrap();
    assert_eq!(numbers_in(&restored), backed_up);
    let corrupt = dir.path().join("corrupt.db");
    let mut bytes = std::fs::read(dir.path().join("backup.db")).unwrap();
    // A whole page in the middle, header included: bytes in a page's free space alone
    // (which the integrity check rightly ignores) would prove nothing. `VACUUM INTO` leaves
    // no free pages, so the page is in use.
    const PAGE: usize = 4096;
    let middle = bytes.len() / 2 / PAGE * PAGE;
    bytes[middle..middle + PAGE].fill(0xA5);
    std::fs::write(&corrupt, bytes).unwrap();
    let refused = backup::restore(&corrupt, &restored);
    assert!(refused.is_err(), "a corrupt backup is refused");
    let not_ours = dir.path().join("other.db");
    rusqlite::Connection::open(&not_ours)
        .unwrap()
        .execute_batch("CREATE TABLE x (y); INSERT INTO x VALUES (1);")
        .unwrap();
    assert!(backup::restore(&not_ours, &restored).is_err());
    assert_eq!(
        numbers_in(&restored),
        backed_up,
        "the database is untouched"
    );
}

#[test]
fn scheduled_backups_rotate() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lotse.db");
    drop(Store::open(&db).unwrap());
    let backups = dir.path().join("backups");
    let start = Utc::now();
    for hour in 0..4 {
        let at = start + chrono::Duration::hours(hour);
        backup::scheduled(&db, &backups, 2, at).unwrap();
    }
    let mut kept: Vec<_> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    kept.sort();
    let newest = [
        backup::scheduled_name(start + chrono::Duration::hours(2)),
        backup::scheduled_name(start + chrono::Duration::hours(3)),
    ];
    assert_eq!(kept, newest);
}
