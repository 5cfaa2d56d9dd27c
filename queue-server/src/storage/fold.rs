//! Folding the days past the statistics' detail period (`[statistics] detail_days`): their
//! visits' rows become daily aggregates (`stats::cells`, kept to the minute) in the same
//! transaction that deletes the rows — tickets, stops, feedback scores, interpreter requests
//! and anything else naming those tickets.

use chrono::{DateTime, Days, Utc};
use rusqlite::{Connection, params};

use super::time::to_ms;
use super::{StorageError, Store};
use crate::config::Config;
use crate::stats::Cells;
use crate::stats::figures::Zone;

/// Folds every day past the detail period, a writer command per [`FOLD_DAYS`] days (other
/// commands run between them).
pub async fn fold_all(
    store: &Store,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Folded, StorageError> {
    let mut total = Folded::default();
    loop {
        let config = config.clone();
        let folded = store
            .run(move |c| fold_past_details(c, &config, now))
            .await?;
        if folded.visits == 0 {
            return Ok(total);
        }
        total.visits += folded.visits;
        total.legs += folded.legs;
    }
}

/// What a fold did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Folded {
    /// Visits (tickets) folded into aggregates and deleted.
    pub visits: usize,
    /// Legs (stops) folded and deleted.
    pub legs: usize,
}

/// How many days one fold takes at most: the writer runs it between other commands, and a
/// database upgraded with years of visits folds them a week at a time.
pub const FOLD_DAYS: u64 = 7;

/// Folds the visits that arrived before the first day still kept in detail (`detail_days`
/// local days up to and including today), the oldest [`FOLD_DAYS`] days of them; nothing
/// folded means nothing is left to fold.
pub fn fold_past_details(
    connection: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Folded, StorageError> {
    let zone = Zone::new(config.time_zone);
    let today = zone.date(now);
    let keep = u64::from(config.building.statistics.detail_days.max(1)) - 1;
    let Some(first_kept) = today.checked_sub_days(Days::new(keep)) else {
        return Ok(Folded::default());
    };
    let first_kept = zone.day_start(first_kept);
    let oldest: Option<i64> = connection.query_row(
        "SELECT MIN(issued_at) FROM tickets WHERE issued_at < ?1",
        params![to_ms(first_kept)],
        |row| row.get(0),
    )?;
    let Some(oldest) = oldest else {
        return Ok(Folded::default());
    };
    let from = zone.day_start(zone.date(super::time::from_ms(oldest)));
    let to = zone
        .day_start(zone.date(from) + Days::new(FOLD_DAYS))
        .min(first_kept);
    let legs = super::stats::legs(connection, from, to)?;
    let scores = super::feedback::scores(connection, from, to)?;
    let cells = Cells::fold(&legs, &scores, &config.building, &zone);
    super::aggregates::insert(connection, cells)?;
    let before = to_ms(to);
    let tickets = "SELECT id FROM tickets WHERE issued_at < ?1";
    // Everything before `to` is folded now (`from` is the oldest day there is).
    for sql in [
        format!(
            "DELETE FROM notes WHERE stop_id IN (SELECT id FROM stops WHERE ticket_id IN ({tickets}))"
        ),
        format!("DELETE FROM feedback WHERE ticket_id IN ({tickets})"),
        format!("DELETE FROM interpreter_requests WHERE ticket_id IN ({tickets})"),
        format!("UPDATE appointments SET ticket_id = NULL WHERE ticket_id IN ({tickets})"),
    ] {
        connection.execute(&sql, params![before])?;
    }
    let legs = connection.execute(
        &format!("DELETE FROM stops WHERE ticket_id IN ({tickets})"),
        params![before],
    )?;
    let visits = connection.execute("DELETE FROM tickets WHERE issued_at < ?1", params![before])?;
    Ok(Folded { visits, legs })
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate};

    use super::*;
    use crate::stats::load::{ReadAt, compute_all, load};
    use crate::stats::tables::Lang;
    use crate::stats::{Dimension, Filter, Leg, Period};
    use lotse_domain::stats::fixture::{fixture, report};

    /// The fixture's legs as ticket and stop rows (visit 1 gave the score 4).
    fn insert(c: &Connection, legs: &[Leg]) -> rusqlite::Result<()> {
        let ms = |t: Option<DateTime<Utc>>| t.map(to_ms);
        for leg in legs {
            c.execute(
                "INSERT OR IGNORE INTO tickets (id, day, prefix, seq, number, token, language,
                     channel, issued_at, appointment_at)
                 VALUES (?1, '2026-11-17', 'A', ?1, 'A-' || ?1, 'token-' || ?1, ?2, ?3, ?4, ?5)",
                params![
                    leg.visit,
                    leg.language,
                    leg.channel.as_str(),
                    to_ms(leg.issued_at),
                    ms(leg.appointment_at)
                ],
            )?;
            let status: &str = leg.status.into();
            c.execute(
                "INSERT INTO stops (id, ticket_id, position, service, status, queued_at,
                     called_at, started_at, finished_at, recalls, desk)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    leg.id,
                    leg.visit,
                    leg.position,
                    leg.service,
                    status,
                    to_ms(leg.queued_at),
                    ms(leg.called_at),
                    ms(leg.started_at),
                    ms(leg.finished_at),
                    leg.recalls,
                    leg.desk
                ],
            )?;
        }
        c.execute(
            "INSERT INTO feedback (ticket_id, score, given_at) VALUES (1, 4, ?1)",
            params![to_ms(legs[1].finished_at.expect("finished"))],
        )?;
        Ok(())
    }

    fn count(c: &Connection, table: &str) -> rusqlite::Result<i64> {
        c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
    }

    #[tokio::test]
    async fn days_past_the_detail_period_become_aggregates_with_the_same_figures() {
        let store = Store::in_memory().expect("a store");
        let config = Config::embedded().expect("the sample building");
        let day = NaiveDate::from_ymd_opt(2026, 11, 17).expect("a date");
        let period = Period::new(day, day).expect("a period");
        store
            .run(|c| insert(c, &fixture()).map_err(crate::storage::StorageError::from))
            .await
            .expect("rows");
        let fold_at = |days: i64| {
            let (config, store) = (config.clone(), store.clone());
            let now = Zone::new(config.time_zone).day_start(day) + Duration::days(days);
            async move {
                store
                    .run(move |c| fold_past_details(c, &config, now))
                    .await
                    .expect("folded")
            }
        };
        // On the 90th day (the day itself counts as the first of 90) nothing is folded.
        assert_eq!(fold_at(89).await, Folded::default());
        let expected = compute_all(
            &load(
                &store,
                &config,
                period,
                ReadAt::new(Utc::now(), &Default::default()),
            )
            .await
            .expect("loaded"),
            &config,
            period,
            &Filter::default(),
            Dimension::Service,
            Lang::En,
        )
        .report;

        assert_eq!(fold_at(90).await, Folded { visits: 4, legs: 6 });
        let left = store
            .run(|c| {
                Ok::<_, crate::storage::StorageError>([
                    count(c, "tickets")?,
                    count(c, "stops")?,
                    count(c, "feedback")?,
                    count(c, "stat_days")?,
                ])
            })
            .await
            .expect("counted");
        assert_eq!(
            left,
            [0, 0, 0, 1],
            "no row of the visits is left, one day of aggregates"
        );
        assert_eq!(fold_at(91).await, Folded::default(), "folded once");

        let loaded = load(
            &store,
            &config,
            period,
            ReadAt::new(Utc::now(), &Default::default()),
        )
        .await
        .expect("loaded");
        assert!(loaded.legs.is_empty());
        let folded = compute_all(
            &loaded,
            &config,
            period,
            &Filter::default(),
            Dimension::Service,
            Lang::En,
        )
        .report;
        // Counts, shares, means, arrivals, hand-overs, languages, appointments and scores
        // stay exact; percentiles and maxima are rounded up to whole minutes.
        let (k, e) = (&folded.kpis, &expected.kpis);
        assert_eq!(
            (k.visits, k.legs, k.served, k.no_shows, k.walk_outs),
            (e.visits, e.legs, e.served, e.no_shows, e.walk_outs)
        );
        assert_eq!(k.service_level, e.service_level);
        assert_eq!(k.cross_agency_visits, e.cross_agency_visits);
        assert!((k.wait.mean - e.wait.mean).abs() < 1e-9);
        assert!((k.service.mean - e.service.mean).abs() < 1e-9);
        let minute = |s: i64| (s + 59) / 60 * 60;
        assert_eq!(k.wait.median, minute(e.wait.median));
        assert_eq!(k.wait.p90, minute(e.wait.p90));
        assert_eq!(k.building_time.max, minute(e.building_time.max));
        assert_eq!(folded.outcomes, expected.outcomes);
        assert_eq!(folded.visit_arrivals, expected.visit_arrivals);
        assert_eq!(folded.leg_arrivals, expected.leg_arrivals);
        assert_eq!(folded.wait_distribution, expected.wait_distribution);
        assert_eq!(folded.languages, expected.languages);
        assert_eq!(folded.agency_languages, expected.agency_languages);
        assert_eq!(folded.appointments, expected.appointments);
        assert_eq!(folded.desks, expected.desks);
        assert_eq!(folded.feedback, expected.feedback);
        assert_eq!(folded.feedback.all.count(), 1);
        for (f, e) in folded
            .waiting_per_hour
            .iter()
            .zip(expected.waiting_per_hour)
        {
            assert!((f - e).abs() < 1e-3, "{f} vs {e}");
        }
        let c = &folded.cross_agency;
        let x = &expected.cross_agency;
        assert_eq!(
            (
                c.visits,
                c.multi_agency_visits,
                c.transfers_between_agencies
            ),
            (
                x.visits,
                x.multi_agency_visits,
                x.transfers_between_agencies
            )
        );
        assert_eq!(c.planned_between_agencies, x.planned_between_agencies);
        // And the figures are those of the hand-computed day.
        assert_eq!(
            k.legs,
            report(
                &config.building,
                &fixture(),
                &Filter::default(),
                Dimension::Service
            )
            .kpis
            .legs
        );
    }

    #[tokio::test]
    async fn a_fold_takes_a_week_at_a_time_and_fold_all_takes_every_week() {
        let store = Store::in_memory().expect("a store");
        let config = Config::embedded().expect("the sample building");
        let later: Vec<Leg> = fixture()
            .into_iter()
            .map(|mut leg| {
                let shift = |t: DateTime<Utc>| t + Duration::days(10);
                leg.visit += 10;
                leg.id += 10;
                leg.issued_at = shift(leg.issued_at);
                leg.queued_at = shift(leg.queued_at);
                leg.appointment_at = leg.appointment_at.map(shift);
                leg.called_at = leg.called_at.map(shift);
                leg.started_at = leg.started_at.map(shift);
                leg.finished_at = leg.finished_at.map(shift);
                leg
            })
            .collect();
        store
            .run(move |c| {
                insert(c, &fixture())?;
                c.execute("DELETE FROM feedback", [])?;
                insert(c, &later)?;
                Ok::<_, crate::storage::StorageError>(())
            })
            .await
            .expect("rows");
        let now = Zone::new(config.time_zone)
            .day_start(NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date"))
            + Duration::days(100);
        let once = {
            let config = config.clone();
            store
                .run(move |c| fold_past_details(c, &config, now))
                .await
                .expect("folded")
        };
        assert_eq!(once, Folded { visits: 4, legs: 6 }, "the first week only");
        let rest = fold_all(&store, &config, now).await.expect("folded");
        assert_eq!(rest, Folded { visits: 4, legs: 6 });
        let days = store
            .run(|c| count(c, "stat_days").map_err(crate::storage::StorageError::from))
            .await
            .expect("counted");
        assert_eq!(days, 2);
    }
}
