//! Admin password resets through the real accept loop share the bounded password work of
//! logins: a burst of resets takes no more blocking threads (each hashing in its own 19 MiB)
//! than there are places. Its own test binary, because it counts the process's threads.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

#[path = "server/support/mod.rs"]
mod support;

use futures::future::join_all;
use lotse_protocol::Role;
use reqwest::StatusCode;
use support::served::Served;

/// The threads of this process (the server runs in it).
fn threads() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_password_resets_hashes_a_few_at_a_time() {
    const BURST: usize = 16;
    let server = Served::start().await;
    server.add_user("boss", Role::Admin, "*").await;
    server.add_user("clerk", Role::Staff, "*").await;
    let (status, admin, csrf) = server.login("127.0.0.2", "boss", support::PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    // Blocking threads stay for a while once started: count from after the login's check.
    let before = threads();
    let resets = (0..BURST).map(|n| {
        admin
            .post(server.url("/staff/admin/users/password"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("name", "clerk"),
                ("password", &format!("a new password number {n}")),
            ])
            .send()
    });
    for response in join_all(resets).await {
        let response = response.unwrap();
        // Done (the admin page, after its redirect), or busy when no place came free in time.
        assert!(
            response.status() == StatusCode::OK
                || response.status() == StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            response.status()
        );
    }
    let cores = std::thread::available_parallelism().unwrap().get();
    let grown = threads().saturating_sub(before);
    assert!(
        grown <= 2 * cores,
        "{grown} threads more after {BURST} resets at once ({cores} cores)"
    );
}
