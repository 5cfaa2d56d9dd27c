//! Kept report parts: one building's tally (`lotse_domain::stats::tally`) of a whole month
//! or a single day for one query, with the basis it was computed from
//! (`county_stats::spans`). Stored as it was computed; used only while the basis holds.

use std::collections::HashMap;

use chrono::NaiveDate;
use deadpool_postgres::Pool;

use super::DbError;

/// The stored tally's layout (postcard of `Tally`); part of every basis, so that parts of
/// another layout are computed again rather than misread.
pub const FORMAT: &str = "tally-postcard-1";

/// A part's place: the building, its first and last day.
pub type Key = (String, NaiveDate, NaiveDate);

/// The bases of the kept parts of `query` among `keys`.
pub async fn bases(
    pool: &Pool,
    query: &str,
    keys: &[Key],
) -> Result<HashMap<Key, String>, DbError> {
    let rows = select(pool, "p.basis", query, keys).await?;
    Ok(rows
        .iter()
        .map(|row| ((row.get(0), row.get(1), row.get(2)), row.get(3)))
        .collect())
}

/// The kept parts of `query` among `keys`: each with its basis and stored tally.
pub async fn read(
    pool: &Pool,
    query: &str,
    keys: &[Key],
) -> Result<Vec<(Key, String, Vec<u8>)>, DbError> {
    let rows = select(pool, "p.basis, p.tally", query, keys).await?;
    Ok(rows
        .iter()
        .map(|row| ((row.get(0), row.get(1), row.get(2)), row.get(3), row.get(4)))
        .collect())
}

async fn select(
    pool: &Pool,
    columns: &str,
    query: &str,
    keys: &[Key],
) -> Result<Vec<tokio_postgres::Row>, DbError> {
    let buildings: Vec<&str> = keys.iter().map(|(b, _, _)| b.as_str()).collect();
    let firsts: Vec<NaiveDate> = keys.iter().map(|(_, first, _)| *first).collect();
    let lasts: Vec<NaiveDate> = keys.iter().map(|(_, _, last)| *last).collect();
    let client = pool.get().await?;
    Ok(client
        .query(
            &format!(
                "SELECT p.building, p.first_day, p.last_day, {columns}
                 FROM report_parts p
                 JOIN unnest($1::text[], $2::date[], $3::date[]) AS k(building, first_day, last_day)
                     ON p.building = k.building AND p.first_day = k.first_day
                         AND p.last_day = k.last_day
                 WHERE p.query = $4"
            ),
            &[&buildings, &firsts, &lasts, &query],
        )
        .await?)
}

/// Keeps a part, replacing one of the same place.
pub async fn store(
    pool: &Pool,
    (building, first, last): &Key,
    query: &str,
    basis: &str,
    tally: &[u8],
) -> Result<(), DbError> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO report_parts (building, first_day, last_day, query, basis, tally)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (building, query, first_day, last_day)
             DO UPDATE SET basis = EXCLUDED.basis, tally = EXCLUDED.tally",
            &[building, first, last, &query, &basis, &tally],
        )
        .await?;
    Ok(())
}
