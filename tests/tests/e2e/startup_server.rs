//! The queue server started as an administrator starts it the first time: `queue-server serve
//! --demo` with the embedded demo building and no config file, on a fresh database. It must
//! answer and stay alive through its start period (background jobs included).

use std::process::Command;
use std::time::Duration;

use crate::programs::{Program, binary};

#[test]
fn queue_server_starts_with_the_embedded_demo_building() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(binary("queue-server"));
    command
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("lotse.db"));
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
    server.assert_alive();
}
