//! The central service's PostgreSQL: a connection pool (`deadpool-postgres`), the schema's
//! migrations (`migrations/*.sql`, applied once by whichever instance starts first), and one
//! file per table group. Instances keep nothing else, so several run side by side.

pub mod days;
pub mod live;
mod migrate;
pub mod parts;
pub mod profiles;
pub mod sessions;

use std::path::Path;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

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
    #[error("the database's TLS: {0}")]
    Tls(String),
}

/// How long a new connection may take (TCP, TLS, log-in) and how long a request waits for a
/// free one: a database that does not answer is an error after this, not a request that
/// hangs (and `url`'s own `connect_timeout`, when it has one, still applies).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long sent data may go unacknowledged before the connection counts as lost (a link
/// that went down), unless `url` says `tcp_user_timeout`.
const LOST_AFTER: Duration = Duration::from_secs(30);

/// A pool of at most `size` connections to the database at `url` (a libpq connection string
/// or URL, e.g. `host=/run/postgresql dbname=lotse user=lotse`). With `ca_file` every
/// connection uses TLS and checks the server's certificate against it (and its name against
/// the host in `url`); without it `url` must not ask for TLS (`sslmode=require`).
pub fn pool(url: &str, size: usize, ca_file: Option<&Path>) -> Result<Pool, DbError> {
    let mut config: tokio_postgres::Config = url.parse()?;
    if config.get_tcp_user_timeout().is_none() {
        config.tcp_user_timeout(LOST_AFTER);
    }
    let manager_config = || ManagerConfig {
        recycling_method: RecyclingMethod::Fast,
    };
    let manager = match ca_file {
        Some(ca_file) => {
            let tls = lotse_queue_server::net::tls::client_trusting(ca_file)
                .map_err(|e| DbError::Tls(format!("{e:#}")))?;
            config.ssl_mode(SslMode::Require);
            Manager::from_config(config, MakeRustlsConnect::new(tls), manager_config())
        }
        None if config.get_ssl_mode() == SslMode::Require => {
            return Err(DbError::Tls(
                "database_url asks for TLS (sslmode=require) but database_ca_file does not say \
                 which CA signed the server's certificate"
                    .into(),
            ));
        }
        None => Manager::from_config(config, NoTls, manager_config()),
    };
    Ok(Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .create_timeout(Some(CONNECT_TIMEOUT))
        .wait_timeout(Some(CONNECT_TIMEOUT))
        .recycle_timeout(Some(CONNECT_TIMEOUT))
        .build()?)
}
