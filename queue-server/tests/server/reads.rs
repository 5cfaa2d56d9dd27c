//! Reads run on read-only connections beside the writer: they see the last commit, do not
//! wait while the writer is busy, and cannot change anything.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use std::time::Duration;

use lotse_queue_server::storage::{StorageError, Store};

fn count_events(c: &rusqlite::Connection) -> Result<i64, support::TestError> {
    Ok(c.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_see_commits_and_do_not_wait_for_a_busy_writer() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("lotse.db")).unwrap();
    store
        .run(|c| {
            c.execute("INSERT INTO events (at, body) VALUES (1, '{}')", [])?;
            Ok::<_, support::TestError>(())
        })
        .await
        .unwrap();
    assert_eq!(store.read(count_events).await.unwrap(), 1);

    // The writer is held inside its transaction (with an uncommitted event) until released.
    let (release, held) = std::sync::mpsc::channel::<()>();
    let (entered, inside) = tokio::sync::oneshot::channel::<()>();
    let writer = store.clone();
    let write = tokio::spawn(async move {
        writer
            .run(move |c| {
                c.execute("INSERT INTO events (at, body) VALUES (2, '{}')", [])?;
                let _ = entered.send(());
                let _ = held.recv();
                Ok::<_, support::TestError>(())
            })
            .await
    });
    inside.await.unwrap();
    // Through the writer this read would wait for the release that comes only after it.
    let seen = tokio::time::timeout(Duration::from_secs(30), store.read(count_events))
        .await
        .expect("a read must not wait for the writer")
        .unwrap();
    assert_eq!(seen, 1, "the uncommitted event is not visible");
    release.send(()).unwrap();
    write.await.unwrap().unwrap();
    assert_eq!(store.read(count_events).await.unwrap(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("lotse.db")).unwrap();
    let written = store
        .read(|c| {
            c.execute("INSERT INTO events (at, body) VALUES (1, '{}')", [])?;
            Ok::<_, StorageError>(())
        })
        .await;
    assert!(
        matches!(written, Err(StorageError::Sqlite(_))),
        "{written:?}"
    );
    assert_eq!(store.read(count_events).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_its_caller_gave_up_on_keeps_its_connection_in_the_pool() {
    use lotse_queue_server::storage::READERS;

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("lotse.db")).unwrap();
    // A client hangs up while its read is still running.
    let (release, held) = std::sync::mpsc::channel::<()>();
    let abandoned = store.read(move |c| {
        let _ = held.recv();
        count_events(c)
    });
    let gave_up = tokio::time::timeout(Duration::from_millis(100), abandoned).await;
    assert!(gave_up.is_err(), "the read was still running");
    release.send(()).unwrap();
    // Every reader is needed at once: none may be missing.
    let reads: Vec<_> = (0..READERS)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .read(|c| {
                        std::thread::sleep(Duration::from_millis(200));
                        count_events(c)
                    })
                    .await
            })
        })
        .collect();
    for read in reads {
        assert_eq!(read.await.unwrap().unwrap(), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_reads_do_not_wait_for_long_ones() {
    use lotse_queue_server::storage::READERS;

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("lotse.db")).unwrap();
    // As many reports as there are reader threads, running until the test lets them end.
    let mut releases = Vec::new();
    let mut reports = Vec::new();
    for _ in 0..READERS {
        let (release, held) = std::sync::mpsc::channel::<()>();
        releases.push(release);
        let store = store.clone();
        reports.push(tokio::spawn(async move {
            store
                .read_long(move |c| {
                    let _ = held.recv();
                    count_events(c)
                })
                .await
        }));
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Short reads are answered meanwhile.
    for _ in 0..100 {
        let answered = tokio::time::timeout(Duration::from_secs(5), store.read(count_events)).await;
        assert_eq!(
            answered
                .expect("a short read waited for the reports")
                .unwrap(),
            0
        );
    }
    for release in releases {
        release.send(()).unwrap();
    }
    for report in reports {
        assert_eq!(report.await.unwrap().unwrap(), 0);
    }
}
