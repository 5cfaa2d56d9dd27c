//! The central service's PostgreSQL: a connection pool (`deadpool-postgres`), the schema's
//! migrations (`migrations/*.sql`, applied once by whichever instance starts first), and one
//! file per table group. Instances keep nothing else, so several run side by side.

pub mod days;
pub mod live;
mod migrate;
pub mod profiles;
pub mod sessions;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

pub use migrate::migrate;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("no database connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("cannot build the connection pool: {0}")]
    Build(#[from] deadpool_postgres::BuildError),
    #[error("a stored value does not read back: {0}")]
    Stored(String),
}

/// A pool of at most `size` connections to the database at `url` (a libpq connection string
/// or URL, e.g. `host=/run/postgresql dbname=lotse user=lotse`).
pub fn pool(url: &str, size: usize) -> Result<Pool, DbError> {
    let config: tokio_postgres::Config = url.parse()?;
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Ok(Pool::builder(manager).max_size(size).build()?)
}
