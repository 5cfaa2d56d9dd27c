//! `queue-server doctor`: checks an installation the way county IT's monitoring asks —
//! config valid, database intact and of a known schema, free disk, open-file limit, clock
//! synchronised, certificate expiry, recent backups. One line per check, `OK`, `WARN` or
//! `FAIL`; the exit code is the worst of them (0, 1, 2, as monitoring plugins report).
//! Gathering facts does I/O; judging them (`judge_*`) is pure and tested on its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OpenFlags};

use crate::config::Config;
use crate::limits::{Limits, connections_allowed};
use crate::storage::backup;

/// How one check came out; ordered from good to bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

impl Level {
    fn label(self) -> &'static str {
        match self {
            Level::Ok => "OK",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        }
    }

    /// The exit code monitoring reads.
    pub fn exit_code(self) -> u8 {
        match self {
            Level::Ok => 0,
            Level::Warn => 1,
            Level::Fail => 2,
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    pub check: &'static str,
    pub detail: String,
}

impl Finding {
    fn new(level: Level, check: &'static str, detail: impl Into<String>) -> Finding {
        Finding {
            level,
            check,
            detail: detail.into(),
        }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:<4} {}: {}",
            self.level.label(),
            self.check,
            self.detail
        )
    }
}

/// What to check.
#[derive(Debug, Clone)]
pub struct Installation {
    pub config: Option<PathBuf>,
    pub db: PathBuf,
    pub backup_dir: Option<PathBuf>,
    /// Backups older than this are a warning (the schedule's interval and some slack).
    pub backup_max_age: Duration,
    pub tls_cert: Option<PathBuf>,
}

/// Below these, free space on the database's file system is a failure or a warning.
const DISK_FAIL_BYTES: u64 = 100 * 1024 * 1024;
const DISK_WARN_BYTES: u64 = 1024 * 1024 * 1024;
/// A certificate expiring within this many days is a warning.
const CERT_WARN_DAYS: i64 = 30;

/// Runs every check.
pub fn examine(installation: &Installation) -> Vec<Finding> {
    let mut findings = vec![
        check_config(installation.config.as_deref()),
        check_database(&installation.db),
        check_disk(&installation.db),
        judge_open_files(
            rlimit::getrlimit(rlimit::Resource::NOFILE)
                .ok()
                .map(|(_, hard)| hard),
        ),
        judge_clock(clock_state()),
    ];
    if let Some(cert) = &installation.tls_cert {
        findings.push(check_certificate(cert, SystemTime::now()));
    }
    if let Some(dir) = &installation.backup_dir {
        findings.push(judge_backups(
            newest_backup_age(dir, SystemTime::now()),
            installation.backup_max_age,
            dir,
        ));
    }
    findings
}

/// The worst level among `findings`.
pub fn worst(findings: &[Finding]) -> Level {
    findings.iter().map(|f| f.level).max().unwrap_or(Level::Ok)
}

fn check_config(path: Option<&Path>) -> Finding {
    let loaded = match path {
        Some(path) => Config::load(path),
        None => Config::embedded(),
    };
    let name = path.map_or("the embedded sample building".to_owned(), |p| {
        p.display().to_string()
    });
    match loaded {
        Ok(config) => Finding::new(
            Level::Ok,
            "config",
            format!(
                "{name}: {} agencies, {} services, {} desks",
                config.building.agencies.len(),
                config.building.services.len(),
                config.building.desks.len()
            ),
        ),
        Err(error) => Finding::new(Level::Fail, "config", format!("{name}: {error:#}")),
    }
}

fn check_database(db: &Path) -> Finding {
    if !db.exists() {
        return Finding::new(
            Level::Warn,
            "database",
            format!(
                "{}: none yet (the server creates it at its first start)",
                db.display()
            ),
        );
    }
    let version = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| c.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0)));
    match (backup::check(db), version) {
        (Ok(()), Ok(version)) => Finding::new(
            Level::Ok,
            "database",
            format!("{}: intact, schema version {version}", db.display()),
        ),
        (Err(error), _) => Finding::new(
            Level::Fail,
            "database",
            format!("{}: {error:#}", db.display()),
        ),
        (_, Err(error)) => Finding::new(
            Level::Fail,
            "database",
            format!("{}: {error}", db.display()),
        ),
    }
}

fn check_disk(db: &Path) -> Finding {
    let dir = match db.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    match rustix::fs::statvfs(dir) {
        Ok(stat) => judge_disk(stat.f_bavail.saturating_mul(stat.f_frsize), dir),
        Err(error) => Finding::new(Level::Fail, "disk", format!("{}: {error}", dir.display())),
    }
}

/// Free space for the database: a full disk stops every change (503 `storage_full`).
pub fn judge_disk(free_bytes: u64, dir: &Path) -> Finding {
    let level = if free_bytes < DISK_FAIL_BYTES {
        Level::Fail
    } else if free_bytes < DISK_WARN_BYTES {
        Level::Warn
    } else {
        Level::Ok
    };
    let detail = format!(
        "{} MiB free in {}",
        free_bytes / (1024 * 1024),
        dir.display()
    );
    Finding::new(level, "disk", detail)
}

/// The hard open-file limit, which the server raises its own limit to: below what the
/// default connection limit needs, idle live streams stop `accept` (FIELD-NOTES: 1,024).
pub fn judge_open_files(hard: Option<u64>) -> Finding {
    let Some(hard) = hard else {
        return Finding::new(Level::Warn, "open files", "cannot read the limit");
    };
    let wanted = Limits::default().max_connections;
    let allowed = connections_allowed(wanted, Some(hard));
    if allowed < wanted {
        Finding::new(
            Level::Warn,
            "open files",
            format!(
                "limit {hard} allows {allowed} of {wanted} connections (the service unit sets LimitNOFILE=65536)"
            ),
        )
    } else {
        Finding::new(Level::Ok, "open files", format!("limit {hard}"))
    }
}

/// What the system says about clock synchronisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockState {
    Synchronised(&'static str),
    NotSynchronised(&'static str),
    Unknown,
}

fn clock_state() -> ClockState {
    if let Some(answer) = output(
        "timedatectl",
        &["show", "--property=NTPSynchronized", "--value"],
    ) {
        return match answer.trim() {
            "yes" => ClockState::Synchronised("timedatectl"),
            _ => ClockState::NotSynchronised("timedatectl"),
        };
    }
    if let Some(answer) = output("chronyc", &["tracking"]) {
        let normal = answer
            .lines()
            .any(|line| line.starts_with("Leap status") && line.ends_with("Normal"));
        return if normal {
            ClockState::Synchronised("chronyc")
        } else {
            ClockState::NotSynchronised("chronyc")
        };
    }
    ClockState::Unknown
}

/// Ticket numbers restart at the building's midnight and waits are measured by the clock.
pub fn judge_clock(state: ClockState) -> Finding {
    match state {
        ClockState::Synchronised(by) => {
            Finding::new(Level::Ok, "clock", format!("synchronised ({by})"))
        }
        ClockState::NotSynchronised(by) => {
            Finding::new(Level::Warn, "clock", format!("not synchronised ({by})"))
        }
        ClockState::Unknown => Finding::new(
            Level::Warn,
            "clock",
            "cannot tell: neither timedatectl nor chronyc answered",
        ),
    }
}

/// A program's standard output when it ran and succeeded.
fn output(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn check_certificate(path: &Path, now: SystemTime) -> Finding {
    match certificate_not_after(path) {
        Ok(not_after) => {
            let now = now
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            judge_certificate((not_after - now).div_euclid(86_400), path)
        }
        Err(error) => Finding::new(
            Level::Fail,
            "certificate",
            format!("{}: {error:#}", path.display()),
        ),
    }
}

/// The first certificate's end of validity, in seconds since 1970.
fn certificate_not_after(path: &Path) -> anyhow::Result<i64> {
    use anyhow::Context;
    let pem = std::fs::read(path).context("cannot read it")?;
    let (_, pem) = x509_parser::pem::parse_x509_pem(&pem).context("not a PEM certificate")?;
    let certificate = pem.parse_x509().context("not an X.509 certificate")?;
    Ok(certificate.validity().not_after.timestamp())
}

/// Days until the server's certificate expires.
pub fn judge_certificate(days_left: i64, path: &Path) -> Finding {
    let level = if days_left < 0 {
        Level::Fail
    } else if days_left < CERT_WARN_DAYS {
        Level::Warn
    } else {
        Level::Ok
    };
    let detail = if days_left < 0 {
        format!("{}: expired {} days ago", path.display(), -days_left)
    } else {
        format!("{}: valid for {days_left} more days", path.display())
    };
    Finding::new(level, "certificate", detail)
}

/// The age of the newest backup file (`*.db`) in `dir`; `None` when there is none.
fn newest_backup_age(dir: &Path, now: SystemTime) -> Option<Duration> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "db"))
        .filter_map(|entry| entry.metadata().ok()?.modified().ok())
        .max()
        .map(|newest| now.duration_since(newest).unwrap_or_default())
}

pub fn judge_backups(newest: Option<Duration>, max_age: Duration, dir: &Path) -> Finding {
    match newest {
        None => Finding::new(Level::Warn, "backups", format!("none in {}", dir.display())),
        Some(age) => {
            let hours = age.as_secs() / 3600;
            let level = if age > max_age {
                Level::Warn
            } else {
                Level::Ok
            };
            Finding::new(
                level,
                "backups",
                format!("newest in {} is {hours} h old", dir.display()),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1024 * 1024 * 1024;

    #[test]
    fn free_disk() {
        let dir = Path::new("/var/lib/lotse");
        assert_eq!(judge_disk(50 * 1024 * 1024, dir).level, Level::Fail);
        assert_eq!(judge_disk(GIB / 2, dir).level, Level::Warn);
        assert_eq!(judge_disk(20 * GIB, dir).level, Level::Ok);
    }

    #[test]
    fn open_files_below_the_connection_limit_warn() {
        assert_eq!(judge_open_files(Some(1024)).level, Level::Warn);
        assert_eq!(judge_open_files(Some(65_536)).level, Level::Ok);
        assert_eq!(judge_open_files(None).level, Level::Warn);
    }

    #[test]
    fn certificate_expiry() {
        let cert = Path::new("/etc/lotse/tls/server.pem");
        assert_eq!(judge_certificate(-1, cert).level, Level::Fail);
        assert_eq!(judge_certificate(10, cert).level, Level::Warn);
        assert_eq!(judge_certificate(90, cert).level, Level::Ok);
        assert!(
            judge_certificate(-3, cert)
                .detail
                .contains("expired 3 days ago")
        );
    }

    #[test]
    fn backups_older_than_allowed_warn() {
        let dir = Path::new("/var/lib/lotse/backups");
        let day = Duration::from_secs(86_400);
        assert_eq!(judge_backups(None, 2 * day, dir).level, Level::Warn);
        assert_eq!(
            judge_backups(Some(3 * day), 2 * day, dir).level,
            Level::Warn
        );
        assert_eq!(judge_backups(Some(day), 2 * day, dir).level, Level::Ok);
    }

    #[test]
    fn clock() {
        assert_eq!(
            judge_clock(ClockState::Synchronised("chronyc")).level,
            Level::Ok
        );
        assert_eq!(
            judge_clock(ClockState::NotSynchronised("timedatectl")).level,
            Level::Warn
        );
        assert_eq!(judge_clock(ClockState::Unknown).level, Level::Warn);
    }

    #[test]
    fn the_worst_finding_decides_the_exit_code() {
        let findings = [
            Finding::new(Level::Ok, "config", ""),
            Finding::new(Level::Warn, "clock", ""),
        ];
        assert_eq!(worst(&findings).exit_code(), 1);
        assert_eq!(worst(&[]).exit_code(), 0);
        let line = Finding::new(Level::Fail, "database", "gone").to_string();
        assert_eq!(line, "FAIL database: gone");
    }
}
