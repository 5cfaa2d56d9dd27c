//! `lotse-central`: the county's central service (README "Several buildings").

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use lotse_central::CentralConfig;
use lotse_queue_server::http::system_clock;
use lotse_queue_server::net::tls::{ServerTls, TlsFiles};

#[derive(Parser)]
#[command(
    version,
    about = "Lotse central service: county statistics and live overview"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the buildings' pushes and the county pages.
    Serve {
        #[arg(long)]
        config: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: SocketAddr,
        /// PEM certificate chain for HTTPS (with --tls-key).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Makes a new building (or metrics) token: prints the token for the building's token
    /// file and its SHA-256 for the central configuration.
    Token,
    /// Checks a configuration file.
    CheckConfig { file: PathBuf },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Serve {
            config,
            listen,
            tls_cert,
            tls_key,
        } => {
            let config = CentralConfig::load(&config)?;
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => {
                    let tls = ServerTls::load(TlsFiles { cert, key })?;
                    tokio::spawn(tls.clone().reload_on_hangup());
                    Some(tls)
                }
                _ => None,
            };
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            tracing::info!(%listen, "serving");
            lotse_central::run(
                listener,
                config,
                system_clock(),
                tls,
                lotse_queue_server::shutdown_signal(),
            )
            .await
        }
        Command::Token => {
            let token = lotse_queue_server::auth::new_secret();
            println!("token:  {token}");
            println!("sha256: {}", lotse_queue_server::auth::token_hash(&token));
            Ok(())
        }
        Command::CheckConfig { file } => {
            let config = CentralConfig::load(&file)?;
            // Builds the pool without connecting: the URL and the CA file are checked.
            lotse_central::db::pool(&config.database_url, 1, config.database_ca_file.as_deref())
                .with_context(|| format!("{}: database_url or database_ca_file", file.display()))?;
            println!(
                "{}: {} buildings, {} accounts",
                file.display(),
                config.buildings.len(),
                config.accounts.len()
            );
            Ok(())
        }
    }
}
