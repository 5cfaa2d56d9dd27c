//! SQLite storage owned by one writer thread. Requests arrive as closures over a channel; the
//! thread runs every request queued at that moment inside one transaction (each in its own
//! savepoint) and commits them together: group commit, one fsync for many tickets. Replies are
//! sent only after the commit is durable. New events are broadcast after each commit.

pub mod accounts;
pub mod appointments;
pub mod audit;
pub mod console;
pub mod desks;
pub mod display;
mod error;
pub use error::StorageError;
pub mod events;
mod schema;
pub use schema::prepare;
mod readers;
pub use readers::READERS;
pub mod retention;
pub mod tickets;
pub mod time;

use std::path::Path;
use std::sync::{Arc, mpsc};

use chrono::{DateTime, Utc};
use lotse_protocol::Event;
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::{broadcast, oneshot};

use crate::error::AppError;

/// How many requests share one transaction at most.
const MAX_BATCH: usize = 256;

type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> (bool, Reply) + Send>;

/// A handle to the storage thread. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    jobs: mpsc::Sender<Job>,
    events: broadcast::Sender<Event>,
    /// Read-only connections; none for an in-memory database (the writer serves reads).
    readers: Option<Arc<readers::Readers>>,
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
        std::thread::Builder::new()
            .name("lotse-storage".into())
            .spawn(move || writer_loop(connection, receiver, broadcaster, last_event))?;
        Ok(Store {
            jobs,
            events,
            readers,
        })
    }

    /// Runs `work` in the storage thread inside a transaction and returns its result once the
    /// transaction is committed. An error rolls back this request's changes only.
    pub async fn run<R, F>(&self, work: F) -> Result<R, AppError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, AppError> + Send + 'static,
    {
        let (sender, receiver) = oneshot::channel();
        let job: Job = Box::new(move |connection| {
            let result = work(connection);
            let ok = result.is_ok();
            let reply: Reply = Box::new(move |committed| {
                let outcome = match committed {
                    Ok(()) => result,
                    Err(error) => Err(AppError::from(StorageError::Commit(error))),
                };
                let _ = sender.send(outcome);
            });
            (ok, reply)
        });
        self.jobs.send(job).map_err(|_| StorageError::Closed)?;
        // The reply is dropped unsent only when the request panicked.
        receiver
            .await
            .map_err(|_| AppError::Internal("the storage request failed".into()))?
    }

    /// Runs `work` on a read-only connection in one read transaction: it sees the last
    /// commit and waits neither for the writer nor makes the writer wait. Changes fail.
    pub async fn read<R, F>(&self, work: F) -> Result<R, AppError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, AppError> + Send + 'static,
    {
        match &self.readers {
            Some(readers) => readers.run(work).await,
            None => self.run(work).await,
        }
    }

    /// Events committed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }
}

fn writer_loop(
    mut connection: Connection,
    receiver: mpsc::Receiver<Job>,
    events: broadcast::Sender<Event>,
    mut last_event: i64,
) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let committed = run_batch(&mut connection, batch);
        let replies = match committed {
            Ok(replies) => replies,
            Err((error, replies)) => {
                tracing::error!(%error, "storage transaction failed");
                for reply in replies {
                    reply(Err(error.clone()));
                }
                continue;
            }
        };
        match events::after(&connection, last_event, DateTime::<Utc>::MIN_UTC, i64::MAX) {
            Ok(new) => {
                for event in new {
                    last_event = event.id;
                    // Nobody listening is fine.
                    let _ = events.send(event);
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

type BatchError = (String, Vec<Reply>);

fn run_batch(connection: &mut Connection, batch: Vec<Job>) -> Result<Vec<Reply>, BatchError> {
    let mut replies = Vec::with_capacity(batch.len());
    let transaction = match connection.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(transaction) => transaction,
        Err(error) => {
            // Run nothing; every job learns that storage failed.
            let message = error.to_string();
            for job in batch {
                drop(job);
            }
            return Err((message, replies));
        }
    };
    for job in batch {
        let savepoint = transaction.execute_batch("SAVEPOINT request");
        if let Err(error) = savepoint {
            return Err((error.to_string(), replies));
        }
        // A bug in one request must not take the storage thread (and the server) down.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&transaction)));
        let (ok, reply) = match outcome {
            Ok(done) => done,
            Err(_) => {
                tracing::error!("a storage request panicked; its changes are rolled back");
                let reply: Reply = Box::new(|_| {});
                (false, reply)
            }
        };
        let end = if ok {
            "RELEASE request"
        } else {
            "ROLLBACK TO request; RELEASE request"
        };
        replies.push(reply);
        if let Err(error) = transaction.execute_batch(end) {
            return Err((error.to_string(), replies));
        }
    }
    match transaction.commit() {
        Ok(()) => Ok(replies),
        Err(error) => Err((error.to_string(), replies)),
    }
}
