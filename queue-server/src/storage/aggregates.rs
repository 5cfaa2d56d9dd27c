//! The daily aggregates of days past the statistics' detail period (`stats::cells`): one row
//! per day in `stat_days`, written when the day's visit rows are folded, read by every report
//! that reaches back that far. A day's cells are one postcard-encoded blob (a year is some
//! 340,000 cells; one row per cell cost a report more than all its figures). The blob holds
//! the day's ids once (`names`) and the cells refer to them by index; README ("Retention")
//! lists every field.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use lotse_protocol::Channel;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use super::StorageError;
use super::error::stored;
use crate::stats::cells::{
    Cells, Durations, LegCell, LegKey, Name, Names, Punctuality, VisitCell, VisitKey,
};

/// The version of the blob's layout, stored with it (and pushed with a day to the county's
/// central service, which decodes it with [`decode`]).
pub const FORMAT: i64 = 1;

/// One day's cells as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredDay {
    /// Every id the cells name: services, desks, languages, channels, punctualities.
    names: Vec<String>,
    legs: Vec<StoredLeg>,
    visits: Vec<StoredVisit>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredLeg {
    weekday: u8,
    hour: u8,
    service: u32,
    desk: Option<u32>,
    channel: u32,
    language: u32,
    legs: u32,
    outcomes: [u32; 6],
    wait: StoredDurations,
    walk: StoredDurations,
    service_time: StoredDurations,
    /// (local hour, seconds spent waiting in it).
    waited: SmallVec<[(u8, u32); 2]>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredVisit {
    weekday: u8,
    hour: u8,
    channel: u32,
    language: u32,
    punctuality: u32,
    score: Option<u8>,
    services: SmallVec<[u32; 2]>,
    desks: SmallVec<[u32; 2]>,
    visits: u32,
    transfers_between_agencies: u32,
    planned_between_agencies: u32,
    building_time: StoredDurations,
}

/// (seconds, count) pairs and the exact sum. (Small vectors here and above: encoded as
/// sequences like any vector, decoded without an allocation for one or two values.)
#[derive(Debug, Serialize, Deserialize)]
struct StoredDurations {
    values: SmallVec<[(u32, u32); 2]>,
    sum: u64,
}

/// Stores the cells of folded days, merged with what a day has stored already.
pub fn insert(connection: &Connection, cells: Cells) -> Result<(), StorageError> {
    let mut days: BTreeMap<NaiveDate, Cells> = BTreeMap::new();
    for cell in cells.legs {
        days.entry(cell.key.date).or_default().legs.push(cell);
    }
    for cell in cells.visits {
        days.entry(cell.key.date).or_default().visits.push(cell);
    }
    let mut names = Names::default();
    for (date, mut day) in days {
        if let Some(stored) = read_day(connection, date, &mut names)? {
            day.extend(stored);
        }
        let day = day.in_minutes();
        let visits: u32 = day.visits.iter().map(|c| c.visits).sum();
        let legs: u32 = day.legs.iter().map(|c| c.legs).sum();
        connection.execute(
            "INSERT INTO stat_days (day, format, visits, legs, cells) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (day) DO UPDATE SET format = ?2, visits = ?3, legs = ?4, cells = ?5",
            params![date.to_string(), FORMAT, visits, legs, encode(&day)?],
        )?;
    }
    Ok(())
}

/// The stored cells of the local dates `from` to `to`.
pub fn cells(
    connection: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    names: &mut Names,
) -> Result<Cells, StorageError> {
    let mut statement = connection
        .prepare_cached("SELECT day, cells FROM stat_days WHERE day >= ?1 AND day <= ?2")?;
    let mut rows = statement.query(params![from.to_string(), to.to_string()])?;
    // Parsed first, so the cells are allocated once (a year is tens of megabytes).
    let mut days = Vec::new();
    while let Some(row) = rows.next()? {
        let day: String = row.get(0)?;
        let date: NaiveDate = stored(day.clone(), "stat_days", "day", 0)?;
        let bytes = row.get_ref(1)?.as_blob().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Blob, Box::new(e))
        })?;
        days.push((date, parse(bytes, &day)?, day));
    }
    // Half the days convert on a second thread (a year is some 170,000 cells).
    let later = days.split_off(days.len() / 2);
    std::thread::scope(|scope| {
        let later = scope.spawn(|| convert_all(later, &mut Names::default()));
        let mut cells = convert_all(days, names)?;
        let later = later
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        cells.extend(later);
        Ok(cells)
    })
}

fn convert_all(
    days: Vec<(NaiveDate, StoredDay, String)>,
    names: &mut Names,
) -> Result<Cells, StorageError> {
    let mut cells = Cells::default();
    cells
        .legs
        .reserve(days.iter().map(|(_, d, _)| d.legs.len()).sum());
    cells
        .visits
        .reserve(days.iter().map(|(_, d, _)| d.visits.len()).sum());
    for (date, stored, day) in days {
        convert(date, stored, names, &day, &mut cells)?;
    }
    Ok(cells)
}

fn read_day(
    connection: &Connection,
    date: NaiveDate,
    names: &mut Names,
) -> Result<Option<Cells>, StorageError> {
    let day = date.to_string();
    let bytes: Option<Vec<u8>> = connection
        .query_row(
            "SELECT cells FROM stat_days WHERE day = ?1",
            params![day],
            |row| row.get(0),
        )
        .optional()?;
    let Some(bytes) = bytes else {
        return Ok(None);
    };
    let mut cells = Cells::default();
    convert(date, parse(&bytes, &day)?, names, &day, &mut cells)?;
    Ok(Some(cells))
}

/// A blob of [`encode`] back into the cells of `date` (the central service reads pushed days
/// with it); an index or id that does not resolve is an error naming the day.
pub fn decode(date: NaiveDate, bytes: &[u8], names: &mut Names) -> Result<Cells, StorageError> {
    let day = date.to_string();
    let mut cells = Cells::default();
    convert(date, parse(bytes, &day)?, names, &day, &mut cells)?;
    Ok(cells)
}

/// The ids of a day, each given an index once.
#[derive(Default)]
struct Table {
    names: Vec<String>,
    index: BTreeMap<String, u32>,
}

impl Table {
    fn of(&mut self, id: &str) -> u32 {
        if let Some(i) = self.index.get(id) {
            return *i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(id.to_owned());
        self.index.insert(id.to_owned(), i);
        i
    }
}

/// One day's cells as the blob stored here and pushed to the county's central service.
pub fn encode(day: &Cells) -> Result<Vec<u8>, StorageError> {
    let mut table = Table::default();
    let legs = day
        .legs
        .iter()
        .map(|cell| {
            let key = &cell.key;
            StoredLeg {
                weekday: key.weekday,
                hour: key.hour,
                service: table.of(&key.service),
                desk: key.desk.as_deref().map(|desk| table.of(desk)),
                channel: table.of(key.channel.as_str()),
                language: table.of(&key.language),
                legs: cell.legs,
                outcomes: cell.outcomes,
                wait: stored_durations(&cell.wait),
                walk: stored_durations(&cell.walk),
                service_time: stored_durations(&cell.service),
                waited: cell
                    .waited
                    .iter()
                    .map(|(hour, seconds)| (*hour, seconds.round() as u32))
                    .collect(),
            }
        })
        .collect();
    let visits = day
        .visits
        .iter()
        .map(|cell| {
            let key = &cell.key;
            StoredVisit {
                weekday: key.weekday,
                hour: key.hour,
                channel: table.of(key.channel.as_str()),
                language: table.of(&key.language),
                punctuality: table.of(key.punctuality.into()),
                score: key.score,
                services: key.services.iter().map(|s| table.of(s)).collect(),
                desks: key.desks.iter().map(|d| table.of(d)).collect(),
                visits: cell.visits,
                transfers_between_agencies: cell.transfers_between_agencies,
                planned_between_agencies: cell.planned_between_agencies,
                building_time: stored_durations(&cell.building_time),
            }
        })
        .collect();
    let day = StoredDay {
        names: table.names,
        legs,
        visits,
    };
    Ok(postcard::to_allocvec(&day)?)
}

fn stored_durations(durations: &Durations) -> StoredDurations {
    StoredDurations {
        values: durations.values.clone(),
        sum: u64::try_from(durations.sum).unwrap_or(0),
    }
}

fn durations(stored: StoredDurations) -> Durations {
    Durations {
        values: stored.values,
        sum: i64::try_from(stored.sum).unwrap_or(i64::MAX),
    }
}

/// A damaged day: an error naming it (a damaged row never reads as other figures).
fn damaged(day: &str, what: String) -> StorageError {
    StorageError::UnknownValue {
        table: "stat_days",
        column: "cells",
        row: 0,
        value: format!("{day}: {what}"),
    }
}

fn parse(bytes: &[u8], day: &str) -> Result<StoredDay, StorageError> {
    postcard::from_bytes(bytes).map_err(|e| damaged(day, e.to_string()))
}

/// A day's stored cells into `into`; an index or id that does not resolve is an error.
fn convert(
    date: NaiveDate,
    stored: StoredDay,
    names: &mut Names,
    day: &str,
    into: &mut Cells,
) -> Result<(), StorageError> {
    let damaged = |what: String| damaged(day, what);
    let StoredDay {
        names: ids,
        legs,
        visits,
    } = stored;
    let shared: Vec<Name> = ids.iter().map(|id| names.name(id)).collect();
    let name = |i: u32| -> Result<Name, StorageError> {
        shared
            .get(i as usize)
            .cloned()
            .ok_or_else(|| damaged(format!("no name {i}")))
    };
    let channels: Vec<Option<Channel>> = ids.iter().map(|n| n.parse().ok()).collect();
    let channel = |i: u32| {
        channels
            .get(i as usize)
            .copied()
            .flatten()
            .ok_or_else(|| damaged(format!("no channel {i}")))
    };
    let punctuality = |i: u32| -> Result<Punctuality, StorageError> {
        ids.get(i as usize)
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| damaged(format!("no punctuality {i}")))
    };
    let mut lists: BTreeMap<Vec<u32>, Arc<[Name]>> = BTreeMap::new();
    let mut list = |ids: &[u32]| -> Result<Arc<[Name]>, StorageError> {
        if let Some(list) = lists.get(ids) {
            return Ok(Arc::clone(list));
        }
        let list: Arc<[Name]> = ids.iter().map(|i| name(*i)).collect::<Result<_, _>>()?;
        lists.insert(ids.to_vec(), Arc::clone(&list));
        Ok(list)
    };
    for leg in legs {
        let waited = leg
            .waited
            .iter()
            .filter(|(hour, _)| *hour < 24)
            .map(|(hour, seconds)| (*hour, f64::from(*seconds)))
            .collect();
        into.legs.push(LegCell {
            key: LegKey {
                date,
                weekday: leg.weekday,
                hour: leg.hour,
                service: name(leg.service)?,
                desk: leg.desk.map(name).transpose()?,
                channel: channel(leg.channel)?,
                language: name(leg.language)?,
            },
            legs: leg.legs,
            outcomes: leg.outcomes,
            wait: durations(leg.wait),
            walk: durations(leg.walk),
            service: durations(leg.service_time),
            waited,
        });
    }
    for visit in visits {
        into.visits.push(VisitCell {
            key: VisitKey {
                date,
                weekday: visit.weekday,
                hour: visit.hour,
                channel: channel(visit.channel)?,
                language: name(visit.language)?,
                punctuality: punctuality(visit.punctuality)?,
                score: visit.score,
                services: list(&visit.services)?,
                desks: list(&visit.desks)?,
            },
            visits: visit.visits,
            transfers_between_agencies: visit.transfers_between_agencies,
            planned_between_agencies: visit.planned_between_agencies,
            building_time: durations(visit.building_time),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Store;

    #[tokio::test]
    async fn a_damaged_day_is_an_error_naming_it() {
        let store = Store::in_memory().expect("a store");
        let day = NaiveDate::from_ymd_opt(2026, 1, 5).expect("a date");
        let result = store
            .run(move |c| {
                c.execute(
                    "INSERT INTO stat_days (day, format, visits, legs, cells)
                     VALUES ('2026-01-05', 1, 1, 1, x'0501ff')",
                    [],
                )?;
                Ok::<_, crate::storage::StorageError>(cells(c, day, day, &mut Names::default()))
            })
            .await
            .expect("ran");
        let error = result.expect_err("damaged").to_string();
        assert!(error.contains("2026-01-05"), "{error}");
    }
}
