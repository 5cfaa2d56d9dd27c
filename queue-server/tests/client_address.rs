//! The client address through the real accept loop, from several loopback addresses: the
//! login limits count per client, one stranger locks neither the building nor a colleague's
//! account, `X-Forwarded-For` counts only from a trusted proxy, and the log names the client.
//! Its own test binary, because it installs the process-wide log subscriber.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

#[path = "server/support/mod.rs"]
mod support;

use lotse_protocol::Role;
use lotse_queue_server::config::Config;
use lotse_queue_server::http::session::{MAX_CLIENT_FAILURES, MAX_FAILURES};
use lotse_queue_server::limits::Limits;
use reqwest::StatusCode;
use support::PASSWORD;
use support::captured_log::captured_log;
use support::served::{Served, client_from};

fn logged() -> String {
    captured_log().text()
}

#[tokio::test]
async fn wrong_logins_from_one_address_lock_neither_the_building_nor_an_account() {
    let server = Served::start().await;
    server.add_user("boss", Role::Admin, "*").await;
    // Password spraying with random names from one machine ...
    for n in 0..MAX_CLIENT_FAILURES {
        let name = format!("x{n}");
        let (status, _, _) = server.login("127.0.0.2", &name, "x").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let (sprayer, _, _) = server.login("127.0.0.2", "boss", PASSWORD).await;
    assert_eq!(sprayer, StatusCode::TOO_MANY_REQUESTS);
    // ... locks that machine only: the right password from another one logs in.
    let (boss, _, _) = server.login("127.0.0.5", "boss", PASSWORD).await;
    assert_eq!(boss, StatusCode::OK);

    // Guessing one account's password from one machine locks it for that machine only.
    for _ in 0..MAX_FAILURES {
        let (status, _, _) = server.login("127.0.0.3", "boss", "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (guesser, _, _) = server.login("127.0.0.3", "boss", PASSWORD).await;
    assert_eq!(guesser, StatusCode::TOO_MANY_REQUESTS);
    // A colleague who mistyped once elsewhere still gets in.
    let (typo, _, _) = server.login("127.0.0.4", "boss", "typo").await;
    assert_eq!(typo, StatusCode::UNAUTHORIZED);
    let (colleague, _, _) = server.login("127.0.0.4", "boss", PASSWORD).await;
    assert_eq!(colleague, StatusCode::OK);
}

#[tokio::test]
async fn the_log_names_the_client_and_only_a_trusted_proxy_may_name_another() {
    let log = captured_log();
    let mut config = Config::embedded().unwrap().always_open();
    config.trusted_proxies = vec!["127.0.0.7".parse().unwrap()];
    let server = Served::start_with(config, Limits::default()).await;
    let wrong = serde_json::json!({ "name": "nobody", "password": "wrong" });
    let login_from = |ip: &str, forwarded: &str| {
        client_from(ip)
            .post(server.url("/api/v1/session"))
            .header("x-forwarded-for", forwarded.to_owned())
            .json(&wrong)
            .send()
    };
    // A client that names another address itself is not believed ...
    let direct = login_from("127.0.0.6", "198.51.100.9").await.unwrap();
    assert_eq!(direct.status(), StatusCode::UNAUTHORIZED);
    // ... the trusted proxy is.
    let proxied = login_from("127.0.0.7", "198.51.100.1").await.unwrap();
    assert_eq!(proxied.status(), StatusCode::UNAUTHORIZED);
    let text = log.text();
    let failed: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("failed login"))
        .collect();
    assert!(
        failed.iter().any(|l| l.contains("client=127.0.0.6")),
        "{failed:?}"
    );
    assert!(
        failed.iter().any(|l| l.contains("client=198.51.100.1")),
        "{failed:?}"
    );
    assert!(!text.contains("client=unknown"), "{}", logged());
    assert!(!text.contains("client=198.51.100.9"), "{}", logged());
}
