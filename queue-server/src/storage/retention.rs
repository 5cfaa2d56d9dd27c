//! Retention: personal data is kept no longer than it serves (GDPR Art. 5(1)(e)). What each
//! table keeps, and for how long, is listed in README ("Retention"):
//! - notes (free text about a visitor), visitors' feedback comments (the score stays), failed logins (typed names), appointment codes, the
//!   idempotency keys and requests of tickets, and the event log go when their day is over;
//! - the audit log (who did what) is kept for [`AUDIT_DAYS`];
//! - tickets and stops keep numbers, services, outcome codes and times, which statistics need,
//!   for `[statistics] detail_days`; then they are folded into daily aggregates (`fold.rs`,
//!   run after each purge);
//!   interpreter requests keep language, times and the interpreter's account name (staff
//!   data, like the audit log). What past days left open (stops, interpreter requests) is
//!   closed before, through the domain's tables (`services::commands::day_end`).

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, params};

use super::StorageError;
use super::time::to_ms;
use crate::config::Config;

/// How long audit entries are kept (accountability for staff actions).
pub const AUDIT_DAYS: i64 = 365;

/// How much a purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub notes: usize,
    /// Feedback comments of past days (the score stays for the statistics).
    pub feedback_comments: usize,
    pub login_failures: usize,
    pub appointments: usize,
    pub idempotency_keys: usize,
    pub events: usize,
    pub audit: usize,
    /// Appointments of past days nobody checked in for, counted into `missed_appointments`.
    pub missed_appointments: usize,
    /// Live alerts cleared on past days (with who acknowledged them).
    pub alerts: usize,
}

/// Deletes what belongs to days before `now`'s local day, and audit entries older than
/// [`AUDIT_DAYS`].
pub fn purge(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Purged, StorageError> {
    let today = to_ms(config.day_start(now));
    let audit_limit = to_ms(now - Duration::days(AUDIT_DAYS));
    let delete = |sql: &str, at: i64| connection.execute(sql, params![at]);

    // Appointments nobody came to are counted for the statistics before they go.
    let missed_appointments =
        super::stats::count_missed_appointments(connection, config.day_start(now), |at| {
            crate::domain::issuing::day_of(config, at)
        })?;
    Ok(Purged {
        missed_appointments,
        notes: delete("DELETE FROM notes WHERE created_at < ?1", today)?,
        feedback_comments: delete(
            "UPDATE feedback SET comment = NULL WHERE given_at < ?1 AND comment IS NOT NULL",
            today,
        )?,
        login_failures: delete("DELETE FROM login_failures WHERE at < ?1", today)?,
        appointments: delete("DELETE FROM appointments WHERE at < ?1", today)?,
        idempotency_keys: delete(
            "UPDATE tickets SET idempotency_key = NULL, request = NULL
             WHERE issued_at < ?1 AND (idempotency_key IS NOT NULL OR request IS NOT NULL)",
            today,
        )?,
        events: delete("DELETE FROM events WHERE at < ?1", today)?,
        audit: delete("DELETE FROM audit WHERE at < ?1", audit_limit)?,
        alerts: delete("DELETE FROM alerts WHERE cleared_at < ?1", today)?,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::storage::Store;

    #[tokio::test]
    async fn personal_data_of_earlier_days_goes_and_audit_after_a_year() {
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
                c.execute(
                    "INSERT INTO feedback (ticket_id, score, comment, given_at)
                     VALUES (1, 4, 'free text', ?1)",
                    [yesterday],
                )?;
                c.execute(
                    "INSERT INTO tickets (day, prefix, seq, number, token, language, channel,
                                          issued_at, idempotency_key, request)
                     VALUES ('2026-11-18', 'A', 1, 'A-001', 't2', 'de', 'kiosk', ?1, 'k', 'r')",
                    [this_morning],
                )?;
                c.execute(
                    "UPDATE tickets SET idempotency_key = 'old', request = 'r' WHERE id = 1",
                    [],
                )?;
                let last_year = to_ms(now - Duration::days(AUDIT_DAYS + 1));
                for at in [last_year, yesterday] {
                    c.execute(
                        "INSERT INTO audit (at, actor, action, detail) VALUES (?1, 'anna', 'park', '')",
                        [at],
                    )?;
                }
                for at in [yesterday, this_morning] {
                    c.execute(
                        "INSERT INTO appointments (code, service, at) VALUES (?1, 'payment-card', ?2)",
                        params![format!("TERMIN-{at}"), at],
                    )?;
                    c.execute("INSERT INTO events (at, body) VALUES (?1, '{}')", [at])?;
                    c.execute(
                        "INSERT INTO notes (stop_id, agency, author, text, created_at)
                         VALUES (1, 'asylum-benefits', 'clerk', 'Kontoauszug liegt vor', ?1)",
                        [at],
                    )?;
                    c.execute("INSERT INTO login_failures (name, at) VALUES ('x', ?1)", [at])?;
                    c.execute(
                        "INSERT INTO alerts (kind, subject, raised_at, cleared_at, acknowledged_by)
                         VALUES ('wait', 'payment-card', ?1, ?1, 'lead')",
                        [at],
                    )?;
                }
                // Still active since yesterday: stays until it clears.
                c.execute(
                    "INSERT INTO alerts (kind, subject, raised_at) VALUES ('printer', 'k', ?1)",
                    [yesterday],
                )?;
                let purged = purge(c, &config, now)?;
                let count = |table: &str| -> rusqlite::Result<i64> {
                    c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                };
                let keys: i64 = c.query_row(
                    "SELECT COUNT(*) FROM tickets WHERE idempotency_key IS NOT NULL",
                    [],
                    |r| r.get(0),
                )?;
                let left = [
                    count("notes")?,
                    count("login_failures")?,
                    count("appointments")?,
                    keys,
                    count("events")?,
                    count("audit")?,
                    count("alerts")? - 1,
                ];
                let missed: (String, String, i64) = c.query_row(
                    "SELECT day, service, count FROM missed_appointments",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?;
                assert_eq!(missed, ("2026-11-17".into(), "payment-card".into(), 1));
                Ok::<_, crate::storage::StorageError>((purged, left))
            })
            .await
            .expect("purged");
        assert_eq!(
            purged.0,
            Purged {
                notes: 1,
                feedback_comments: 1,
                login_failures: 1,
                appointments: 1,
                idempotency_keys: 1,
                events: 1,
                audit: 1,
                missed_appointments: 1,
                alerts: 1,
            }
        );
        assert_eq!(
            purged.1,
            [1, 1, 1, 1, 1, 1, 1],
            "today's (and this year's audit) stay"
        );
    }
}
