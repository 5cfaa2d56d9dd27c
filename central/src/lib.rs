//! The county's central service (README "Several buildings"): buildings push their closed
//! days' statistics cells, live summaries and public profiles; county staff read the county
//! statistics and the live overview. Stateless over PostgreSQL (`db/`): several instances can
//! serve one database behind a load balancer. The HTTP side reuses the building server's
//! accept loop and TLS (`lotse_queue_server::net`) and its statistics (`stats`).

pub mod building_token;
pub mod config;
pub mod county_stats;
pub mod db;
pub mod error;
pub mod ingest;
pub mod keeper;
pub mod metrics;
pub mod pages;
pub mod state;
pub mod turns;

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, put};
use lotse_queue_server::http::Clock;
use lotse_queue_server::limits::Limits;
use lotse_queue_server::net;
use tokio::net::TcpListener;

pub use config::CentralConfig;
pub use state::CentralState;

/// The routes of the central service.
pub fn app(state: CentralState) -> Router {
    let ingest = Router::new()
        .route(
            "/api/v1/buildings/{building}/days/{day}",
            put(ingest::put_day),
        )
        .route("/api/v1/buildings/{building}/live", put(ingest::put_live))
        .route(
            "/api/v1/buildings/{building}/profile",
            put(ingest::put_profile),
        )
        .layer(DefaultBodyLimit::max(ingest::MAX_PUSH_BYTES));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics::metrics))
        .merge(ingest)
        .merge(pages::routes())
        .layer(axum::middleware::map_response(
            lotse_queue_server::http::security_headers::add,
        ))
        .with_state(state)
}

/// Connects to the database, brings its schema up to date, and serves on `listener` (over
/// HTTPS when `tls` is given) until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    config: CentralConfig,
    clock: Clock,
    tls: Option<net::tls::ServerTls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    use anyhow::Context;
    let pool = db::pool(
        &config.database_url,
        config.pool_size,
        config.database_ca_file.as_deref(),
    )?;
    let applied = db::migrate(&pool)
        .await
        .context("cannot bring the central database's schema up to date")?;
    if applied > 0 {
        tracing::info!(applied, "migrated the central database");
    }
    let state = CentralState::new(pool, config, clock);
    let (keeper, pool, clock) = (
        state.keeper.clone(),
        state.pool.clone(),
        state.clock.clone(),
    );
    let zone = state.config.time_zone;
    let keeping = tokio::spawn(async move { keeper.run(pool, clock, zone).await });
    let served = net::serve_with_tls(listener, app(state), Limits::default(), tls, shutdown).await;
    keeping.abort();
    served?;
    Ok(())
}
