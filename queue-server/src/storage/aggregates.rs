//! The daily aggregates of days past the retention period (`stats::cells`): written once when
//! a day's leg rows are folded, read by every report that reaches back that far.
//! Durations are blobs of (seconds, count) pairs; ids lists are space-separated (ids have no
//! spaces).

use chrono::NaiveDate;
use rusqlite::{Connection, Row, params};

use super::StorageError;
use super::error::stored;
use crate::stats::cells::{Cells, Durations, LegCell, LegKey, VisitCell, VisitKey};

/// The outcome columns of `stat_leg_cells`, in the order of `stats::figures::Outcome`.
pub const OUTCOME_COLUMNS: [&str; 6] = [
    "served",
    "no_show",
    "walk_out",
    "transferred",
    "parked",
    "open",
];

/// Stores the cells of folded days.
pub fn insert(connection: &Connection, cells: &Cells) -> Result<(), StorageError> {
    let mut legs = connection.prepare_cached(
        "INSERT INTO stat_leg_cells (day, weekday, hour, service, desk, channel, language, legs,
             served, no_show, walk_out, transferred, parked, open,
             wait, wait_sum, walk, walk_sum, service_time, service_sum, waited)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                 ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    )?;
    for cell in &cells.legs {
        let key = &cell.key;
        let o = cell.outcomes;
        legs.execute(params![
            key.date.to_string(),
            key.weekday,
            key.hour,
            key.service,
            key.desk,
            key.channel.as_str(),
            key.language,
            cell.legs,
            o[0],
            o[1],
            o[2],
            o[3],
            o[4],
            o[5],
            encode(&cell.wait.values),
            cell.wait.sum,
            encode(&cell.walk.values),
            cell.walk.sum,
            encode(&cell.service.values),
            cell.service.sum,
            encode(&waited_pairs(&cell.waited)),
        ])?;
    }
    let mut visits = connection.prepare_cached(
        "INSERT INTO stat_visit_cells (day, weekday, hour, channel, language, punctuality,
             score, services, desks, visits, transfers_between_agencies,
             planned_between_agencies, building_time, building_time_sum)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for cell in &cells.visits {
        let key = &cell.key;
        let punctuality: &str = key.punctuality.into();
        visits.execute(params![
            key.date.to_string(),
            key.weekday,
            key.hour,
            key.channel.as_str(),
            key.language,
            punctuality,
            key.score,
            key.services.join(" "),
            key.desks.join(" "),
            cell.visits,
            cell.transfers_between_agencies,
            cell.planned_between_agencies,
            encode(&cell.building_time.values),
            cell.building_time.sum,
        ])?;
    }
    Ok(())
}

/// The stored cells of the local dates `from` to `to`.
pub fn cells(
    connection: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Cells, StorageError> {
    let range = params![from.to_string(), to.to_string()];
    let mut statement = connection.prepare_cached(
        "SELECT rowid, day, weekday, hour, service, desk, channel, language, legs,
                served, no_show, walk_out, transferred, parked, open,
                wait, wait_sum, walk, walk_sum, service_time, service_sum, waited
         FROM stat_leg_cells WHERE day >= ?1 AND day <= ?2",
    )?;
    let mut cells = Cells::default();
    let mut rows = statement.query(range)?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let channel: String = row.get(6)?;
        cells.legs.push(LegCell {
            key: LegKey {
                date: stored(row.get(1)?, "stat_leg_cells", "day", id)?,
                weekday: row.get(2)?,
                hour: row.get(3)?,
                service: row.get(4)?,
                desk: row.get(5)?,
                channel: stored(channel, "stat_leg_cells", "channel", id)?,
                language: row.get(7)?,
            },
            legs: row.get(8)?,
            outcomes: [
                row.get(9)?,
                row.get(10)?,
                row.get(11)?,
                row.get(12)?,
                row.get(13)?,
                row.get(14)?,
            ],
            wait: durations(row, 15)?,
            walk: durations(row, 17)?,
            service: durations(row, 19)?,
            waited: waited(&decode(&row.get::<_, Vec<u8>>(21)?)),
        });
    }
    let mut statement = connection.prepare_cached(
        "SELECT rowid, day, weekday, hour, channel, language, punctuality, score, services,
                desks, visits, transfers_between_agencies, planned_between_agencies,
                building_time, building_time_sum
         FROM stat_visit_cells WHERE day >= ?1 AND day <= ?2",
    )?;
    let mut rows = statement.query(range)?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let channel: String = row.get(4)?;
        let punctuality: String = row.get(6)?;
        cells.visits.push(VisitCell {
            key: VisitKey {
                date: stored(row.get(1)?, "stat_visit_cells", "day", id)?,
                weekday: row.get(2)?,
                hour: row.get(3)?,
                channel: stored(channel, "stat_visit_cells", "channel", id)?,
                language: row.get(5)?,
                punctuality: stored(punctuality, "stat_visit_cells", "punctuality", id)?,
                score: row.get(7)?,
                services: ids(&row.get::<_, String>(8)?),
                desks: ids(&row.get::<_, String>(9)?),
            },
            visits: row.get(10)?,
            transfers_between_agencies: row.get(11)?,
            planned_between_agencies: row.get(12)?,
            building_time: durations(row, 13)?,
        });
    }
    Ok(cells)
}

fn durations(row: &Row<'_>, index: usize) -> Result<Durations, StorageError> {
    Ok(Durations {
        values: decode(&row.get::<_, Vec<u8>>(index)?),
        sum: row.get(index + 1)?,
    })
}

fn ids(list: &str) -> Vec<String> {
    list.split_whitespace().map(str::to_owned).collect()
}

/// Seconds waited per hour as (hour, whole seconds) pairs, hours without any left out.
fn waited_pairs(waited: &[f64; 24]) -> Vec<(i64, u32)> {
    (0..24)
        .filter(|h| waited[*h] > 0.0)
        .map(|h| (h as i64, waited[h].round() as u32))
        .collect()
}

fn waited(pairs: &[(i64, u32)]) -> [f64; 24] {
    let mut waited = [0.0; 24];
    for (hour, seconds) in pairs {
        if let Some(slot) = usize::try_from(*hour).ok().and_then(|h| waited.get_mut(h)) {
            *slot += f64::from(*seconds);
        }
    }
    waited
}

/// (value, count) pairs as 12 bytes each, little-endian.
fn encode(pairs: &[(i64, u32)]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(pairs.len() * 12);
    for (value, count) in pairs {
        bytes.extend_from_slice(&value.to_le_bytes());
        bytes.extend_from_slice(&count.to_le_bytes());
    }
    bytes
}

fn decode(bytes: &[u8]) -> Vec<(i64, u32)> {
    bytes
        .chunks_exact(12)
        .map(|pair| {
            let (value, count) = pair.split_at(8);
            (
                i64::from_le_bytes(value.try_into().unwrap_or_default()),
                u32::from_le_bytes(count.try_into().unwrap_or_default()),
            )
        })
        .collect()
}
