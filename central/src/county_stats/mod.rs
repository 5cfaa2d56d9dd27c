//! County statistics: the cells the buildings pushed, decoded with the building's own stored
//! layout and tallied by the building's own report code (`lotse_queue_server::stats`), each
//! building with its own profile, and the tallies added up: for one building, several, or
//! the county total. The centre has no leg rows, missed
//! appointments or desk shifts: figures from those (the leg export, missed appointments,
//! desk utilisation) stay in each building.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use deadpool_postgres::Pool;
use futures::StreamExt;
use lotse_protocol::{Building, Channel};
use lotse_queue_server::stats::cells::Names;
use lotse_queue_server::stats::load::Computed;
use lotse_queue_server::stats::report::Context;
use lotse_queue_server::stats::tables::Lang;
use lotse_queue_server::stats::tally::{Tally, tally};
use lotse_queue_server::stats::{Cells, Dimension, Filter, Period};
use lotse_queue_server::storage::aggregates;

use crate::db::parts::{self, Key};
use crate::db::{DbError, days, profiles};
use crate::error::CentralError;
use crate::turns::Turns;

pub mod spans;
mod sums;

use spans::{Of, Span};
use sums::Sums;

/// The cells of stored days, each as (building, day, format, cells), decoded with the
/// building's stored layout.
pub fn decode(rows: Vec<(String, NaiveDate, i32, Vec<u8>)>) -> Result<Cells, DbError> {
    let mut names = Names::default();
    let mut cells = Cells::default();
    for (building, day, format, bytes) in rows {
        if i64::from(format) != aggregates::FORMAT {
            return Err(DbError::Stored(format!(
                "{building} {day}: cells format {format} unknown"
            )));
        }
        let decoded = aggregates::decode(day, &bytes, &mut names)
            .map_err(|e| DbError::Stored(format!("{building}: {e}")))?;
        cells.extend(decoded);
    }
    Ok(cells)
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
    /// Whether nothing is narrowed (only split): the reports whose parts are kept.
    pub fn is_everything(&self) -> bool {
        self.agency.is_none()
            && self.service.is_none()
            && self.channel.is_none()
            && self.language.is_none()
    }

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

/// The report of `buildings` for `period`, narrowed and split as asked (`reports`).
pub async fn report(
    pool: &Pool,
    turns: &Turns,
    buildings: &[String],
    period: Period,
    narrowed: &Narrowed,
    lang: Lang,
) -> Result<Computed, CentralError> {
    let asked = Asked {
        buildings,
        period,
        narrowed,
        lang,
    };
    Ok(reports(pool, turns, asked, false).await?.0)
}

/// What a county report is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    pub buildings: &'a [String],
    pub period: Period,
    pub narrowed: &'a Narrowed,
    pub lang: Lang,
}

/// The report of the asked buildings together and, with `each`, each one's own (those with a
/// profile, in their order), from the same tallies: each building's tally with its own
/// profile, added up (`spans.rs`, `sums.rs`). Unnarrowed, a building's tallies of whole
/// months and single days are kept (`db::parts`) and used while their days are unchanged.
/// Computed in a turn of `turns`; refused when the days still to compute would have more
/// legs and visits than `turns.cells_max`.
pub async fn reports(
    pool: &Pool,
    turns: &Turns,
    asked: Asked<'_>,
    each: bool,
) -> Result<(Computed, Vec<(String, Computed)>), CentralError> {
    let Asked {
        buildings,
        period,
        narrowed,
        lang,
    } = asked;
    let profiles = profiles::all(pool).await?;
    let naming = naming(&profiles, buildings).ok_or(CentralError::NotFound)?;
    let (filter, split) = (narrowed.filter(&naming)?, narrowed.split);
    let query = narrowed.is_everything().then(|| <&str>::from(split));
    let listing = days::listing(pool, buildings, period.previous().from, period.to).await?;
    let spans = spans::plan(&listing, period, query.is_some(), |id| {
        profiles
            .get(id)
            .and_then(|p| serde_json::to_string(p).ok())
            .unwrap_or_default()
    });
    let kept = match query {
        Some(query) => {
            let keys: Vec<Key> = spans.iter().map(Span::key).collect();
            parts::bases(pool, query, &keys).await?
        }
        None => HashMap::new(),
    };
    // A building without a profile is named by the others in the report: not kept.
    let (fresh, stale): (Vec<&Span>, Vec<&Span>) = spans.iter().partition(|span| {
        kept.get(&span.key()) == Some(&span.basis) && profiles.contains_key(&span.building)
    });
    let size: i64 = stale.iter().map(|span| span.size).sum();
    if u64::try_from(size).unwrap_or(u64::MAX) > turns.cells_max {
        return Err(CentralError::Invalid(format!(
            "this report would have to compute {} legs and visits (with the period as long \
             before it), at most {} are computed at once: choose fewer buildings or a shorter \
             period",
            in_words(u64::try_from(size).unwrap_or(u64::MAX)),
            in_words(turns.cells_max)
        )));
    }
    let _turn = turns.take().await;
    let (mut sums, added) = match query {
        Some(query) if !fresh.is_empty() => {
            read_kept(pool, query, &fresh, Sums::new(split)).await?
        }
        _ => (Sums::new(split), HashSet::new()),
    };
    // A kept part replaced, removed or unreadable since its basis was read above is
    // computed here.
    let missing = fresh
        .into_iter()
        .filter(|span| !added.contains(&span.key()));
    let to_compute: Vec<Span> = stale.into_iter().chain(missing).cloned().collect();
    // Two spans at a time: one's days are read while the other's are tallied.
    let mut computing = futures::stream::iter(to_compute)
        .map(|span| {
            let (building, query) = match profiles.get(&span.building) {
                Some(building) => (building, query),
                None => (&naming, None),
            };
            compute_span(pool, span, building, &filter, split, query)
        })
        .buffer_unordered(SPANS_AT_ONCE);
    while let Some(computed) = computing.next().await {
        let (building, of, tally) = computed?;
        sums.add(&building, of, &tally);
    }
    drop(computing);
    // The figures and tables (sorting every duration) on the blocking threads.
    let buildings = if each { buildings.to_vec() } else { Vec::new() };
    blocking(move || {
        let context = Context {
            building: &naming,
            zone: naming.site.time_zone,
        };
        let total = sums.total(context, period, &filter, lang);
        Ok((
            total,
            sums.each(&buildings, &profiles, period, &filter, lang),
        ))
    })
    .await
}

/// Adds the kept parts of `query` for `fresh` spans to `sums`; returns which were added (a
/// part replaced since its basis was read, or unreadable, is not).
async fn read_kept(
    pool: &Pool,
    query: &str,
    fresh: &[&Span],
    sums: Sums,
) -> Result<(Sums, HashSet<Key>), CentralError> {
    let keys: Vec<Key> = fresh.iter().map(|span| span.key()).collect();
    let expected: HashMap<Key, (Of, &str)> = fresh
        .iter()
        .map(|span| (span.key(), (span.of, span.basis.as_str())))
        .collect();
    let mut read = Vec::with_capacity(fresh.len());
    for (key, basis, bytes) in parts::read(pool, query, &keys).await? {
        if let Some((of, wanted)) = expected.get(&key)
            && *wanted == basis
        {
            read.push((key, *of, bytes));
        }
    }
    blocking(move || Ok(add_kept(sums, read))).await
}

/// The split whose parts are kept ahead of requests (`keeper.rs`): the statistics page's
/// default.
pub const KEPT_AHEAD: Dimension = Dimension::Service;

/// Computes and keeps the parts of `building` that a report split by `KEPT_AHEAD` would use
/// for `days`: each day, and each month of them that ended before `today`; those whose basis
/// holds are left. Returns how many were computed; none for a building without a profile.
pub async fn keep(
    pool: &Pool,
    building: &str,
    days: &BTreeSet<NaiveDate>,
    today: NaiveDate,
) -> Result<usize, CentralError> {
    let ranges = spans::to_keep(days, today);
    let (Some(from), Some(to)) = (
        ranges.iter().map(|(first, _)| *first).min(),
        ranges.iter().map(|(_, last)| *last).max(),
    ) else {
        return Ok(0);
    };
    let Some(profile) = profiles::all(pool).await?.remove(building) else {
        return Ok(0);
    };
    let ids = [building.to_owned()];
    let listing = days::listing(pool, &ids, from, to).await?;
    let text = serde_json::to_string(&profile).unwrap_or_default();
    let spans = spans::of_ranges(&listing, &ranges, &text);
    let query = <&str>::from(KEPT_AHEAD);
    let keys: Vec<Key> = spans.iter().map(Span::key).collect();
    let kept = parts::bases(pool, query, &keys).await?;
    let mut computed = 0;
    for span in spans {
        if kept.get(&span.key()) != Some(&span.basis) {
            let filter = Filter::default();
            compute_span(pool, span, &profile, &filter, KEPT_AHEAD, Some(query)).await?;
            computed += 1;
        }
    }
    Ok(computed)
}

/// Spans computed at once: a report takes both cores of a small server.
const SPANS_AT_ONCE: usize = 2;

/// The tally of `span`'s days of `building` (its profile), kept when `query` says so.
async fn compute_span(
    pool: &Pool,
    span: Span,
    building: &Building,
    filter: &Filter,
    split: Dimension,
    query: Option<&str>,
) -> Result<(String, Of, Tally), CentralError> {
    let building_id = std::slice::from_ref(&span.building);
    let rows = days::read(pool, building_id, span.first, span.last).await?;
    let range = Period {
        from: span.first,
        to: span.last,
    };
    let (building, filter) = (building.clone(), filter.clone());
    let tally = blocking(move || {
        let cells = decode(rows)?;
        let context = Context {
            building: &building,
            zone: building.site.time_zone,
        };
        Ok(tally(&cells, &[], context, range, &filter, split))
    })
    .await?;
    if let Some(query) = query {
        let bytes = postcard::to_allocvec(&tally)
            .map_err(|e| DbError::Stored(format!("a report part: {e}")))?;
        parts::store(pool, &span.key(), query, &span.basis, &bytes).await?;
    }
    Ok((span.building, span.of, tally))
}

/// Decodes kept parts and adds them to `sums`, on two threads (a year of 50 buildings reads
/// about 1,600 parts, 32 MB); returns which were added (one that does not decode is not).
fn add_kept(sums: Sums, read: Vec<(Key, Of, Vec<u8>)>) -> (Sums, HashSet<Key>) {
    let add = |mut sums: Sums, read: &[(Key, Of, Vec<u8>)]| {
        let mut added = HashSet::new();
        for (key, of, bytes) in read {
            if let Ok(tally) = postcard::from_bytes::<Tally>(bytes) {
                sums.add(&key.0, *of, &tally);
                added.insert(key.clone());
            }
        }
        (sums, added)
    };
    let split = sums.split_by();
    let (first, second) = read.split_at(read.len() / 2);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| add(Sums::new(split), second));
        let (mut sums, mut added) = add(sums, first);
        let (theirs, their_added) = other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        sums.merge(theirs);
        added.extend(their_added);
        (sums, added)
    })
}

/// A count as a reader takes it in: "8.2 million", or the number itself below 100,000.
fn in_words(count: u64) -> String {
    if count >= 100_000 {
        format!("{:.1} million", count as f64 / 1e6)
    } else {
        count.to_string()
    }
}

/// Runs `work` on the blocking threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, DbError> + Send + 'static,
) -> Result<T, CentralError> {
    Ok(tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DbError::Stored(e.to_string()))??)
}
