//! Reading a period's legs (on the read-only connections) and computing the report with its
//! tables: shared by the stats page, its downloads and `queue-server stats export`.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::error::AppError;
use crate::limits::Limits;
use crate::storage::{Store, desk_shifts, stats as sql};

use super::feedback::VisitScore;
use super::figures::Zone;
use super::report::{Context, Kpis, MissedAppointment, Report, compute};
use super::staffing::{StaffedDay, staffed_days, with_staffed};
use super::tables::{Lang, Table, tables};
use super::{Dimension, Filter, Leg, Period};

/// What a period's statistics come from: its legs and those of the period before.
pub struct Loaded {
    pub legs: Vec<Leg>,
    pub missed: Vec<MissedAppointment>,
    pub scores: Vec<VisitScore>,
    /// Each desk's staffed time per local day (desk utilisation).
    pub staffed: Vec<StaffedDay>,
}

/// When the statistics are read: open desk shifts of live sessions count until `now`, those
/// of sessions idle since `idle_since` until their last activity (`storage::desk_shifts`).
#[derive(Debug, Clone, Copy)]
pub struct ReadAt {
    pub now: DateTime<Utc>,
    pub idle_since: DateTime<Utc>,
}

impl ReadAt {
    pub fn new(now: DateTime<Utc>, limits: &Limits) -> ReadAt {
        ReadAt {
            now,
            idle_since: limits.session_idle_since(now),
        }
    }
}

/// Reads the legs of `period` and of the period of the same length before it, on a
/// connection of its own (`Store::read_long`): a year takes a while, and status polls and
/// pages must not queue behind it.
pub async fn load(
    store: &Store,
    config: &Config,
    period: Period,
    at: ReadAt,
) -> Result<Loaded, AppError> {
    let zone = Zone::new(config.time_zone);
    let from_date = period.previous().from;
    let from = zone.day_start(from_date);
    let to = zone.day_start(period.to.succ_opt().unwrap_or(period.to));
    let to_date = period.to;
    let tz = config.time_zone;
    store
        .read_long(move |c| {
            let shifts = desk_shifts::shifts(c, from, to, at.now, at.idle_since)?;
            Ok(Loaded {
                legs: sql::legs(c, from, to)?,
                missed: sql::missed_appointments(c, from_date, to_date)?,
                scores: crate::storage::feedback::scores(c, from, to)?,
                staffed: staffed_days(&shifts, &Zone::new(tz)),
            })
        })
        .await
}

/// The report, the headline figures of the period before, and the tables.
pub struct Computed {
    pub report: Report,
    pub previous: Kpis,
    pub tables: Vec<Table>,
}

pub fn compute_all(
    loaded: &Loaded,
    config: &Config,
    period: Period,
    filter: &Filter,
    split_by: Dimension,
    lang: Lang,
) -> Computed {
    let context = Context {
        building: &config.building,
        zone: config.time_zone,
    };
    let report = compute(
        &loaded.legs,
        &loaded.missed,
        &loaded.scores,
        context,
        period,
        filter,
        split_by,
    );
    let report = Report {
        desks: with_staffed(
            report.desks,
            &loaded.staffed,
            period,
            filter,
            &config.building,
        ),
        ..report
    };
    let previous = compute(
        &loaded.legs,
        &loaded.missed,
        &loaded.scores,
        context,
        period.previous(),
        filter,
        Dimension::Service,
    )
    .kpis;
    let tables = tables(&report, &previous, &config.building, lang);
    Computed {
        report,
        previous,
        tables,
    }
}
