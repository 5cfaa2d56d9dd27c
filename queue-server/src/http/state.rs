//! What every handler, of the API and the pages alike, can reach.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::live_streams;
use crate::auth::PasswordChecks;
use crate::config::Config;
use crate::directory::Directory;
use crate::limits::Limits;
use crate::storage::Store;
use crate::throttle::FailureWindow;

/// The current time; tests pass a fixed clock.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub clock: Clock,
    /// Turns `true` when the server shuts down; live streams end then.
    pub shutdown: watch::Receiver<bool>,
    /// The bounded password checks of logins.
    pub passwords: Arc<PasswordChecks>,
    /// The staff directory of directory logins, if configured (`config.auth`).
    pub directory: Arc<Directory>,
    /// Failed check-ins per device (against guessing appointment codes).
    pub check_ins: Arc<FailureWindow>,
    pub limits: Limits,
    /// The open live event streams per token or session and per staff account.
    pub streams: Arc<live_streams::LiveStreams>,
}

/// At most this many failed check-ins per device and minute: a kiosk visitor mistyping a
/// code a few times is fine, a script trying codes is stopped.
pub const CHECK_IN_FAILURES_PER_MINUTE: usize = 10;

pub fn check_in_throttle() -> FailureWindow {
    FailureWindow::new(CHECK_IN_FAILURES_PER_MINUTE, chrono::Duration::minutes(1))
}

impl AppState {
    pub fn new(
        store: Store,
        config: Config,
        clock: Clock,
        shutdown: watch::Receiver<bool>,
        limits: Limits,
    ) -> AppState {
        AppState {
            store,
            directory: Arc::new(Directory::new(&config.auth)),
            config: Arc::new(config),
            clock,
            shutdown,
            passwords: Arc::new(PasswordChecks::per_core()),
            check_ins: Arc::new(check_in_throttle()),
            limits,
            streams: Arc::new(live_streams::LiveStreams::new(
                limits.max_streams_per_credential,
                limits.max_streams_per_account,
            )),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}
