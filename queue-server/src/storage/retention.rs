//! Retention: personal data is kept no longer than it serves. Transfer notes (free text about a
//! visitor) and failed-login records (typed names) are deleted once their day is over; tickets
//! keep only numbers, services and times, which statistics need.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::StorageError;
use super::time::to_ms;
use crate::config::Config;

/// How much a purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub notes: usize,
    pub login_failures: usize,
}

/// Deletes what belongs to days before `now`'s local day.
pub fn purge(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Purged, StorageError> {
    let today = to_ms(config.day_start(now));
    Ok(Purged {
        notes: connection.execute("DELETE FROM notes WHERE created_at < ?1", params![today])?,
        login_failures: connection
            .execute("DELETE FROM login_failures WHERE at < ?1", params![today])?,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::storage::Store;

    #[tokio::test]
    async fn notes_and_failed_logins_of_earlier_days_go() {
        let store = Store::in_memory().expect("a store");
        let config = Config::embedded().expect("the sample building");
        // 10:00 in Berlin.
        let now = Utc
            .with_ymd_and_hms(2026, 11, 18, 9, 0, 0)
            .single()
            .expect("a time");
        let yesterday = to_ms(now - Duration::hours(20));
        let this_morning = to_ms(now - Duration::hours(2));
        let purged = store
            .run(move |c| {
                c.execute(
                    "INSERT INTO tickets (day, prefix, seq, number, token, language, channel, issued_at)
                     VALUES ('2026-11-17', 'A', 1, 'A-001', 't1', 'de', 'kiosk', ?1)",
                    [yesterday],
                )?;
                c.execute(
                    "INSERT INTO stops (ticket_id, position, service, status, queued_at)
                     VALUES (1, 0, 'payment-card', 'done', ?1)",
                    [yesterday],
                )?;
                for at in [yesterday, this_morning] {
                    c.execute(
                        "INSERT INTO notes (stop_id, agency, author, text, created_at)
                         VALUES (1, 'asylum-benefits', 'clerk', 'Kontoauszug liegt vor', ?1)",
                        [at],
                    )?;
                    c.execute("INSERT INTO login_failures (name, at) VALUES ('x', ?1)", [at])?;
                }
                let purged = purge(c, &config, now)?;
                let notes: i64 = c.query_row("SELECT COUNT(*) FROM notes", [], |r| r.get(0))?;
                let failures: i64 =
                    c.query_row("SELECT COUNT(*) FROM login_failures", [], |r| r.get(0))?;
                Ok((purged, notes, failures))
            })
            .await
            .expect("purged");
        assert_eq!(
            purged.0,
            Purged {
                notes: 1,
                login_failures: 1
            }
        );
        assert_eq!((purged.1, purged.2), (1, 1), "today's stay");
    }
}
