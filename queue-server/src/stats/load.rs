//! Reading a period's legs (on the read-only connections) and computing the report with its
//! tables: shared by the stats page, its downloads and `queue-server stats export`.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::limits::Limits;
use crate::services::ServiceError;
use crate::storage::{StorageError, Store, aggregates, desk_shifts, stats as sql};

use super::cells::Names;
use super::figures::Zone;
use super::report::{Context, Kpis, MissedAppointment, Report, compute, compute_kpis};
use super::staffing::{StaffedDay, staffed_days, with_staffed};
use super::tables::{Lang, Table, tables};
use super::{Cells, Dimension, Filter, Leg, Period};

/// What a period's statistics come from: the cells of its days and those of the period
/// before (folded from the leg rows, or stored for days past the retention period), and the
/// leg rows themselves (the leg-level export).
pub struct Loaded {
    pub legs: Vec<Leg>,
    pub missed: Vec<MissedAppointment>,
    pub cells: Cells,
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

/// Reads the legs, stored cells and desk shifts of `period` and of the period of the same
/// length before it, and folds the legs, on a connection of its own (`Store::read_long`): a
/// year takes a while, and status polls and pages must not queue behind it.
pub async fn load(
    store: &Store,
    config: &Config,
    period: Period,
    at: ReadAt,
) -> Result<Loaded, ServiceError> {
    let zone = Zone::new(config.time_zone);
    let from_date = period.previous().from;
    let from = zone.day_start(from_date);
    let to = zone.day_start(period.to.succ_opt().unwrap_or(period.to));
    let to_date = period.to;
    let config = config.clone();
    store
        .read_long(move |c| {
            let zone = Zone::new(config.time_zone);
            let legs = sql::legs(c, from, to)?;
            let scores = crate::storage::feedback::scores(c, from, to)?;
            // The legs fold on a second thread while the stored days are read and decoded.
            let cells = std::thread::scope(|scope| {
                let folded = scope.spawn(|| {
                    Cells::fold(
                        &legs,
                        &scores,
                        &config.building,
                        &Zone::new(config.time_zone),
                    )
                });
                let mut cells = aggregates::cells(c, from_date, to_date, &mut Names::default())?;
                cells.extend(
                    folded
                        .join()
                        .map_err(|_| StorageError::Failed("folding the legs failed".into()))?,
                );
                Ok::<_, ServiceError>(cells)
            })?;
            let shifts = desk_shifts::shifts(c, from, to, at.now, at.idle_since)?;
            Ok(Loaded {
                legs,
                missed: sql::missed_appointments(c, from_date, to_date)?,
                cells,
                staffed: staffed_days(&shifts, &zone),
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
    let from = Source {
        cells: &loaded.cells,
        missed: &loaded.missed,
        staffed: &loaded.staffed,
    };
    compute_from(from, context, period, filter, split_by, lang)
}

/// What a report is computed from: a building's own loads all three; the county's central
/// service has the cells its buildings pushed only (`lotse-central`).
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub cells: &'a Cells,
    pub missed: &'a [MissedAppointment],
    pub staffed: &'a [StaffedDay],
}

/// The report, the period before and the tables of `from` for the building of `context`.
pub fn compute_from(
    from: Source<'_>,
    context: Context<'_>,
    period: Period,
    filter: &Filter,
    split_by: Dimension,
    lang: Lang,
) -> Computed {
    // The tiles' period before is computed on a second thread beside the report.
    let (report, previous) = std::thread::scope(|scope| {
        let previous = scope.spawn(|| compute_kpis(from.cells, context, period.previous(), filter));
        let report = compute(from.cells, from.missed, context, period, filter, split_by);
        let previous = previous
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (report, previous)
    });
    completed(
        report,
        previous,
        from.staffed,
        context,
        period,
        filter,
        lang,
    )
}

/// A computed report with its desks' staffed time added, and the tables of it and the tiles'
/// period before (`previous`): a building's and the county centre's.
pub fn completed(
    report: Report,
    previous: Kpis,
    staffed: &[StaffedDay],
    context: Context<'_>,
    period: Period,
    filter: &Filter,
    lang: Lang,
) -> Computed {
    let report = Report {
        desks: with_staffed(report.desks, staffed, period, filter, context.building),
        ..report
    };
    let tables = tables(&report, &previous, context.building, lang);
    Computed {
        report,
        previous,
        tables,
    }
}
