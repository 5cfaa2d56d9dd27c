//! Reading a period's legs (on the read-only connections) and computing the report with its
//! tables: shared by the stats page, its downloads and `queue-server stats export`.

use crate::config::Config;
use crate::error::AppError;
use crate::storage::{Store, stats as sql};

use super::feedback::VisitScore;
use super::figures::Zone;
use super::report::{Context, Kpis, MissedAppointment, Report, compute};
use super::tables::{Lang, Table, tables};
use super::{Dimension, Filter, Leg, Period};

/// What a period's statistics come from: its legs and those of the period before.
pub struct Loaded {
    pub legs: Vec<Leg>,
    pub missed: Vec<MissedAppointment>,
    pub scores: Vec<VisitScore>,
}

/// Reads the legs of `period` and of the period of the same length before it, on a
/// connection of its own (`Store::read_long`): a year takes a while, and status polls and
/// pages must not queue behind it.
pub async fn load(store: &Store, config: &Config, period: Period) -> Result<Loaded, AppError> {
    let zone = Zone::new(config.time_zone);
    let from_date = period.previous().from;
    let from = zone.day_start(from_date);
    let to = zone.day_start(period.to.succ_opt().unwrap_or(period.to));
    let to_date = period.to;
    store
        .read_long(move |c| {
            Ok(Loaded {
                legs: sql::legs(c, from, to)?,
                missed: sql::missed_appointments(c, from_date, to_date)?,
                scores: crate::storage::feedback::scores(c, from, to)?,
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
