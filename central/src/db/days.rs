//! Pushed days: one row per building and day holding the day's cells in the building's own
//! stored layout; a push replaces the row only with the same or a higher version, so
//! repeated pushes (at least once) change nothing and an older version never wins.

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::Pool;

use super::DbError;

/// A day as a building pushed it, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub building: String,
    pub day: NaiveDate,
    pub version: i32,
    pub format: i32,
    pub visits: i32,
    pub legs: i32,
    pub cells: Vec<u8>,
}

/// Stores `day` unless a higher version is stored; returns whether it was stored.
pub async fn upsert(pool: &Pool, day: &Day, now: DateTime<Utc>) -> Result<bool, DbError> {
    let client = pool.get().await?;
    let changed = client
        .execute(
            "INSERT INTO stat_days (building, day, version, format, visits, legs, cells, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (building, day) DO UPDATE SET version = EXCLUDED.version,
                 format = EXCLUDED.format, visits = EXCLUDED.visits, legs = EXCLUDED.legs,
                 cells = EXCLUDED.cells, received_at = EXCLUDED.received_at
             WHERE stat_days.version <= EXCLUDED.version",
            &[
                &day.building,
                &day.day,
                &day.version,
                &day.format,
                &day.visits,
                &day.legs,
                &day.cells,
                &now,
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// The stored days of `buildings` from `from` to `to` (inclusive), each as (building, day,
/// format, cells).
pub async fn read(
    pool: &Pool,
    buildings: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, NaiveDate, i32, Vec<u8>)>, DbError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT building, day, format, cells FROM stat_days
             WHERE building = ANY($1) AND day >= $2 AND day <= $3 ORDER BY building, day",
            &[&buildings, &from, &to],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3)))
        .collect())
}

/// A stored day without its cells: what decides whether a kept report part is still right.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub building: String,
    pub day: NaiveDate,
    pub version: i32,
    pub received_at: DateTime<Utc>,
    /// Legs and visits, as the building counted them.
    pub size: i64,
}

/// The stored days of `buildings` from `from` to `to` (inclusive), without their cells, in
/// order of building and day.
pub async fn listing(
    pool: &Pool,
    buildings: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Listed>, DbError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT building, day, version, received_at, (legs + visits)::BIGINT FROM stat_days
             WHERE building = ANY($1) AND day >= $2 AND day <= $3 ORDER BY building, day",
            &[&buildings, &from, &to],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| Listed {
            building: row.get(0),
            day: row.get(1),
            version: row.get(2),
            received_at: row.get(3),
            size: row.get(4),
        })
        .collect())
}

/// The buildings and dates of the days stored or replaced since `since`.
pub async fn received_since(
    pool: &Pool,
    since: DateTime<Utc>,
) -> Result<Vec<(String, NaiveDate)>, DbError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT building, day FROM stat_days WHERE received_at >= $1 ORDER BY building, day",
            &[&since],
        )
        .await?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}

/// The dates of every stored day of `building`.
pub async fn stored(pool: &Pool, building: &str) -> Result<Vec<NaiveDate>, DbError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT day FROM stat_days WHERE building = $1 ORDER BY day",
            &[&building],
        )
        .await?;
    Ok(rows.iter().map(|row| row.get(0)).collect())
}

/// How many legs and visits the stored days of `buildings` from `from` to `to` (inclusive)
/// hold, as the buildings counted them (their cells are at most as many).
pub async fn size(
    pool: &Pool,
    buildings: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, DbError> {
    let client = pool.get().await?;
    let row = client
        .query_one(
            "SELECT COALESCE(SUM(legs + visits), 0)::BIGINT FROM stat_days
             WHERE building = ANY($1) AND day >= $2 AND day <= $3",
            &[&buildings, &from, &to],
        )
        .await?;
    Ok(row.get(0))
}

/// Per building: days stored, visits in them, the newest day and when the last day arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Holding {
    pub building: String,
    pub days: i64,
    pub visits: i64,
    pub newest_day: Option<NaiveDate>,
    pub last_received: Option<DateTime<Utc>>,
}

pub async fn holdings(pool: &Pool) -> Result<Vec<Holding>, DbError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT building, COUNT(*), COALESCE(SUM(visits), 0)::BIGINT, MAX(day), MAX(received_at)
             FROM stat_days GROUP BY building ORDER BY building",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| Holding {
            building: row.get(0),
            days: row.get(1),
            visits: row.get(2),
            newest_day: row.get(3),
            last_received: row.get(4),
        })
        .collect())
}
