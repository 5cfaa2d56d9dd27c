//! Test helpers: start the real `queue-server` binary on a free port with a temporary
//! database, and clients logged in as the demo accounts.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use lotse_protocol::Client;

pub const DEMO_KIOSK_TOKEN: &str = "demo-kiosk-token";
pub const DEMO_DISPLAY_TOKEN: &str = "demo-display-token";
pub const DEMO_BOOKING_TOKEN: &str = "demo-booking-token";

/// The `queue-server` binary built by `cargo build --workspace --bins` (README's test
/// command does that first).
pub fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let target_profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let binary = target_profile.join("queue-server");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build --workspace --bins` before the tests",
        binary.display()
    );
    binary
}

/// A running server process on its own temporary database.
pub struct Server {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    pub base_url: String,
    pub port: u16,
}

impl Server {
    /// Starts a server with demo accounts on a fresh database, in the demo building open at
    /// all hours and without daily limits, so tests pass at any time of day and can issue
    /// hundreds of tickets.
    pub fn start() -> Server {
        Server::start_with_building(|building| building)
    }

    /// Starts a server with demo accounts on a fresh database, the building changed from
    /// the always-open one by `change`.
    pub fn start_with_building(change: impl FnOnce(String) -> String) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let building = change(lotse_queue_server::config::embedded_always_open());
        std::fs::write(dir.path().join("building.toml"), building).expect("write test building");
        let (child, port) = spawn(dir.path(), 0);
        Server {
            child: Some(child),
            dir,
            base_url: format!("http://127.0.0.1:{port}"),
            port,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("lotse.db")
    }

    /// Kills the process without warning (SIGKILL), like a power cut of the process.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops gracefully with SIGTERM and waits for the exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("server running");
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        child.wait().expect("wait for server")
    }

    /// Starts the server again on the same database and port.
    pub fn restart(&mut self) {
        self.kill();
        let (child, port) = spawn(self.dir.path(), self.port);
        assert_eq!(port, self.port);
        self.child = Some(child);
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base_url).expect("client")
    }

    pub fn kiosk(&self) -> Client {
        self.client().with_device_token(DEMO_KIOSK_TOKEN)
    }

    pub fn display(&self) -> Client {
        self.client().with_device_token(DEMO_DISPLAY_TOKEN)
    }

    pub async fn staff(&self) -> Client {
        let client = self.client();
        client
            .login("staff", "lotse-demo-staff")
            .await
            .expect("demo staff login");
        client
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn(dir: &Path, port: u16) -> (Child, u16) {
    // The port may still be held for a moment by the killed process: retry briefly.
    for _ in 0..50 {
        let mut child = Command::new(server_binary())
            .arg("serve")
            .arg("--demo")
            .arg("--config")
            .arg(dir.join("building.toml"))
            .arg("--db")
            .arg(dir.join("lotse.db"))
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start queue-server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let listening = lines.by_ref().map_while(Result::ok).find_map(|line| {
            line.strip_prefix("listening on http://127.0.0.1:")
                .and_then(|p| p.parse::<u16>().ok())
        });
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        match listening {
            Some(port) => return (child, port),
            None => {
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
    panic!("queue-server did not start on port {port}");
}

/// Opens the server's database for checks after the server stopped.
pub fn open_db(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("open database")
}

pub fn integrity_ok(path: &Path) -> bool {
    let connection = open_db(path);
    let result: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity_check");
    result == "ok"
}

pub fn issue(services: &[&str], language: &str) -> lotse_protocol::IssueTicket {
    lotse_protocol::IssueTicket {
        services: services.iter().map(|s| s.to_string()).collect(),
        language: language.to_owned(),
        channel: None,
        priority: false,
        interpreter: false,
    }
}

pub fn new_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Issues a kiosk ticket for a residence permit in `language`; returns its status page URL.
pub async fn status_page_of_new_ticket(server: &Server, language: &str) -> String {
    let ticket = server
        .kiosk()
        .issue_ticket(&issue(&["residence-permit"], language), &new_key())
        .await
        .expect("a ticket");
    format!("{}/t/{}", server.base_url, ticket.token)
}

/// Where the tests' screenshots go (`target/tmp/screenshots/`), created if missing.
pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    dir
}
