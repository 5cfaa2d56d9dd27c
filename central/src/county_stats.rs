//! County statistics: the cells the buildings pushed, decoded with the building's own stored
//! layout and computed by the building's own report code (`lotse_queue_server::stats`), for
//! one building, several, or the county total. The centre has no leg rows, missed
//! appointments or desk shifts: figures from those (the leg export, missed appointments,
//! desk utilisation) stay in each building.

use std::collections::{BTreeMap, BTreeSet};

use chrono_tz::Tz;
use deadpool_postgres::Pool;
use lotse_protocol::{Building, Channel};
use lotse_queue_server::stats::cells::Names;
use lotse_queue_server::stats::load::{Computed, Source, compute_from};
use lotse_queue_server::stats::report::Context;
use lotse_queue_server::stats::tables::Lang;
use lotse_queue_server::stats::{Cells, Dimension, Filter, Period};
use lotse_queue_server::storage::aggregates;

use crate::db::{DbError, days, profiles};
use crate::error::CentralError;
use crate::turns::Turns;

/// The cells of `buildings` for `period` and the period of the same length before it.
pub async fn cells(
    pool: &Pool,
    buildings: &[String],
    period: Period,
) -> Result<Cells, CentralError> {
    let rows = days::read(pool, buildings, period.previous().from, period.to).await?;
    let decoded = tokio::task::spawn_blocking(move || {
        let mut names = Names::default();
        let mut cells = Cells::default();
        for (building, day, format, bytes) in rows {
            if i64::from(format) != aggregates::FORMAT {
                return Err(format!("{building} {day}: cells format {format} unknown"));
            }
            let decoded = aggregates::decode(day, &bytes, &mut names)
                .map_err(|e| format!("{building}: {e}"))?;
            cells.extend(decoded);
        }
        Ok(cells)
    })
    .await
    .map_err(|e| DbError::Stored(e.to_string()))?;
    Ok(decoded.map_err(DbError::Stored)?)
}

/// What the figures name services, agencies and desks by: the one building's profile, or for
/// several the union of theirs (the first building's entry wins for an id they share).
pub fn naming(profiles: &BTreeMap<String, Building>, buildings: &[String]) -> Option<Building> {
    let mut chosen = buildings.iter().filter_map(|id| profiles.get(id));
    let mut naming = chosen.next()?.clone();
    for other in chosen {
        for agency in &other.agencies {
            if naming.agency(&agency.id).is_none() {
                naming.agencies.push(agency.clone());
            }
        }
        for service in &other.services {
            if naming.service(&service.id).is_none() {
                naming.services.push(service.clone());
            }
        }
        for desk in &other.desks {
            if naming.desk(&desk.id).is_none() {
                naming.desks.push(desk.clone());
            }
        }
    }
    Some(naming)
}

/// What a county report is narrowed to and split by, as asked; checked against the chosen
/// buildings' profiles by `report`.
#[derive(Debug, Clone, Default)]
pub struct Narrowed {
    pub agency: Option<String>,
    pub service: Option<String>,
    pub channel: Option<Channel>,
    pub language: Option<String>,
    pub split: Dimension,
}

impl Narrowed {
    /// The filter, when every id names something of `building` (the chosen buildings'
    /// profiles together); else what is unknown.
    pub fn filter(&self, building: &Building) -> Result<Filter, CentralError> {
        let unknown =
            |what: &str, id: &str| CentralError::Invalid(format!("unknown {what} {id:?}"));
        if let Some(agency) = &self.agency
            && building.agency(agency).is_none()
        {
            return Err(unknown("agency", agency));
        }
        if let Some(service) = &self.service
            && building.service(service).is_none()
        {
            return Err(unknown("service", service));
        }
        if let Some(language) = &self.language
            && lotse_protocol::languages::language(language).is_none()
        {
            return Err(unknown("language", language));
        }
        Ok(Filter {
            agencies: self.agency.clone().map(|a| BTreeSet::from([a])),
            service: self.service.clone(),
            channel: self.channel,
            language: self.language.clone(),
            ..Filter::default()
        })
    }
}

/// The report of `buildings` for `period`, narrowed and split as asked, computed in a turn
/// of `turns` (its cells are held only meanwhile); refused when it would hold more legs and
/// visits than `turns.cells_max`.
pub async fn report(
    pool: &Pool,
    turns: &Turns,
    buildings: &[String],
    period: Period,
    narrowed: &Narrowed,
    lang: Lang,
) -> Result<Computed, CentralError> {
    let profiles = profiles::all(pool).await?;
    let building = naming(&profiles, buildings).ok_or(CentralError::NotFound)?;
    let (filter, split) = (narrowed.filter(&building)?, narrowed.split);
    let zone: Tz = building.site.time_zone;
    let size = days::size(pool, buildings, period.previous().from, period.to).await?;
    if u64::try_from(size).unwrap_or(u64::MAX) > turns.cells_max {
        return Err(CentralError::Invalid(format!(
            "this report would hold {:.1} million legs and visits (with the period as long \
             before it), at most {:.1} million are computed at once: choose fewer buildings \
             or a shorter period",
            size as f64 / 1e6,
            turns.cells_max as f64 / 1e6
        )));
    }
    let _turn = turns.take().await;
    let cells = cells(pool, buildings, period).await?;
    tokio::task::spawn_blocking(move || {
        let source = Source {
            cells: &cells,
            missed: &[],
            staffed: &[],
        };
        let context = Context {
            building: &building,
            zone,
        };
        compute_from(source, context, period, &filter, split, lang)
    })
    .await
    .map_err(|e| CentralError::Db(DbError::Stored(e.to_string())))
}
