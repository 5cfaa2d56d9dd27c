//! The board's I/O, on a tokio runtime off the UI thread: loads the building and a snapshot,
//! follows the event stream (which resumes with `Last-Event-ID` after every cut), reloads the
//! waiting lines when events change them, and posts everything to the board as [`Input`]s.

use std::sync::Arc;
use std::time::Duration;

use lotse_protocol::event_stream::{StreamItem, StreamOptions, subscribe};
use lotse_protocol::{Building, Client, ClientError, DisplaySnapshot, changes_queues};
use tokio::sync::Notify;

use crate::board::Input;

/// Delivers an input to the board (on the UI thread, or straight into a test's board).
pub type Post = Arc<dyn Fn(Input) + Send + Sync>;

const RETRY: Duration = Duration::from_secs(2);
/// Estimates drift with time even without events.
const QUEUES_INTERVAL: Duration = Duration::from_secs(30);
/// Events often come in bursts (call, start, finish): wait this long, then reload once.
const QUEUES_DEBOUNCE: Duration = Duration::from_millis(300);

/// A tokio runtime running [`follow`] until it is dropped.
pub struct Worker {
    _runtime: tokio::runtime::Runtime,
}

impl Worker {
    pub fn start(client: Client, zone: Option<String>, post: Post) -> anyhow::Result<Worker> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("lotse-board-io")
            .enable_all()
            .build()?;
        runtime.spawn(follow(client, zone, post));
        Ok(Worker { _runtime: runtime })
    }
}

/// Keeps the board up to date for as long as the task runs.
pub async fn follow(client: Client, zone: Option<String>, post: Post) {
    let (building, snapshot) = loop {
        match load(&client, zone.as_deref()).await {
            Ok(loaded) => break loaded,
            Err(error) => {
                tracing::warn!(%error, "cannot load the board; retrying");
                tokio::time::sleep(RETRY).await;
            }
        }
    };
    let last_event_id = snapshot.last_event_id;
    post(Input::Loaded(Box::new(building), Box::new(snapshot)));

    let reload = Arc::new(Notify::new());
    tokio::spawn(reload_queues(client.clone(), post.clone(), reload.clone()));

    let options = StreamOptions {
        idle_timeout: Duration::from_secs(15),
        ..StreamOptions::default()
    };
    let mut stream = subscribe(client.clone(), Some(last_event_id), options);
    let mut first_connection = true;
    while let Some(item) = stream.recv().await {
        match item {
            StreamItem::Connected if first_connection => {
                first_connection = false;
                post(Input::Contact);
            }
            StreamItem::Connected => {
                tracing::info!("event stream reconnected");
                // Missed calls arrive as events; the building and lines are loaded afresh.
                match tokio::try_join!(client.config(), client.queues()) {
                    Ok((building, queues)) => {
                        post(Input::Refreshed(Box::new(building), Box::new(queues)));
                    }
                    Err(error) => tracing::warn!(%error, "cannot reload after reconnecting"),
                }
            }
            StreamItem::Event(event) => {
                if changes_queues(&event.change) {
                    reload.notify_one();
                }
                post(Input::Event(Box::new(event)));
            }
            StreamItem::KeepAlive => post(Input::Contact),
            StreamItem::Disconnected(error) => {
                tracing::warn!(%error, "event stream disconnected");
            }
        }
    }
}

async fn load(
    client: &Client,
    zone: Option<&str>,
) -> Result<(Building, DisplaySnapshot), ClientError> {
    tokio::try_join!(client.config(), client.display(zone))
}

async fn reload_queues(client: Client, post: Post, reload: Arc<Notify>) {
    loop {
        tokio::select! {
            _ = reload.notified() => tokio::time::sleep(QUEUES_DEBOUNCE).await,
            _ = tokio::time::sleep(QUEUES_INTERVAL) => {}
        }
        match client.queues().await {
            Ok(queues) => post(Input::Queues(Box::new(queues))),
            Err(error) => tracing::debug!(%error, "cannot reload the waiting lines"),
        }
    }
}
