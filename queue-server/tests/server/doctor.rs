//! `queue-server doctor` and the schema guard, run as the real binary on a temporary
//! installation: a healthy one reports OK for config, database and backups; a database a
//! newer Lotse wrote fails the doctor (exit 2) and is refused by `serve` with a clear message
//! and left untouched.

use std::path::Path;
use std::process::{Command, Output};

fn queue_server(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_queue-server"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A database the current program made, and a backup of it.
fn installation(dir: &Path) {
    let made = queue_server(
        &[
            "device", "add", "--kind", "kiosk", "--name", "entrance", "--db", "lotse.db",
        ],
        dir,
    );
    assert!(made.status.success(), "{made:?}");
    std::fs::create_dir(dir.join("backups")).unwrap();
    let backup = queue_server(
        &["backup", "--db", "lotse.db", "--to", "backups/lotse-1.db"],
        dir,
    );
    assert!(backup.status.success(), "{backup:?}");
}

fn doctor(dir: &Path) -> (Option<i32>, String) {
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/src/config/building.toml");
    let output = queue_server(
        &[
            "doctor",
            "--config",
            config,
            "--db",
            "lotse.db",
            "--backup-dir",
            "backups",
        ],
        dir,
    );
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn line<'a>(report: &'a str, check: &str) -> &'a str {
    report
        .lines()
        .find(|line| line[4..].trim_start().starts_with(&format!("{check}:")))
        .unwrap_or_else(|| panic!("no {check} line in:\n{report}"))
}

#[test]
fn a_healthy_installation_reports_ok_for_config_database_and_backups() {
    let dir = tempfile::tempdir().unwrap();
    installation(dir.path());
    let (code, report) = doctor(dir.path());
    for check in ["config", "database", "disk", "backups"] {
        assert!(line(&report, check).starts_with("OK"), "{report}");
    }
    assert!(
        line(&report, "database").contains("intact, schema version"),
        "{report}"
    );
    // The clock and open-file lines depend on the machine: a warning at worst.
    assert!(matches!(code, Some(0 | 1)), "{code:?}\n{report}");
}

#[test]
fn a_database_from_a_newer_lotse_is_refused_clearly_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    installation(dir.path());
    let db = dir.path().join("lotse.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 10_000)
        .unwrap();
    let before = std::fs::read(&db).unwrap();

    let (code, report) = doctor(dir.path());
    assert_eq!(code, Some(2), "{report}");
    assert!(line(&report, "database").starts_with("FAIL"), "{report}");

    let served = queue_server(
        &["serve", "--listen", "127.0.0.1:0", "--db", "lotse.db"],
        dir.path(),
    );
    assert!(!served.status.success());
    let message = String::from_utf8_lossy(&served.stderr);
    assert!(
        message.contains("the database has schema version 10000, newer than")
            && message.contains("a newer Lotse wrote it"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database is untouched"
    );
}
