//! A PostgreSQL server of the test's own (Debian's `postgresql` package): `initdb` into a
//! temporary directory, `pg_ctl start` on a free port with its socket there, stopped and
//! removed when dropped. As root, the server runs as the `postgres` user (PostgreSQL refuses
//! root).

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = "/usr/lib/postgresql/15/bin";

pub struct Postgres {
    dir: tempfile::TempDir,
    pub port: u16,
    as_root: bool,
}

impl Postgres {
    /// A fresh server, or `None` (with a message) where PostgreSQL is not installed.
    pub fn start() -> Option<Postgres> {
        if !Path::new(BIN).join("initdb").exists() {
            eprintln!("SKIPPED: PostgreSQL is not installed ({BIN}); scripts/test installs it");
            return None;
        }
        let dir = tempfile::tempdir().expect("a temporary directory");
        let as_root = is_root();
        if as_root {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path()));
        }
        let port = free_port();
        let data = dir.path().join("data");
        let db = Postgres { dir, port, as_root };
        run(db.command("initdb").arg("-D").arg(&data).args([
            "-U",
            "lotse",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        ]));
        run(db
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args([
                "-w",
                "-o",
                &format!(
                    "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
                    db.dir.path().display()
                ),
                "-l",
            ])
            .arg(db.dir.path().join("log"))
            .arg("start"));
        Some(db)
    }

    /// The connection string of the database `postgres`.
    pub fn url(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user=lotse dbname=postgres",
            self.port
        )
    }

    /// The connection string over the server's Unix socket (reachable from another network
    /// namespace: sockets are files).
    pub fn socket_url(&self) -> String {
        format!(
            "host={} port={} user=lotse dbname=postgres",
            self.dir.path().display(),
            self.port
        )
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, program: &str) -> Command {
        let path = Path::new(BIN).join(program);
        if self.as_root {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

fn run(command: &mut Command) {
    let output = command.output().expect("the program runs");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
