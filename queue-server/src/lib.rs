//! The Lotse queue server: the only owner of state. See ARCHITECTURE.md for the map.

pub mod api;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod error;
pub mod estimate;
pub mod local;
pub mod routing;
pub mod storage;
pub mod throttle;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::api::{AppState, Clock, app};
use crate::auth::PasswordChecks;
use crate::config::Config;
use crate::storage::Store;

/// Serves the API on `listener` until `shutdown` completes; live event streams end then and
/// the server waits for open requests to finish.
pub async fn run(
    listener: TcpListener,
    store: Store,
    config: Config,
    clock: Clock,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stopping, stop_signal) = watch::channel(false);
    let state = AppState {
        store,
        config: Arc::new(config),
        clock,
        shutdown: stop_signal,
        passwords: Arc::new(PasswordChecks::per_core()),
        check_ins: Arc::new(api::check_in_throttle()),
    };
    tokio::spawn(purge_regularly(state.clone()));
    // The peer address reaches the handlers: login limits count per client address.
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down");
            let _ = stopping.send(true);
        })
        .await
}

/// How often personal data of past days is looked for and deleted.
const PURGE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes personal data of past days at start and then every hour, until shutdown.
async fn purge_regularly(state: AppState) {
    let mut stopping = state.shutdown.clone();
    loop {
        let (now, config) = (state.now(), state.config.clone());
        match state
            .store
            .run(move |c| Ok(storage::retention::purge(c, &config, now)?))
            .await
        {
            Ok(purged) if purged != Default::default() => {
                tracing::info!(?purged, "deleted personal data of past days");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot delete personal data of past days"),
        }
        tokio::select! {
            _ = tokio::time::sleep(PURGE_INTERVAL) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
    }
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
