//! Talking to the service manager (systemd, `Type=notify`): `READY=1` once the database is
//! open and the socket listens, `STOPPING=1` at shutdown, and `WATCHDOG=1` pings sent from the
//! serving loop itself, so that a loop that hangs stops the pings and systemd restarts the
//! server after `WatchdogSec`. Without `NOTIFY_SOCKET` (a terminal, the tests) it does nothing.

use std::time::Duration;

use sd_notify::NotifyState;

/// A test hook: after this many watchdog pings the serving loop blocks for good, the way a
/// deadlocked loop would. Only the watchdog test sets it; nothing else reads it.
pub const HANG_AFTER_PINGS_VARIABLE: &str = "LOTSE_TEST_HANG_SERVING_LOOP_AFTER_PINGS";

/// Tells the service manager that start-up is finished (the database is open, the socket
/// listens).
pub fn notify_ready(status: &str) {
    send(&[NotifyState::Ready, NotifyState::Status(status)]);
}

/// Tells the service manager that the server is shutting down.
pub fn notify_stopping() {
    send(&[NotifyState::Stopping]);
}

fn send(states: &[NotifyState]) {
    if let Err(error) = sd_notify::notify(states) {
        tracing::warn!(%error, "cannot notify the service manager");
    }
}

/// The watchdog as the serving loop sees it: [`Watchdog::due`] completes every half of the
/// interval the service manager asked for (`WATCHDOG_USEC`), and [`Watchdog::ping`] answers
/// it. Pinging from the loop, not from a task of its own, ties the pings to the loop's health.
pub struct Watchdog {
    ticks: Option<tokio::time::Interval>,
    pings: u64,
    hang_after: Option<u64>,
}

impl Watchdog {
    /// The watchdog the service manager asked for in this process's environment; one that
    /// never becomes due when none was asked for.
    pub fn from_environment() -> Watchdog {
        let hang_after = std::env::var(HANG_AFTER_PINGS_VARIABLE)
            .ok()
            .and_then(|value| value.parse().ok());
        Watchdog::new(sd_notify::watchdog_enabled(), hang_after)
    }

    fn new(interval: Option<Duration>, hang_after: Option<u64>) -> Watchdog {
        let ticks = interval.map(|interval| {
            let mut ticks = tokio::time::interval(ping_period(interval));
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks
        });
        Watchdog {
            ticks,
            pings: 0,
            hang_after,
        }
    }

    /// Completes when the next ping is due; never without a watchdog.
    pub async fn due(&mut self) {
        match &mut self.ticks {
            Some(ticks) => {
                ticks.tick().await;
            }
            None => std::future::pending().await,
        }
    }

    /// Tells the service manager that the serving loop is alive.
    pub fn ping(&mut self) {
        if self.hang_after.is_some_and(|after| self.pings >= after) {
            tracing::warn!("test hook: the serving loop hangs now");
            // Blocking the loop's thread on purpose, as a deadlock would.
            loop {
                std::thread::park();
            }
        }
        send(&[NotifyState::Watchdog]);
        self.pings += 1;
    }
}

/// Pings twice per interval, as sd_watchdog_enabled(3) recommends, so one late ping is no
/// restart.
fn ping_period(interval: Duration) -> Duration {
    (interval / 2).max(Duration::from_millis(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pings_twice_per_interval() {
        assert_eq!(
            ping_period(Duration::from_secs(30)),
            Duration::from_secs(15)
        );
        assert_eq!(ping_period(Duration::ZERO), Duration::from_millis(1));
    }

    #[test]
    fn without_a_watchdog_nothing_is_due() {
        let mut watchdog = Watchdog::new(None, None);
        assert!(futures::FutureExt::now_or_never(watchdog.due()).is_none());
    }
}
