//! The real `queue-server` binary under a stand-in service manager: the test binds the
//! `NOTIFY_SOCKET` datagram socket systemd would, asks for a watchdog (`WATCHDOG_USEC`) and
//! reads what the server sends: `READY=1` once the database is open, `WATCHDOG=1` while the
//! serving loop runs, and no more pings once a test hook makes that loop hang.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use lotse_queue_server::service_manager::HANG_AFTER_PINGS_VARIABLE;

/// The watchdog interval the stand-in asks for; the server pings every half of it.
const WATCHDOG: Duration = Duration::from_millis(400);

/// How long the stand-in waits for any message before it gives up: generous for a loaded
/// machine, and the server's start-up (database, migrations) included.
const PATIENCE: Duration = Duration::from_secs(30);

/// The server, killed when the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Binds the notification socket and starts the server with it; `hang_after` sets the hook.
fn start(dir: &Path, hang_after: Option<u64>) -> (UnixDatagram, Server) {
    let socket_path = dir.join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_queue-server"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.join("lotse.db"))
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", WATCHDOG.as_micros().to_string())
        .env_remove("WATCHDOG_PID")
        .env_remove(HANG_AFTER_PINGS_VARIABLE)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(pings) = hang_after {
        command.env(HANG_AFTER_PINGS_VARIABLE, pings.to_string());
    }
    (socket, Server(command.spawn().unwrap()))
}

/// The next notification, as its lines.
fn receive(socket: &UnixDatagram) -> Vec<String> {
    let mut buffer = [0; 4096];
    let length = socket
        .recv(&mut buffer)
        .expect("a notification from the server");
    String::from_utf8_lossy(&buffer[..length])
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Waits for `READY=1` and returns the address from its status line.
fn wait_until_ready(socket: &UnixDatagram, db: &Path) -> String {
    let message = receive(socket);
    assert!(
        message.iter().any(|line| line == "READY=1"),
        "the first notification is READY=1: {message:?}"
    );
    assert!(db.exists(), "READY=1 only after the database is open");
    message
        .iter()
        .find_map(|line| line.strip_prefix("STATUS=serving on "))
        .expect("the status names the address")
        .to_owned()
}

fn assert_ping(socket: &UnixDatagram) {
    let message = receive(socket);
    assert_eq!(message, ["WATCHDOG=1"], "a watchdog ping");
}

fn health(address: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: lotse\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn ready_once_the_database_is_open_then_pings_while_serving() {
    let dir = tempfile::tempdir().unwrap();
    let (socket, _server) = start(dir.path(), None);
    let address = wait_until_ready(&socket, &dir.path().join("lotse.db"));
    for _ in 0..3 {
        assert_ping(&socket);
    }
    assert!(health(&address).starts_with("HTTP/1.1 200"));
    for _ in 0..3 {
        assert_ping(&socket);
    }
}

#[test]
fn pings_stop_when_the_serving_loop_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let (socket, mut server) = start(dir.path(), Some(3));
    wait_until_ready(&socket, &dir.path().join("lotse.db"));
    for _ in 0..3 {
        assert_ping(&socket);
    }
    // Five whole intervals without a ping: systemd would have restarted the server by now.
    socket.set_read_timeout(Some(WATCHDOG * 5)).unwrap();
    let mut buffer = [0; 4096];
    let silence = socket.recv(&mut buffer);
    assert!(
        matches!(&silence, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "no ping after the loop hung: {:?}",
        silence.map(|length| String::from_utf8_lossy(&buffer[..length]).into_owned())
    );
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "the server hangs, it did not exit"
    );
}
