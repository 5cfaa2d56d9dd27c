//! Helpers for the benchmarks of all parts: a demo server in-process on its own thread (demo
//! accounts and tokens, the always-open sample building, a real SQLite file with durable
//! commits; the end-to-end tests run the real binary instead), and a process's memory.

use std::path::Path;
use std::sync::mpsc;

use anyhow::Context;

use crate::cli::seed_demo;
use crate::config::Config;
use crate::http::system_clock;
use crate::limits::Limits;
use crate::storage::Store;

/// Starts the server on 127.0.0.1 (a free port) with its database at `db`; returns its URL.
/// The server runs until the process ends.
pub fn start_demo_server(db: &Path) -> anyhow::Result<String> {
    let config = Config::embedded()?.always_open();
    let building = config.building.clone();
    let store = Store::open(db).with_context(|| format!("cannot open {}", db.display()))?;
    let (address_tx, address_rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("lotse-local-server".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime,
                Err(error) => return drop(address_tx.send(Err(anyhow::Error::from(error)))),
            };
            runtime.block_on(async move {
                let started = async {
                    seed_demo(&store, &building).await?;
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                    anyhow::Ok(listener)
                };
                let listener = match started.await {
                    Ok(listener) => listener,
                    Err(error) => return drop(address_tx.send(Err(error))),
                };
                let url = listener.local_addr().map(|a| format!("http://{a}"));
                let _ = address_tx.send(url.map_err(anyhow::Error::from));
                // Benchmarks open many live streams with the one demo display token (a
                // building gives each display its own): the per-token limit is raised here.
                let limits = Limits {
                    max_streams_per_credential: 10_000,
                    ..Limits::default()
                };
                let served = crate::run_with(
                    listener,
                    store,
                    config,
                    system_clock(),
                    limits,
                    std::future::pending(),
                )
                .await;
                if let Err(error) = served {
                    tracing::error!(%error, "the local server stopped");
                }
            });
        })?;
    address_rx
        .recv()
        .context("the local server thread ended early")?
}

/// The resident memory of process `pid` in KiB (Linux), 0 when unknown.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

/// The processor time process `pid` used so far, all its threads, user and system (Linux;
/// zero when unknown). Steady under other load, unlike wall-clock throughput.
pub fn cpu_time(pid: u32) -> std::time::Duration {
    // Fields 14 and 15 of /proc/PID/stat, counted after the command name in parentheses.
    let ticks: u64 = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let after_name = stat.rsplit_once(')')?.1;
            let fields: Vec<&str> = after_name.split_whitespace().collect();
            let user: u64 = fields.get(11)?.parse().ok()?;
            let system: u64 = fields.get(12)?.parse().ok()?;
            Some(user + system)
        })
        .unwrap_or(0);
    // The kernel reports in USER_HZ, 100 on every Linux platform we run on.
    std::time::Duration::from_millis(ticks * 10)
}

/// A queue-server program started by a benchmark; killed when dropped.
pub struct ServerProcess {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    pub pid: u32,
    child: std::process::Child,
}

impl ServerProcess {
    /// Starts `binary` (a benchmark passes `env!("CARGO_BIN_EXE_queue-server")`) with `args`
    /// after `serve --demo --listen 127.0.0.1:0` and `RUST_LOG=log`, and waits for its
    /// "listening on" line.
    pub fn start<I, S>(binary: &str, args: I, log: &str) -> anyhow::Result<ServerProcess>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new(binary)
            .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", log)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {binary}"))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("listening on ").map(str::to_owned))
            .context("the server ended before it listened")?;
        std::thread::spawn(move || lines.for_each(drop));
        Ok(ServerProcess {
            url,
            pid: child.id(),
            child,
        })
    }
}

impl ServerProcess {
    /// The program (`binary`, or the program `LOTSE_SERVER_BIN` names, e.g. an older build
    /// for a before/after comparison, with `LOTSE_BENCH_BUILDING`) on the demo building open
    /// around the clock, with its files in `dir`. Benchmarks open many live streams with the one demo display token (a
    /// building gives each display its own), so the per-token limit is raised.
    pub fn start_always_open(binary: &str, dir: &Path, log: &str) -> anyhow::Result<ServerProcess> {
        let binary = std::env::var("LOTSE_SERVER_BIN").unwrap_or_else(|_| binary.to_owned());
        let (config, db) = (dir.join("building.toml"), dir.join("bench.db"));
        // An older build may not read today's building file: `LOTSE_BENCH_BUILDING` names
        // one it reads (its own sample building without hours and limits).
        match std::env::var("LOTSE_BENCH_BUILDING") {
            Ok(building) => drop(std::fs::copy(building, &config)?),
            Err(_) => std::fs::write(&config, crate::config::embedded_always_open())?,
        }
        let args = [
            "--max-streams-per-token".as_ref(),
            "10000".as_ref(),
            "--config".as_ref(),
            config.as_os_str(),
            "--db".as_ref(),
            db.as_os_str(),
        ];
        ServerProcess::start(&binary, args, log)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
