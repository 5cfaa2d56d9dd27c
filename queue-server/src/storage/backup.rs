//! Backups of the database while the server runs (`VACUUM INTO` on a separate read-only
//! connection: a consistent copy, no lock on the writer in WAL mode), rotation of scheduled
//! backups, and a restore that refuses anything but an intact Lotse database.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail, ensure};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

/// Writes a consistent copy of the database at `db` to `to` (which must not exist) and
/// checks the copy.
pub fn backup(db: &Path, to: &Path) -> anyhow::Result<()> {
    ensure!(!to.exists(), "{} exists already", to.display());
    let connection = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", db.display()))?;
    connection.busy_timeout(std::time::Duration::from_secs(30))?;
    let target = to
        .to_str()
        .with_context(|| format!("{} is not valid UTF-8", to.display()))?;
    connection
        .execute("VACUUM INTO ?1", [target])
        .with_context(|| format!("cannot write the backup {}", to.display()))?;
    check(to).with_context(|| format!("the backup {} is not intact", to.display()))
}

/// Whether `file` is an intact Lotse database of a version this program knows.
pub fn check(file: &Path) -> anyhow::Result<()> {
    let connection = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", file.display()))?;
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .context("not an SQLite database")?;
    ensure!(integrity == "ok", "integrity check: {integrity}");
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let known = super::schema::version();
    ensure!(
        version > 0 && version <= known,
        "schema version {version} is not a Lotse database this program knows (1-{known})"
    );
    let tickets: i64 = connection
        .query_row("SELECT COUNT(*) FROM tickets", [], |row| row.get(0))
        .context("no tickets table: not a Lotse database")?;
    tracing::debug!(tickets, "backup checked");
    Ok(())
}

/// Replaces the database at `db` with the backup `from` after checking it. The server must
/// not be running on `db`.
pub fn restore(from: &Path, db: &Path) -> anyhow::Result<()> {
    check(from).with_context(|| format!("refusing to restore {}", from.display()))?;
    let staging = db.with_extension("restoring");
    std::fs::copy(from, &staging)
        .with_context(|| format!("cannot copy {} to {}", from.display(), staging.display()))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db.display()));
        if side.exists() {
            std::fs::remove_file(&side)
                .with_context(|| format!("cannot remove {}", side.display()))?;
        }
    }
    std::fs::rename(&staging, db)
        .with_context(|| format!("cannot move the backup to {}", db.display()))?;
    Ok(())
}

/// The name of a scheduled backup taken at `at`; names sort by time.
pub fn scheduled_name(at: DateTime<Utc>) -> String {
    format!("lotse-{}.db", at.format("%Y%m%dT%H%M%SZ"))
}

/// Deletes the oldest scheduled backups in `dir` beyond the newest `keep`; returns how many.
pub fn rotate(dir: &Path, keep: usize) -> anyhow::Result<usize> {
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("lotse-") && n.ends_with(".db"))
        })
        .collect();
    backups.sort();
    let surplus = backups.len().saturating_sub(keep);
    for old in &backups[..surplus] {
        std::fs::remove_file(old).with_context(|| format!("cannot delete {}", old.display()))?;
    }
    Ok(surplus)
}

/// Takes a scheduled backup into `dir` and rotates; returns the new file.
pub fn scheduled(db: &Path, dir: &Path, keep: usize, at: DateTime<Utc>) -> anyhow::Result<PathBuf> {
    if keep == 0 {
        bail!("keeping no backups makes no sense");
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file = dir.join(scheduled_name(at));
    backup(db, &file)?;
    rotate(dir, keep)?;
    Ok(file)
}
