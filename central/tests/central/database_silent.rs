//! A database host that accepts the connection and then never answers (a hung server, a
//! firewall that swallows the replies): the pool gives up with a timeout instead of leaving
//! the request hanging, and the real `lotse-central` stops at start with the reason rather
//! than waiting for ever.

use std::process::Command;
use std::time::Duration;

use tokio::net::TcpListener;

/// A listener that accepts every connection and never sends a byte; its address.
async fn silent_peer() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    address
}

/// Longer than the pool's own timeout: reaching it means the pool would have hung.
const HUNG: Duration = Duration::from_secs(60);

#[tokio::test]
async fn a_database_that_never_answers_is_a_timeout_not_a_hang() {
    let peer = silent_peer().await;
    let url = format!(
        "host=127.0.0.1 port={} user=lotse dbname=lotse",
        peer.port()
    );
    let pool = lotse_central::db::pool(&url, 2, None).expect("a pool");
    let got = tokio::time::timeout(HUNG, pool.get())
        .await
        .expect("the pool gives up by itself");
    let error = got.expect_err("nothing answered");
    assert!(
        matches!(error, deadpool_postgres::PoolError::Timeout(_)),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_real_program_stops_at_start_with_the_reason() {
    let peer = silent_peer().await;
    let dir = tempfile::tempdir().expect("a directory");
    let config = dir.path().join("central.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"host=127.0.0.1 port={} user=lotse dbname=lotse\"\n",
            peer.port()
        ),
    )
    .expect("written");
    let mut program = tokio::process::Command::from({
        let mut command = Command::new(env!("CARGO_BIN_EXE_lotse-central"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--config"])
            .arg(&config);
        command
    });
    program.kill_on_drop(true);
    let output = tokio::time::timeout(HUNG, program.output())
        .await
        .expect("the program stops by itself")
        .expect("it ran");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{said}");
    assert!(
        said.contains("schema") && said.contains("Timeout"),
        "{said}"
    );
}
