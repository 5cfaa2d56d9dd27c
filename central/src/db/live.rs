//! The latest live summary of each building (a push replaces the previous one; one taken
//! earlier than the stored one is ignored, so a late retry never turns the clock back).

use chrono::{DateTime, Utc};
use deadpool_postgres::Pool;
use lotse_protocol::central::LiveSummary;

use super::DbError;

pub async fn upsert(
    pool: &Pool,
    building: &str,
    summary: &LiveSummary,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let client = pool.get().await?;
    let json = serde_json::to_value(summary).map_err(|e| DbError::Stored(e.to_string()))?;
    let changed = client
        .execute(
            "INSERT INTO live_summaries (building, summary, taken_at, received_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (building) DO UPDATE SET summary = EXCLUDED.summary,
                 taken_at = EXCLUDED.taken_at, received_at = EXCLUDED.received_at
             WHERE live_summaries.taken_at <= EXCLUDED.taken_at",
            &[&building, &json, &summary.at, &now],
        )
        .await?;
    Ok(changed == 1)
}

/// Each building's latest summary and when it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Latest {
    pub building: String,
    pub summary: LiveSummary,
    pub received_at: DateTime<Utc>,
}

pub async fn latest(pool: &Pool) -> Result<Vec<Latest>, DbError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT building, summary, received_at FROM live_summaries ORDER BY building",
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let summary: serde_json::Value = row.get(1);
            Ok(Latest {
                building: row.get(0),
                summary: serde_json::from_value(summary)
                    .map_err(|e| DbError::Stored(e.to_string()))?,
                received_at: row.get(2),
            })
        })
        .collect()
}
