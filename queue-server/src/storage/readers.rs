//! Read-only connections beside the writer: GET requests, pages, panels and snapshots read
//! here, so they never wait for the writer's transaction nor it for them (WAL lets readers
//! see the last commit while a write is in progress).
//!
//! Reads are batched as the writer batches writes: each reader thread takes every read that
//! is waiting (up to `MAX_BATCH`) and runs them in one read transaction. After a commit,
//! SQLite drops a connection's page cache at the start of its next read transaction; one
//! transaction per batch instead of per read keeps the pages the reads share (the lines,
//! the ticket index) warm and costs one thread hand-off per batch. Every read of a batch was
//! queued before the batch's transaction began, so it sees every commit that happened before
//! it was asked for, and a response built from several queries sees one consistent state.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::{mpsc, oneshot};

use super::{Failure, StorageError};

/// How many reader threads (each with its own connection) run reads at once.
pub const READERS: usize = 3;
/// Reads that share one read transaction at most.
const MAX_BATCH: usize = 32;
/// Reads waiting for a reader at most; further reads wait to be queued.
const QUEUE: usize = 1024;

type Job = Box<dyn FnOnce(&Connection) + Send>;

pub struct Readers {
    jobs: mpsc::Sender<Job>,
    path: std::path::PathBuf,
}

impl Readers {
    pub fn open(path: &Path) -> anyhow::Result<Arc<Readers>> {
        let (jobs, receiver) = mpsc::channel::<Job>(QUEUE);
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..READERS {
            let connection = open_reader(path)?;
            let receiver = Arc::clone(&receiver);
            std::thread::Builder::new()
                .name(format!("lotse-reader-{index}"))
                .spawn(move || reader_loop(&connection, &receiver))?;
        }
        Ok(Arc::new(Readers {
            jobs,
            path: path.to_owned(),
        }))
    }

    /// Runs a long read (a report over months) on a connection of its own, in one read
    /// transaction, so the short reads batched on the reader threads do not wait for it.
    pub async fn run_apart<R, E, F>(&self, work: F) -> Result<R, E>
    where
        R: Send + 'static,
        E: Failure,
        F: FnOnce(&Connection) -> Result<R, E> + Send + 'static,
    {
        let path = self.path.clone();
        let read: Result<Result<R, E>, StorageError> = crate::background::run(move || {
            let connection = open_reader(&path)?;
            connection.execute_batch("BEGIN DEFERRED")?;
            let result = work(&connection);
            connection.execute_batch("ROLLBACK")?;
            Ok(result)
        })
        .await;
        read?
    }

    /// Runs `work` on a reader inside a read transaction. A read whose caller gave up (a
    /// client that hung up) before its turn is skipped.
    pub async fn run<R, E, F>(self: &Arc<Self>, work: F) -> Result<R, E>
    where
        R: Send + 'static,
        E: Failure,
        F: FnOnce(&Connection) -> Result<R, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |connection| {
            if reply.is_closed() {
                return;
            }
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| work(connection)))
                .unwrap_or_else(|_| Err(StorageError::Failed("a read panicked".into()).into()));
            let _ = reply.send(result);
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| StorageError::Closed)?;
        answer
            .await
            .map_err(|_| StorageError::Failed("a reader stopped".into()))?
    }
}

fn open_reader(path: &Path) -> Result<Connection, rusqlite::Error> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    connection.pragma_update(None, "query_only", "ON")?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(connection)
}

/// One reader thread: waits for reads, takes every waiting one up to `MAX_BATCH`, runs them
/// in one read transaction. The threads end when the `Readers` (the sender) is dropped.
fn reader_loop(connection: &Connection, receiver: &Mutex<mpsc::Receiver<Job>>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    loop {
        {
            let mut receiver = receiver.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(first) = receiver.blocking_recv() else {
                return;
            };
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
        }
        if let Err(error) = connection.execute_batch("BEGIN DEFERRED") {
            tracing::error!(%error, "cannot begin a read transaction");
        }
        for job in batch.drain(..) {
            job(connection);
        }
        // A read-only transaction has nothing to keep; ending it lets the WAL be
        // checkpointed. Also ends a transaction a panicking read left behind.
        if let Err(error) = connection.execute_batch("ROLLBACK") {
            tracing::error!(%error, "cannot end a read transaction");
        }
    }
}
