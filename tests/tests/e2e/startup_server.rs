//! The queue server started as an administrator starts it the first time: `queue-server serve
//! --demo` with the embedded demo building and no config file, on a fresh database. It must
//! answer and stay alive through its start period (background jobs included), with the
//! allocator settings that give memory back after a burst (`allocator.rs`).

use std::process::Command;
use std::time::Duration;

use lotse_queue_server::allocator::SETTINGS;

use crate::programs::{Program, binary};

/// The allocator's setting the server starts itself with, and its value.
fn setting() -> (&'static str, &'static str) {
    SETTINGS[0]
}

#[test]
fn queue_server_starts_with_the_embedded_demo_building() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(binary("queue-server"));
    command
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("lotse.db"))
        .env_remove(setting().0);
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
            .contains(&format!("{}={}", setting().0, setting().1)),
        "the server runs with the allocator's settings: {:?}",
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
        .env(setting().0, "dirty_decay_ms:250");
    let mut server = Program::start("queue-server", command, dir.path());
    server.wait_for_line("listening on http://", Duration::from_secs(30));
    assert_eq!(
        allocator_settings(&server),
        [format!("{}=dirty_decay_ms:250", setting().0)],
        "the operator's setting, unchanged"
    );
}

fn allocator_settings(server: &Program) -> Vec<String> {
    let mut settings = server.environment();
    settings.retain(|entry| entry.starts_with(&format!("{}=", setting().0)));
    settings
}
