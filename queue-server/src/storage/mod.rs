//! SQLite storage owned by one writer thread. Requests arrive as closures over a channel; the
//! thread runs every request queued at that moment inside one transaction (each in its own
//! savepoint) and commits them together: group commit, one fsync for many tickets. Replies are
//! sent only after the commit is durable. New events are broadcast after each commit.

pub mod accounts;
pub mod aggregates;
pub mod alarms;
pub mod alerts;
pub mod appointments;
pub mod audit;
pub mod backup;
pub mod central_outbox;
pub mod central_summary;
pub mod commit_times;
pub mod console;
pub mod desk_shifts;
pub mod desks;
pub mod directory_accounts;
pub mod display;
mod error;
pub use error::{Failure, StorageError};
pub mod events;
pub mod feedback;
pub mod fold;
pub mod history;
pub mod interpreters;
pub mod metrics;
mod schema;
pub use schema::prepare;
mod lines;
mod readers;
pub use lines::WaitingLines;
pub use readers::READERS;
pub mod retention;
pub mod stats;
pub mod tickets;
pub mod time;
pub mod voice_clips;
pub mod waits;

use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

use chrono::{DateTime, Utc};
use lotse_protocol::Event;
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::{broadcast, oneshot};

/// A committed event as the live streams send it: serialised once here, not once for each
/// of thousands of subscribers. `wire` holds the message in the streams' format, made by the
/// first subscriber that sends it (the format is the API's business, not storage's).
#[derive(Debug)]
pub struct Published {
    pub event: Event,
    pub json: String,
    pub wire: std::sync::OnceLock<axum::body::Bytes>,
}

impl Published {
    pub fn new(event: Event) -> Published {
        let json = serde_json::to_string(&event).unwrap_or_else(|_| "{}".to_owned());
        Published {
            event,
            json,
            wire: std::sync::OnceLock::new(),
        }
    }
}

/// How many requests share one transaction at most.
const MAX_BATCH: usize = 256;

type Reply = Box<dyn FnOnce(Result<(), BatchFailure>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> (Outcome, Reply) + Send>;

/// How a request ended inside the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Done,
    /// Failed: its savepoint is rolled back.
    Failed,
    /// Failed for want of space (SQLite may have rolled back the whole transaction).
    Full,
}

/// Why a batch did not commit: every request in it learns this.
#[derive(Debug, Clone)]
struct BatchFailure {
    full: bool,
    message: String,
}

impl From<rusqlite::Error> for BatchFailure {
    fn from(error: rusqlite::Error) -> BatchFailure {
        BatchFailure {
            full: error::is_full(&error),
            message: error.to_string(),
        }
    }
}

/// A handle to the storage thread. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    jobs: mpsc::Sender<Job>,
    events: broadcast::Sender<Arc<Published>>,
    /// Read-only connections; none for an in-memory database (the writer serves reads).
    readers: Option<Arc<readers::Readers>>,
    /// The waiting lines, kept in step by the writer.
    lines: Arc<WaitingLines>,
    /// Set when a write failed for want of space, cleared by the next write that commits.
    full: Arc<AtomicBool>,
    /// How long commits take (for `GET /metrics`).
    pub commit_times: Arc<commit_times::CommitTimes>,
}

impl Store {
    /// Opens (creating if needed) and migrates the database, then starts the writer thread.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        let mut connection = Connection::open(path)?;
        schema::prepare(&mut connection)?;
        let readers = readers::Readers::open(path)?;
        Store::start(connection, Some(readers))
    }

    /// A store on a private in-memory database, for tests; its reads go through the writer.
    pub fn in_memory() -> anyhow::Result<Store> {
        let mut connection = Connection::open_in_memory()?;
        schema::prepare(&mut connection)?;
        Store::start(connection, None)
    }

    fn start(
        connection: Connection,
        readers: Option<Arc<readers::Readers>>,
    ) -> anyhow::Result<Store> {
        let last_event = events::last_id(&connection)?;
        let (jobs, receiver) = mpsc::channel::<Job>();
        let (events, _) = broadcast::channel(4096);
        let broadcaster = events.clone();
        let lines = Arc::new(WaitingLines::load(&connection)?);
        lines.watch(&connection);
        let commit_times = Arc::new(commit_times::CommitTimes::default());
        let writer = Writer {
            connection,
            events: broadcaster,
            lines: Arc::clone(&lines),
            commit_times: commit_times.clone(),
        };
        std::thread::Builder::new()
            .name("lotse-storage".into())
            .spawn(move || writer_loop(writer, receiver, last_event))?;
        Ok(Store {
            jobs,
            events,
            readers,
            lines,
            full: Arc::new(AtomicBool::new(false)),
            commit_times,
        })
    }

    /// Runs `work` in the storage thread inside a transaction and returns its result once the
    /// transaction is committed. An error rolls back this request's changes only.
    pub async fn run<R, E, F>(&self, work: F) -> Result<R, E>
    where
        R: Send + 'static,
        E: Failure,
        F: FnOnce(&Connection) -> Result<R, E> + Send + 'static,
    {
        let (sender, receiver) = oneshot::channel();
        let full = Arc::clone(&self.full);
        let job: Job = Box::new(move |connection| {
            let changes_before = connection.total_changes();
            let result = work(connection);
            let wrote = connection.total_changes() > changes_before;
            let outcome = match &result {
                Ok(_) => Outcome::Done,
                Err(error) if error.is_full() => Outcome::Full,
                Err(_) => Outcome::Failed,
            };
            let reply: Reply = Box::new(move |committed| {
                let outcome = match committed {
                    Ok(()) => result,
                    Err(failure) if failure.full => Err(StorageError::Full.into()),
                    Err(failure) => Err(StorageError::Commit(failure.message).into()),
                };
                match &outcome {
                    Err(error) if error.is_full() => {
                        full.store(true, Ordering::SeqCst);
                    }
                    Ok(_) if wrote => full.store(false, Ordering::SeqCst),
                    _ => {}
                }
                let _ = sender.send(outcome);
            });
            (outcome, reply)
        });
        self.jobs.send(job).map_err(|_| StorageError::Closed)?;
        // The reply is dropped unsent only when the request panicked.
        receiver
            .await
            .map_err(|_| StorageError::Failed("no answer".into()))?
    }

    /// Whether the last write failed for want of space (and none has committed since).
    pub fn is_full(&self) -> bool {
        self.full.load(Ordering::SeqCst)
    }

    /// Writes and removes 16 KiB: whether there is room to write again. Clears the full
    /// state when it succeeds.
    pub async fn probe_space(&self) -> Result<(), StorageError> {
        self.run(|connection| {
            connection.execute(
                "INSERT INTO storage_probe (filler) VALUES (zeroblob(16384))",
                [],
            )?;
            connection.execute("DELETE FROM storage_probe", [])?;
            Ok(())
        })
        .await
    }

    /// Runs `work` on a read-only connection in one read transaction: it sees the last
    /// commit and waits neither for the writer nor makes the writer wait. Changes fail.
    pub async fn read<R, E, F>(&self, work: F) -> Result<R, E>
    where
        R: Send + 'static,
        E: Failure,
        F: FnOnce(&Connection) -> Result<R, E> + Send + 'static,
    {
        match &self.readers {
            Some(readers) => readers.run(work).await,
            None => self.run(work).await,
        }
    }

    /// Like `read`, for a long read (a report over months): on a connection of its own, so
    /// the short reads (status polls, pages) do not queue behind it.
    pub async fn read_long<R, E, F>(&self, work: F) -> Result<R, E>
    where
        R: Send + 'static,
        E: Failure,
        F: FnOnce(&Connection) -> Result<R, E> + Send + 'static,
    {
        match &self.readers {
            Some(readers) => readers.run_apart(work).await,
            None => self.run(work).await,
        }
    }

    /// The waiting lines as of the last commit.
    pub fn lines(&self) -> Arc<WaitingLines> {
        Arc::clone(&self.lines)
    }

    /// Events committed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.events.subscribe()
    }
}

/// What the storage thread owns.
struct Writer {
    connection: Connection,
    events: broadcast::Sender<Arc<Published>>,
    lines: Arc<WaitingLines>,
    /// How long commits take (for `GET /metrics`).
    commit_times: Arc<commit_times::CommitTimes>,
}

fn writer_loop(writer: Writer, receiver: mpsc::Receiver<Job>, mut last_event: i64) {
    let Writer {
        mut connection,
        events,
        lines,
        commit_times,
    } = writer;
    let mut pending: VecDeque<Job> = VecDeque::new();
    loop {
        if pending.is_empty() {
            match receiver.recv() {
                Ok(job) => pending.push_back(job),
                Err(_) => break,
            }
        }
        while pending.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => pending.push_back(job),
                Err(_) => break,
            }
        }
        // Requests a failed batch did not reach stay in `pending` for the next one.
        let replies = match run_batch(&mut connection, &mut pending, &commit_times) {
            Ok(replies) => replies,
            Err((error, replies)) => {
                lines.discard();
                tracing::error!(error = %error.message, full = error.full, "storage transaction failed");
                for reply in replies {
                    reply(Err(error.clone()));
                }
                continue;
            }
        };
        lines.catch_up(&connection);
        match events::after(&connection, last_event, DateTime::<Utc>::MIN_UTC, i64::MAX) {
            Ok(new) => {
                for event in new {
                    last_event = event.id;
                    // Nobody listening is fine.
                    let _ = events.send(Arc::new(Published::new(event)));
                }
            }
            Err(error) => tracing::error!(%error, "cannot read new events"),
        }
        for reply in replies {
            reply(Ok(()));
        }
    }
    tracing::info!("storage thread stopped");
}

type BatchError = (BatchFailure, Vec<Reply>);

fn run_batch(
    connection: &mut Connection,
    pending: &mut VecDeque<Job>,
    commit_times: &commit_times::CommitTimes,
) -> Result<Vec<Reply>, BatchError> {
    let mut replies = Vec::with_capacity(pending.len());
    let transaction = match connection.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(transaction) => transaction,
        Err(error) => {
            // Nothing ran and nothing can: every waiting request learns that storage failed
            // (its reply is dropped), rather than waiting for a transaction that never comes.
            pending.clear();
            return Err((error.into(), replies));
        }
    };
    let mut full = false;
    let fail = |error: rusqlite::Error, full: bool| {
        let mut failure = BatchFailure::from(error);
        failure.full |= full;
        failure
    };
    while let Some(job) = pending.pop_front() {
        if let Err(error) = transaction.execute_batch("SAVEPOINT request") {
            pending.push_front(job);
            return Err((fail(error, full), replies));
        }
        // A bug in one request must not take the storage thread (and the server) down.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&transaction)));
        let (outcome, reply) = match outcome {
            Ok(done) => done,
            Err(_) => {
                tracing::error!("a storage request panicked; its changes are rolled back");
                let reply: Reply = Box::new(|_| {});
                (Outcome::Failed, reply)
            }
        };
        full |= outcome == Outcome::Full;
        let end = if outcome == Outcome::Done {
            "RELEASE request"
        } else {
            "ROLLBACK TO request; RELEASE request"
        };
        replies.push(reply);
        if let Err(error) = transaction.execute_batch(end) {
            return Err((fail(error, full), replies));
        }
    }
    let committing = std::time::Instant::now();
    let committed = transaction.commit();
    commit_times.record(committing.elapsed());
    match committed {
        Ok(()) => Ok(replies),
        Err(error) => Err((fail(error, full), replies)),
    }
}
