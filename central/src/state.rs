//! What every handler shares: the pool, the configuration and the clock. Nothing else: an
//! instance keeps no state of its own, so several serve the same database.

use std::sync::Arc;

use deadpool_postgres::Pool;
use lotse_queue_server::http::Clock;

use crate::config::CentralConfig;

#[derive(Clone)]
pub struct CentralState {
    pub pool: Pool,
    pub config: Arc<CentralConfig>,
    pub clock: Clock,
}

impl CentralState {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        (self.clock)()
    }
}
