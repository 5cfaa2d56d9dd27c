//! The Lotse queue server: the only owner of state. See ARCHITECTURE.md for the map.

pub mod allocator;
pub mod api;
pub mod auth;
pub mod background;
pub mod central_push;
pub mod cli;
pub mod config;
pub mod demo_history;
pub mod directory;
pub mod doctor;
pub mod http;
pub mod limits;
pub mod local;
pub mod net;
pub mod premises;
pub mod service_manager;
pub mod services;
pub mod simulation;
pub mod speech;
pub mod stats;
pub mod storage;
pub mod throttle;
pub mod web;

// The pure rules live in their own crate (`queue-server/domain`, no I/O dependencies); these
// names keep their paths inside the server.
pub use lotse_domain as domain;
pub use lotse_domain::{estimate, routing, visit_order, waiting_line};

use std::future::Future;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;
use crate::http::{AppState, Clock, app};
use crate::limits::Limits;
use crate::storage::Store;

/// Serves the API on `listener` with the default [`Limits`] until `shutdown` completes; live
/// event streams end then and the server waits for open requests to finish.
pub async fn run(
    listener: TcpListener,
    store: Store,
    config: Config,
    clock: Clock,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    run_with(listener, store, config, clock, Limits::default(), shutdown).await
}

/// [`run`] within `limits`. Raises the process's open-file limit as far as allowed first and
/// keeps the connection limit below it.
pub async fn run_with(
    listener: TcpListener,
    store: Store,
    config: Config,
    clock: Clock,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    run_with_tls(listener, store, config, clock, limits, None, shutdown).await
}

/// [`run_with`], over HTTPS when `tls` is given (`net/tls.rs`).
pub async fn run_with_tls(
    listener: TcpListener,
    store: Store,
    config: Config,
    clock: Clock,
    mut limits: Limits,
    tls: Option<net::tls::ServerTls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let open_files = limits::raise_open_file_limit();
    let wanted = limits.max_connections;
    limits.max_connections = limits::connections_allowed(wanted, open_files);
    if limits.max_connections < wanted {
        tracing::warn!(
            wanted,
            allowed = limits.max_connections,
            ?open_files,
            "the open-file limit allows fewer connections"
        );
    }
    tracing::info!(?limits, ?open_files, "limits");
    let (stopping, stop_signal) = watch::channel(false);
    let state = AppState::new(store, config, clock, stop_signal, limits);
    tokio::spawn(purge_regularly(state.clone()));
    tokio::spawn(alert_regularly(state.clone()));
    if state.directory.any() {
        tokio::spawn(revalidate_regularly(state.clone()));
    }
    central_push::spawn(&state);
    net::serve_with_tls(listener, app(state), limits, tls, async move {
        shutdown.await;
        tracing::info!("shutting down");
        let _ = stopping.send(true);
    })
    .await
}

/// How often personal data of past days is looked for and deleted.
const PURGE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes personal data of past days and ended staff sessions at start and then every
/// hour, until shutdown.
async fn purge_regularly(state: AppState) {
    let mut stopping = state.shutdown.clone();
    loop {
        let (now, config) = (state.now(), state.config.clone());
        match state
            .store
            .run(move |c| services::commands::day_end::end_past_days(c, &config, now))
            .await
        {
            Ok(past) if past != Default::default() => {
                tracing::info!(?past.closed, ?past.purged, "closed and deleted personal data of past days");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot delete personal data of past days"),
        }
        match storage::fold::fold_all(&state.store, &state.config, now).await {
            Ok(folded) if folded.visits > 0 => {
                tracing::info!(
                    ?folded,
                    "folded visits past the detail period into daily statistics"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot fold past visits into daily statistics"),
        }
        let idle_since = state.limits.session_idle_since(now);
        match state
            .store
            .run(move |c| storage::accounts::delete_ended_sessions(c, now, idle_since))
            .await
        {
            Ok(0) => {}
            Ok(ended) => tracing::info!(ended, "deleted ended staff sessions"),
            Err(error) => tracing::warn!(%error, "cannot delete ended staff sessions"),
        }
        tokio::select! {
            _ = tokio::time::sleep(PURGE_INTERVAL) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
    }
}

/// How often directory accounts due for re-validation are looked for (each is due every
/// `revalidate_minutes` of the auth config).
const REVALIDATE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// Re-validates directory sessions (`directory::revalidate`) every [`REVALIDATE_INTERVAL`]
/// until shutdown.
async fn revalidate_regularly(state: AppState) {
    let mut stopping = state.shutdown.clone();
    loop {
        let auth = &state.config.auth;
        match directory::revalidate::revalidate_due(
            &state.store,
            auth,
            &state.directory,
            state.now(),
        )
        .await
        {
            Ok(done) if done != Default::default() => {
                tracing::info!(?done, "re-validated directory sessions");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot re-validate directory sessions"),
        }
        tokio::select! {
            _ = tokio::time::sleep(REVALIDATE_INTERVAL) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
    }
}

/// How often the live alerts are evaluated.
pub const ALERT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// Evaluates the live alerts every [`ALERT_INTERVAL`] until shutdown.
async fn alert_regularly(state: AppState) {
    let mut stopping = state.shutdown.clone();
    loop {
        if let Err(error) = evaluate_alerts(&state).await {
            tracing::warn!(%error, "cannot evaluate the live alerts");
        }
        tokio::select! {
            _ = tokio::time::sleep(ALERT_INTERVAL) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
    }
}

/// One evaluation of the live alerts at the state's clock: decided on a read-only
/// connection, written (raised and cleared alerts with their events) only when something
/// changes; returns the number of changes written.
pub async fn evaluate_alerts(state: &AppState) -> Result<usize, http::error::AppError> {
    let (now, config) = (state.now(), state.config.clone());
    let pending = state
        .store
        .read(move |c| services::commands::alerts::pending(c, &config, now))
        .await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let config = state.config.clone();
    let changes = state
        .store
        .run(move |c| services::commands::alerts::evaluate(c, &config, now))
        .await?;
    Ok(changes.len())
}

/// Completes on SIGTERM or ctrl-c.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
