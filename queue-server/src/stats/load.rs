//! Reading a period's legs (on the read-only connections) and computing the report with its
//! tables: shared by the stats page, its downloads and `queue-server stats export`.

use crate::config::Config;
use crate::error::AppError;
use crate::storage::{Store, aggregates, stats as sql};

use super::cells::Names;
use super::figures::Zone;
use super::report::{Context, Kpis, MissedAppointment, Report, compute, compute_kpis};
use super::tables::{Lang, Table, tables};
use super::{Cells, Dimension, Filter, Leg, Period};

/// What a period's statistics come from: the cells of its days and those of the period
/// before (folded from the leg rows, or stored for days past the retention period), and the
/// leg rows themselves (the leg-level export).
pub struct Loaded {
    pub legs: Vec<Leg>,
    pub missed: Vec<MissedAppointment>,
    pub cells: Cells,
}

/// Reads the legs and stored cells of `period` and of the period of the same length before
/// it, and folds the legs, on a connection of its own (`Store::read_long`): a year takes a
/// while, and status polls and pages must not queue behind it.
pub async fn load(store: &Store, config: &Config, period: Period) -> Result<Loaded, AppError> {
    let zone = Zone::new(config.time_zone);
    let from_date = period.previous().from;
    let from = zone.day_start(from_date);
    let to = zone.day_start(period.to.succ_opt().unwrap_or(period.to));
    let to_date = period.to;
    let config = config.clone();
    store
        .read_long(move |c| {
            let legs = sql::legs(c, from, to)?;
            let scores = crate::storage::feedback::scores(c, from, to)?;
            let mut cells = Cells::fold(
                &legs,
                &scores,
                |service| {
                    config
                        .building
                        .service(service)
                        .map_or("", |s| s.agency.as_str())
                },
                &Zone::new(config.time_zone),
            );
            cells.extend(aggregates::cells(
                c,
                from_date,
                to_date,
                &mut Names::default(),
            )?);
            Ok(Loaded {
                legs,
                missed: sql::missed_appointments(c, from_date, to_date)?,
                cells,
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
        &loaded.cells,
        &loaded.missed,
        context,
        period,
        filter,
        split_by,
    );
    let previous = compute_kpis(&loaded.cells, context, period.previous(), filter);
    let tables = tables(&report, &previous, &config.building, lang);
    Computed {
        report,
        previous,
        tables,
    }
}
