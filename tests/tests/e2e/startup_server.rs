//! The queue server started as an administrator starts it the first time: `queue-server serve
//! --demo` with the embedded demo building and no config file, on a fresh database. It must
//! answer and stay alive through its start period (background jobs included), with the
//! allocator settings that give memory back after a burst (`allocator.rs`).

use std::process::Command;
use std::time::Duration;

use crate::programs::{Program, binary};

#[test]
fn queue_server_starts_with_the_embedded_demo_building() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(binary("queue-server"));
    command
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("lotse.db"))
        .env_remove("MIMALLOC_PURGE_DELAY");
    let mut server = Program::start("queue-server", command, dir.path());
    let line = server.wait_for_line("listening on http://", Duration::from_secs(30));
    let base_url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .expect("an address")
        .to_owned();
    server.assert_alive_after_start_period();

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let building = runtime.block_on(async {
        let client = lotse_protocol::Client::new(&base_url).expect("client");
        client.healthz().await.expect("healthz");
        client
            .with_device_token(crate::util::DEMO_KIOSK_TOKEN)
            .config()
            .await
            .expect("the demo building")
    });
    assert!(
        building.agencies.len() >= 6,
        "the embedded demo building: {} agencies",
        building.agencies.len()
    );
    assert!(
        server.log().contains("lotse-demo-interpreter"),
        "every demo login is printed"
    );
    assert!(
        server
            .environment()
            .contains(&"MIMALLOC_PURGE_DELAY=0".to_owned()),
        "the server runs with the allocator's purge delay 0: {:?}",
        allocator_settings(&server)
    );
    assert_eq!(
        server.log().matches("listening on http://").count(),
        1,
        "the server started itself again once, before serving"
    );
    server.assert_alive();
}

#[test]
fn an_allocator_setting_of_the_operator_is_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(binary("queue-server"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("lotse.db"))
        .env("MIMALLOC_PURGE_DELAY", "250");
    let mut server = Program::start("queue-server", command, dir.path());
    server.wait_for_line("listening on http://", Duration::from_secs(30));
    assert_eq!(
        allocator_settings(&server),
        ["MIMALLOC_PURGE_DELAY=250"],
        "the operator's setting, unchanged"
    );
}

fn allocator_settings(server: &Program) -> Vec<String> {
    let mut settings = server.environment();
    settings.retain(|entry| entry.starts_with("MIMALLOC_"));
    settings
}
