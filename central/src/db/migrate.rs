//! The schema's migrations: the files of `migrations/`, in order, each applied once in one
//! transaction under an advisory lock, so two instances starting at once do not both apply
//! one. (A dozen lines; a migration crate would add a second driver or a macro for it.)

use deadpool_postgres::Pool;

use super::DbError;

/// The migrations, in order; the version of each is its place in this list (1-based).
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_initial.sql"),
    include_str!("../../migrations/0002_report_parts.sql"),
];

/// The lock key of migrations ("lotse" in ASCII).
const LOCK: i64 = 0x006c_6f74_7365;

/// Brings the database to the newest schema; returns how many migrations it applied.
pub async fn migrate(pool: &Pool) -> Result<usize, DbError> {
    let mut client = pool.get().await?;
    let transaction = client.transaction().await?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])
        .await?;
    transaction
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await?;
    let applied: i32 = transaction
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await?
        .get(0);
    let mut count = 0;
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = i32::try_from(index + 1).unwrap_or(i32::MAX);
        if version <= applied {
            continue;
        }
        transaction.batch_execute(sql).await?;
        transaction
            .execute(
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                &[&version],
            )
            .await?;
        count += 1;
    }
    transaction.commit().await?;
    Ok(count)
}
