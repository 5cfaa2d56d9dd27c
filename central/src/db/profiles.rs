//! Each building's public profile (its `GET /config`: services, agencies, languages, time
//! zone), which names what its cells refer to by id.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use deadpool_postgres::Pool;
use lotse_protocol::Building;

use super::DbError;

pub async fn upsert(
    pool: &Pool,
    building: &str,
    profile: &Building,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let client = pool.get().await?;
    let json = serde_json::to_value(profile).map_err(|e| DbError::Stored(e.to_string()))?;
    client
        .execute(
            "INSERT INTO profiles (building, profile, received_at) VALUES ($1, $2, $3)
             ON CONFLICT (building) DO UPDATE SET profile = EXCLUDED.profile,
                 received_at = EXCLUDED.received_at",
            &[&building, &json, &now],
        )
        .await?;
    Ok(())
}

/// The profiles of all buildings that sent one, by building id.
pub async fn all(pool: &Pool) -> Result<BTreeMap<String, Building>, DbError> {
    let client = pool.get().await?;
    let rows = client
        .query("SELECT building, profile FROM profiles", &[])
        .await?;
    rows.iter()
        .map(|row| {
            let json: serde_json::Value = row.get(1);
            let profile =
                serde_json::from_value(json).map_err(|e| DbError::Stored(e.to_string()))?;
            Ok((row.get(0), profile))
        })
        .collect()
}
