//! What every handler shares: the pool, the configuration and the clock. Nothing else (but a login
//! throttle, report turns and the days to keep ahead): an instance keeps no state of its own
//! that another needs, so several serve the same database.

use std::sync::Arc;

use deadpool_postgres::Pool;
use lotse_queue_server::auth::PasswordChecks;
use lotse_queue_server::http::Clock;
use lotse_queue_server::throttle::FailureWindow;

use crate::config::CentralConfig;
use crate::keeper::Keeper;
use crate::turns::Turns;

#[derive(Clone)]
pub struct CentralState {
    pub pool: Pool,
    pub config: Arc<CentralConfig>,
    pub clock: Clock,
    /// Password checks, bounded as in a building server.
    pub passwords: Arc<PasswordChecks>,
    /// Failed logins per account name (this instance's count).
    pub logins: Arc<FailureWindow>,
    /// County reports computed at once (this instance's).
    pub reports: Arc<Turns>,
    /// Pushed days whose report parts are to be kept ahead (this instance's).
    pub keeper: Arc<Keeper>,
}

/// Failed logins an account name may have per minute.
pub const LOGIN_FAILURES_PER_MINUTE: usize = 5;

impl CentralState {
    pub fn new(pool: Pool, config: CentralConfig, clock: Clock) -> CentralState {
        CentralState {
            pool,
            reports: Arc::new(Turns::new(config.reports_at_once, config.report_cells_max)),
            keeper: Arc::new(Keeper::default()),
            config: Arc::new(config),
            clock,
            passwords: Arc::new(PasswordChecks::per_core()),
            logins: Arc::new(FailureWindow::new(
                LOGIN_FAILURES_PER_MINUTE,
                chrono::Duration::minutes(1),
            )),
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        (self.clock)()
    }
}
