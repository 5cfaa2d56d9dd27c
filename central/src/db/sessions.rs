//! Central staff sessions, in the database so that every instance knows them: the hash of
//! the cookie's secret, the account, the CSRF token, and the last activity (idle timeout).

use chrono::{DateTime, Utc};
use deadpool_postgres::Pool;

use super::DbError;

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub account: String,
    pub csrf_token: String,
}

pub async fn create(
    pool: &Pool,
    token_hash: &str,
    account: &str,
    csrf_token: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    pool.get()
        .await?
        .execute(
            "INSERT INTO sessions (token_hash, account, csrf_token, created_at, last_seen)
             VALUES ($1, $2, $3, $4, $4)",
            &[&token_hash, &account, &csrf_token, &now],
        )
        .await?;
    Ok(())
}

/// The session of `token_hash` if it was active after `idle_since` and began after
/// `started_after`; its last activity becomes `now`. An ended one is deleted.
pub async fn touch(
    pool: &Pool,
    token_hash: &str,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
    started_after: DateTime<Utc>,
) -> Result<Option<Session>, DbError> {
    let client = pool.get().await?;
    client
        .execute(
            "DELETE FROM sessions WHERE token_hash = $1 AND (last_seen <= $2 OR created_at <= $3)",
            &[&token_hash, &idle_since, &started_after],
        )
        .await?;
    let row = client
        .query_opt(
            "UPDATE sessions SET last_seen = $2 WHERE token_hash = $1
             RETURNING account, csrf_token",
            &[&token_hash, &now],
        )
        .await?;
    Ok(row.map(|row| Session {
        account: row.get(0),
        csrf_token: row.get(1),
    }))
}

pub async fn delete(pool: &Pool, token_hash: &str) -> Result<(), DbError> {
    pool.get()
        .await?
        .execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])
        .await?;
    Ok(())
}
