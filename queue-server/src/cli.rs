//! The command line: `serve`, `check-config`, `user add`, `device add`, `stats export`,
//! `demo-history`.

use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Parser, Subcommand, ValueEnum};
use lotse_protocol::{Building, Role};
use tracing_subscriber::EnvFilter;

use crate::auth::{AgencyScope, DeviceKind, hash_password, new_secret, token_hash};
use crate::config::Config;
use crate::config::auth::AuthConfig;
use crate::domain::accounts::check_password;
use crate::http::system_clock;
use crate::limits::Limits;
use crate::net::tls::{ServerTls, TlsFiles};
use crate::services::commands::accounts::{self as account_commands, NewAccount};
use crate::stats::tables::Lang;
use crate::stats::{self, Dimension, Filter, Period};
use crate::storage::{Store, accounts, backup, history, interpreters};

#[derive(Debug, Parser)]
#[command(name = "queue-server", version, about = "Lotse queue server")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once at start: the size of `Serve` (the options of the server) costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API.
    Serve {
        /// Building config (TOML); the embedded sample building when absent.
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long, default_value = "./lotse.db")]
        db: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Seed demo staff accounts and device tokens on an empty database and print them.
        #[arg(long)]
        demo: bool,
        /// Ignore opening hours and daily walk-in limits (demonstrations outside office hours).
        #[arg(long)]
        always_open: bool,
        /// Override the building's public base URL (what ticket QR codes point to), e.g. for a
        /// demonstration on one machine.
        #[arg(long, value_name = "URL")]
        public_base_url: Option<String>,
        /// A reverse proxy in front of the server (repeat for several): for requests from it,
        /// the client is the address its X-Forwarded-For header names. Login limits count per
        /// client address; behind a proxy without this option, every client counts as the proxy.
        #[arg(long = "trusted-proxy", value_name = "IP")]
        trusted_proxies: Vec<IpAddr>,
        /// How staff log in: the `[auth]` file (local passwords, LDAP/Active Directory, the
        /// group mapping; README "Authentication"). Local passwords only when absent.
        #[arg(long, value_name = "TOML")]
        auth_config: Option<PathBuf>,
        #[command(flatten)]
        limits: Box<LimitArgs>,
        #[command(flatten)]
        backups: BackupArgs,
        #[command(flatten)]
        tls: TlsArgs,
    },
    /// Write a consistent copy of the database while the server runs, and check it.
    Backup {
        #[arg(long, default_value = "./lotse.db")]
        db: PathBuf,
        /// The backup file (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace the database with a backup (stop the server first); refuses a file that is
    /// not an intact Lotse database.
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[arg(long, default_value = "./lotse.db")]
        db: PathBuf,
    },
    /// Validate a building config file and report every problem with its line.
    CheckConfig { file: PathBuf },
    /// Check an installation: config, database, free disk, open-file limit, clock,
    /// certificate, backups; one line each (OK, WARN, FAIL); exit code 0, 1 or 2 (the worst).
    /// The defaults are the Debian package's paths.
    Doctor {
        #[arg(long, default_value = "/etc/lotse/building.toml")]
        config: PathBuf,
        #[arg(long, default_value = "/var/lib/lotse/lotse.db")]
        db: PathBuf,
        #[arg(long, default_value = "/var/lib/lotse/backups")]
        backup_dir: PathBuf,
        /// Warn when the newest backup is older than this.
        #[arg(long, default_value_t = 26)]
        backup_max_age_hours: u64,
        /// The server's certificate (--tls-cert of `serve`), to check its expiry.
        #[arg(long, value_name = "PEM")]
        tls_cert: Option<PathBuf>,
    },
    /// Staff accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Device tokens for kiosks, displays and booking systems.
    Device {
        #[command(subcommand)]
        action: DeviceAction,
    },
    /// Statistics.
    Stats {
        #[command(subcommand)]
        action: StatsAction,
    },
    /// Write a generated past (visits, appointments, transfers, no-shows) for the building
    /// into the database, ending yesterday, for the statistics demo and benchmarks.
    DemoHistory {
        /// How many days back from yesterday.
        #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3660))]
        days: u32,
        /// The same seed gives the same history.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Arrivals drawn per working day on average (those at a closed service are dropped):
        /// 340 leave about 230 visits a day, what the sample desks serve near their targets;
        /// 600 give about 400 (busy: long waits; the benchmarks' volume).
        #[arg(long, default_value_t = crate::demo_history::ARRIVALS_PER_DAY as u32,
              value_parser = clap::value_parser!(u32).range(1..=5000))]
        arrivals_per_day: u32,
        /// Building config (TOML); the embedded sample building when absent.
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long, default_value = "./lotse.db")]
        db: PathBuf,
    },
}

/// What one client may hold of the server (see `limits.rs`).
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// Seconds a connection may take to send a request's head (also closes idle kept-alive
    /// connections).
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub header_timeout: u64,
    /// Seconds without a byte read or written after which a connection is closed; more than
    /// the live streams' 5 s keep-alive.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub idle_timeout: u64,
    /// Seconds a request may take until its answer starts (live streams are not cut).
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub request_timeout: u64,
    /// Open connections at most (lowered to what the open-file limit allows).
    #[arg(long, default_value_t = 4_096)]
    pub max_connections: usize,
    /// Connections one client address may hold before their first request; one more closes
    /// that address's oldest such connection.
    #[arg(long, default_value_t = 128)]
    pub max_opening_per_address: usize,
    /// Live event streams per device token or staff session; a new one ends the oldest.
    #[arg(long, default_value_t = 8)]
    pub max_streams_per_token: usize,
    /// Minutes without a request after which a staff session ends.
    #[arg(long, default_value_t = 30, value_name = "MINUTES")]
    pub session_idle_minutes: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> anyhow::Result<Limits> {
        let keep_alive = crate::api::events::KEEP_ALIVE_INTERVAL.as_secs();
        if self.idle_timeout <= keep_alive {
            bail!("--idle-timeout must be more than the live streams' keep-alive ({keep_alive} s)");
        }
        if self.header_timeout == 0 || self.request_timeout == 0 || self.session_idle_minutes == 0 {
            bail!("timeouts must be at least 1");
        }
        if self.max_connections == 0
            || self.max_opening_per_address == 0
            || self.max_streams_per_token == 0
        {
            bail!(
                "--max-connections, --max-opening-per-address and --max-streams-per-token must be at least 1"
            );
        }
        Ok(Limits {
            header_read_timeout: Duration::from_secs(self.header_timeout),
            idle_timeout: Duration::from_secs(self.idle_timeout),
            request_timeout: Duration::from_secs(self.request_timeout),
            max_connections: self.max_connections,
            max_opening_connections_per_address: self.max_opening_per_address,
            max_streams_per_credential: self.max_streams_per_token,
            session_idle_timeout: Duration::from_secs(self.session_idle_minutes.saturating_mul(60)),
            ..Limits::default()
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add a staff account; the password is read from standard input.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The agencies the account works for, comma-separated ids; all when absent.
        #[arg(long)]
        agencies: Option<String>,
        /// The languages an interpreter account interprets, comma-separated codes
        /// (e.g. `ar,fa`); needed for `--role interpreter`.
        #[arg(long)]
        languages: Option<String>,
        /// Building config (TOML) whose agencies and languages the account may name; the
        /// embedded sample building when absent.
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long, default_value = "./lotse.db")]
        db: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum StatsAction {
    /// Write the tables of the stats page for a period (or, with --legs, the anonymised
    /// leg-level data) to a file.
    Export {
        /// First day (the building's local date, YYYY-MM-DD).
        #[arg(long)]
        from: chrono::NaiveDate,
        /// Last day, included.
        #[arg(long)]
        to: chrono::NaiveDate,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        /// The leg-level data instead of the tables (CSV only).
        #[arg(long)]
        legs: bool,
        /// Labels in English instead of German.
        #[arg(long)]
        english: bool,
        /// Building config (TOML); the embedded sample building when absent.
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long, default_value = "./lotse.db")]
        db: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, Subcommand)]
pub enum DeviceAction {
    /// Create a device token; it is printed as the last line of standard output.
    Add {
        #[arg(long, value_enum)]
        kind: KindArg,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "./lotse.db")]
        db: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Security,
    Interpreter,
    Staff,
    Supervisor,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Role {
        match role {
            RoleArg::Security => Role::Security,
            RoleArg::Interpreter => Role::Interpreter,
            RoleArg::Staff => Role::Staff,
            RoleArg::Supervisor => Role::Supervisor,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Kiosk,
    Display,
    Booking,
    Metrics,
}

impl From<KindArg> for DeviceKind {
    fn from(kind: KindArg) -> DeviceKind {
        match kind {
            KindArg::Kiosk => DeviceKind::Kiosk,
            KindArg::Display => DeviceKind::Display,
            KindArg::Booking => DeviceKind::Booking,
            KindArg::Metrics => DeviceKind::Metrics,
        }
    }
}

/// Logs to stderr; `RUST_LOG` overrides the default `info`.
pub fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

pub fn execute(cli: Cli) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match cli.command {
        Command::Serve {
            config,
            db,
            listen,
            demo,
            always_open,
            public_base_url,
            trusted_proxies,
            auth_config,
            limits,
            backups,
            tls,
        } => {
            let options = ServeOptions {
                demo,
                always_open,
                public_base_url,
                trusted_proxies,
                auth_config,
                limits: limits.limits()?,
                backups,
                tls,
            };
            runtime.block_on(serve(config.as_deref(), &db, listen, options))
        }
        Command::Backup { db, to } => {
            backup::backup(&db, &to)?;
            println!(
                "{}: backup of {} written and checked",
                to.display(),
                db.display()
            );
            Ok(())
        }
        Command::Restore { from, db } => {
            backup::restore(&from, &db)?;
            println!("{}: restored from {}", db.display(), from.display());
            Ok(())
        }
        Command::Doctor {
            config,
            db,
            backup_dir,
            backup_max_age_hours,
            tls_cert,
        } => {
            let installation = crate::doctor::Installation {
                config: Some(config),
                db,
                backup_dir: Some(backup_dir),
                backup_max_age: Duration::from_secs(backup_max_age_hours.saturating_mul(3600)),
                tls_cert,
            };
            let findings = crate::doctor::examine(&installation);
            for finding in &findings {
                println!("{finding}");
            }
            let worst = crate::doctor::worst(&findings);
            if worst != crate::doctor::Level::Ok {
                // Monitoring reads the exit code: 1 for a warning, 2 for a failure.
                std::process::exit(i32::from(worst.exit_code()));
            }
            Ok(())
        }
        Command::CheckConfig { file } => {
            let config = Config::load(&file)?;
            println!(
                "{}: ok ({} agencies, {} services, {} desks)",
                file.display(),
                config.building.agencies.len(),
                config.building.services.len(),
                config.building.desks.len()
            );
            Ok(())
        }
        Command::User {
            action:
                UserAction::Add {
                    name,
                    role,
                    agencies,
                    languages,
                    config,
                    db,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let scope = agencies
                .as_deref()
                .map_or(AgencyScope::All, AgencyScope::parse);
            let shown = scope.to_text();
            let languages = interpreters::split_languages(languages.as_deref().unwrap_or(""));
            let account = NewAccount {
                name: name.clone(),
                role: role.into(),
                agencies: scope,
                languages: languages.clone(),
            };
            let config = building(config.as_deref())?;
            runtime.block_on(add_user(&db, &config.building, account, password))?;
            println!(
                "added {} \"{name}\" (agencies: {shown}; languages: {})",
                Role::from(role).as_str(),
                languages.join(",")
            );
            Ok(())
        }
        Command::Stats {
            action:
                StatsAction::Export {
                    from,
                    to,
                    format,
                    out,
                    legs,
                    english,
                    config,
                    db,
                },
        } => {
            let config = building(config.as_deref())?;
            let period = Period::new(from, to).context("--to lies before --from")?;
            if legs && format == ExportFormat::Xlsx {
                bail!("--legs writes CSV only");
            }
            let lang = if english { Lang::En } else { Lang::De };
            let started = std::time::Instant::now();
            let bytes = runtime.block_on(export(&db, &config, period, format, legs, lang))?;
            std::fs::write(&out, &bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "{}: {} bytes for {from} to {to} written in {:.2} s",
                out.display(),
                bytes.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::DemoHistory {
            days,
            seed,
            arrivals_per_day,
            config,
            db,
        } => {
            let config = building(config.as_deref())?;
            let started = std::time::Instant::now();
            let (visits, stops) =
                runtime.block_on(demo_history(&db, &config, days, seed, arrivals_per_day))?;
            println!(
                "{}: {visits} visits with {stops} stops over {days} days written in {:.1} s",
                db.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Device {
            action: DeviceAction::Add { kind, name, db },
        } => {
            let token = runtime.block_on(add_device(&db, kind.into(), &name))?;
            println!(
                "created {} device \"{name}\"; its token:",
                DeviceKind::from(kind).as_str()
            );
            println!("{token}");
            Ok(())
        }
    }
}

/// How `serve` deviates from the plain building file.
struct ServeOptions {
    demo: bool,
    always_open: bool,
    public_base_url: Option<String>,
    trusted_proxies: Vec<IpAddr>,
    auth_config: Option<PathBuf>,
    limits: Limits,
    backups: BackupArgs,
    tls: TlsArgs,
}

/// HTTPS served by the server itself (`net/tls.rs`).
#[derive(Debug, Clone, clap::Args)]
pub struct TlsArgs {
    /// Serve HTTPS with this PEM certificate chain (server certificate first); read again
    /// on SIGHUP.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert; read again on SIGHUP.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Also listen for plain HTTP here and redirect every request to the public base URL
    /// (which must be https://), e.g. 0.0.0.0:80 beside --listen 0.0.0.0:443.
    #[arg(long, value_name = "ADDRESS", requires = "tls_cert")]
    http_redirect_listen: Option<SocketAddr>,
}

/// Scheduled backups.
#[derive(Debug, Clone, clap::Args)]
pub struct BackupArgs {
    /// Take a backup into this directory at start and then regularly.
    #[arg(long, value_name = "DIR")]
    backup_dir: Option<PathBuf>,
    /// Hours between scheduled backups.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u64).range(1..))]
    backup_every_hours: u64,
    /// How many scheduled backups to keep (the oldest go).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u64).range(1..))]
    backup_keep: u64,
}

/// Backs up `db` into `dir` now and every `every_hours`, keeping the newest `keep`. A failed
/// backup is logged and tried again at the next time; it never stops the server.
async fn back_up_regularly(db: PathBuf, dir: PathBuf, args: BackupArgs) {
    let every = std::time::Duration::from_secs(args.backup_every_hours * 3600);
    let keep = usize::try_from(args.backup_keep).unwrap_or(usize::MAX);
    loop {
        let (db, dir) = (db.clone(), dir.clone());
        let taken =
            tokio::task::spawn_blocking(move || backup::scheduled(&db, &dir, keep, Utc::now()))
                .await;
        match taken {
            Ok(Ok(file)) => tracing::info!(file = %file.display(), "backup written"),
            Ok(Err(error)) => tracing::error!(error = %format!("{error:#}"), "backup failed"),
            Err(error) => tracing::error!(%error, "backup task failed"),
        }
        tokio::time::sleep(every).await;
    }
}

async fn serve(
    config: Option<&Path>,
    db: &Path,
    listen: SocketAddr,
    options: ServeOptions,
) -> anyhow::Result<()> {
    let mut config = building(config)?;
    if options.always_open {
        tracing::warn!("opening hours and walk-in limits are switched off (--always-open)");
        config = config.always_open();
    }
    if let Some(url) = options.public_base_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            bail!("--public-base-url must start with http:// or https://");
        }
        config.building.site.public_base_url = url.trim_end_matches('/').to_owned();
    }
    config.trusted_proxies = options.trusted_proxies;
    if let Some(path) = &options.auth_config {
        config.auth = AuthConfig::load(path, &config)?;
        if let Some(ldap) = config.auth.ldap()
            && ldap.allow_plain
            && !ldap.starttls
        {
            tracing::warn!(
                url = %ldap.url,
                "LDAP without TLS (allow_plain): staff passwords cross the network readable"
            );
        }
    }
    let demo = options.demo;
    let store =
        Store::open(db).with_context(|| format!("cannot open database {}", db.display()))?;
    if demo {
        seed_demo(&store, &config.building).await?;
    }
    if let Some(dir) = options.backups.backup_dir.clone() {
        tokio::spawn(back_up_regularly(db.to_owned(), dir, options.backups));
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    let tls = match (options.tls.tls_cert, options.tls.tls_key) {
        (Some(cert), Some(key)) => {
            let tls = ServerTls::load(TlsFiles { cert, key })?;
            tokio::spawn(tls.clone().reload_on_hangup());
            Some(tls)
        }
        _ => None,
    };
    if let Some(redirect) = options.tls.http_redirect_listen {
        let base = config.building.site.public_base_url.clone();
        if !base.starts_with("https://") {
            bail!("--http-redirect-listen needs an https:// public base URL, not {base}");
        }
        let listener = tokio::net::TcpListener::bind(redirect)
            .await
            .with_context(|| format!("cannot listen on {redirect}"))?;
        let router = crate::net::redirect::to_https(&base);
        tokio::spawn(crate::net::serve(
            listener,
            router,
            Limits::default(),
            std::future::pending(),
        ));
    }
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%address, db = %db.display(), "queue server listening");
    // Tests and scripts read this line to find the port.
    println!("listening on {scheme}://{address}");
    crate::service_manager::notify_ready(&format!("serving on {address}"));
    crate::run_with_tls(
        listener,
        store,
        config,
        system_clock(),
        options.limits,
        tls,
        async {
            crate::shutdown_signal().await;
            crate::service_manager::notify_stopping();
        },
    )
    .await?;
    Ok(())
}

/// Adds a staff account after the account rule of `building` and the password rule.
pub async fn add_user(
    db: &Path,
    building: &Building,
    account: NewAccount,
    password: &str,
) -> anyhow::Result<()> {
    account.check(building)?;
    check_password(password)?;
    let store =
        Store::open(db).with_context(|| format!("cannot open database {}", db.display()))?;
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await??;
    let building = building.clone();
    store
        .run(move |c| account_commands::add_user(c, &building, Utc::now(), CLI, &account, &hash))
        .await?;
    Ok(())
}

/// The actor the audit log names for changes made on the command line.
const CLI: &str = "cli";

pub async fn add_device(db: &Path, kind: DeviceKind, name: &str) -> anyhow::Result<String> {
    let store =
        Store::open(db).with_context(|| format!("cannot open database {}", db.display()))?;
    let token = new_secret();
    let hash = token_hash(&token);
    let name = name.to_owned();
    store
        .run(move |c| account_commands::add_device(c, Utc::now(), CLI, (kind, &name), &hash))
        .await?;
    Ok(token)
}

/// The building config file, or the embedded sample building.
fn building(path: Option<&Path>) -> anyhow::Result<Config> {
    Ok(match path {
        Some(path) => Config::load(path)?,
        None => Config::embedded()?,
    })
}

/// The export file's bytes.
pub async fn export(
    db: &Path,
    config: &Config,
    period: Period,
    format: ExportFormat,
    legs: bool,
    lang: Lang,
) -> anyhow::Result<Vec<u8>> {
    let store =
        Store::open(db).with_context(|| format!("cannot open database {}", db.display()))?;
    let at = stats::load::ReadAt::new(Utc::now(), &crate::limits::Limits::default());
    let loaded = stats::load::load(&store, config, period, at).await?;
    if legs {
        return Ok(stats::export::legs_csv(
            &loaded.legs,
            &config.building,
            config.time_zone,
            period,
        )?);
    }
    let computed = stats::load::compute_all(
        &loaded,
        config,
        period,
        &Filter::default(),
        Dimension::Service,
        lang,
    );
    Ok(match format {
        ExportFormat::Csv => stats::export::tables_csv(&computed.tables)?,
        ExportFormat::Xlsx => stats::export::tables_xlsx(&computed.tables, period, lang)?,
    })
}

/// Writes `days` generated days ending yesterday, those past the statistics' detail period
/// folded into aggregates; refuses when any of them has tickets.
pub async fn demo_history(
    db: &Path,
    config: &Config,
    days: u32,
    seed: u64,
    arrivals_per_day: u32,
) -> anyhow::Result<(usize, usize)> {
    let store =
        Store::open(db).with_context(|| format!("cannot open database {}", db.display()))?;
    let today = config
        .day_start(Utc::now())
        .with_timezone(&config.time_zone)
        .date_naive();
    let last = today.pred_opt().context("no day before today")?;
    let first = last - chrono::Duration::days(i64::from(days) - 1);
    if store
        .read(move |c| history::has_visits(c, first, last))
        .await?
    {
        bail!("the database has visits between {first} and {last} already");
    }
    let mut generator =
        crate::demo_history::Generator::with_arrivals(config, seed, f64::from(arrivals_per_day));
    let (mut visits, mut stops) = (0, 0);
    for date in first.iter_days().take_while(|d| *d <= last) {
        let day = generator.day(date);
        visits += day.visits.len();
        stops += store
            .run(move |c| history::insert_day(c, date, &day))
            .await?;
    }
    // Days past the detail period end up as the server's hourly purge would leave them.
    crate::storage::fold::fold_all(&store, config, Utc::now()).await?;
    Ok((visits, stops))
}

/// Demo accounts: fixed, printed, and only created on an empty database.
pub const DEMO_USERS: [(&str, Role, &str); 5] = [
    ("staff", Role::Staff, "lotse-demo-staff"),
    ("supervisor", Role::Supervisor, "lotse-demo-supervisor"),
    ("admin", Role::Admin, "lotse-demo-admin"),
    ("interpreter", Role::Interpreter, "lotse-demo-interpreter"),
    ("security", Role::Security, "lotse-demo-security"),
];

/// The languages of the demo interpreter account.
pub const DEMO_INTERPRETER_LANGUAGES: [&str; 3] = ["ar", "fa", "ps"];
pub const DEMO_DEVICES: [(DeviceKind, &str, &str); 3] = [
    (DeviceKind::Kiosk, "demo kiosk", "demo-kiosk-token"),
    (DeviceKind::Display, "demo display", "demo-display-token"),
    (
        DeviceKind::Booking,
        "demo booking system",
        "demo-booking-token",
    ),
];

/// The actor the audit log names for the demo accounts.
const DEMO: &str = "demo";

pub async fn seed_demo(store: &Store, building: &Building) -> anyhow::Result<()> {
    let users = store.run(accounts::user_count).await?;
    if users > 0 {
        println!("demo: the database has accounts already; not seeding");
        return Ok(());
    }
    for (name, role, password) in DEMO_USERS {
        let languages = match role {
            Role::Interpreter => DEMO_INTERPRETER_LANGUAGES.map(str::to_owned).to_vec(),
            _ => Vec::new(),
        };
        let account = account_commands::NewAccount {
            name: name.to_owned(),
            role,
            agencies: AgencyScope::All,
            languages,
        };
        if let Err(refused) = account.check(building) {
            println!("demo: no {name} account in this building: {refused}");
            continue;
        }
        let hash = tokio::task::spawn_blocking(move || hash_password(password)).await??;
        let building = building.clone();
        store
            .run(move |c| {
                account_commands::add_user(c, &building, Utc::now(), DEMO, &account, &hash)
            })
            .await?;
        println!("demo login: {name} / {password} ({})", role.as_str());
    }
    for (kind, name, token) in DEMO_DEVICES {
        let hash = token_hash(token);
        store
            .run(move |c| account_commands::add_device(c, Utc::now(), DEMO, (kind, name), &hash))
            .await?;
        println!("demo {} token: {token}", kind.as_str());
    }
    println!("demo: these accounts are for demonstration only; never use --demo in production");
    Ok(())
}
