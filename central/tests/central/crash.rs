//! `kill -9` of the real `lotse-central` program while a building pushes its days: the
//! building's outbox resumes once the program is back, and the centre ends with every day
//! once, its figures equal to the building's own.

use std::process::{Child, Command, Stdio};

use lotse_queue_server::central_push::push_due_days;

use crate::support::{BuildingServer, Postgres, central_config_text, csv, past_days};

fn start(config: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_lotse-central"))
        .args(["serve", "--config"])
        .arg(config)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("lotse-central starts")
}

async fn wait_until_up(url: &str) {
    for _ in 0..400 {
        if reqwest::get(format!("{url}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("lotse-central did not come up");
}

async fn stored_days(pg: &Postgres) -> i64 {
    let (client, connection) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
        .await
        .expect("connects");
    tokio::spawn(connection);
    client
        .query_one("SELECT COUNT(*) FROM stat_days", &[])
        .await
        .map_or(0, |row| row.get(0))
}

#[tokio::test]
async fn a_killed_central_service_loses_and_doubles_no_day() {
    let Some(pg) = Postgres::start() else { return };
    let dir = tempfile::tempdir().expect("a directory");
    let config = dir.path().join("central.toml");
    std::fs::write(&config, central_config_text(&pg)).expect("the config");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let mut central = start(&config, port);
    wait_until_up(&url).await;
    let building = BuildingServer::with_history("kreishaus", &url, 120, 60, 3).await;
    let pushing = {
        let (state, link) = (building.state.clone(), building.link());
        tokio::spawn(async move { push_due_days(&state, &link).await })
    };
    // Killed once the first days are in, while the building is still pushing.
    while stored_days(&pg).await < 3 {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    central.kill().expect("kill -9");
    central.wait().expect("gone");
    let first = pushing.await.expect("the task");
    let in_before = stored_days(&pg).await;
    central = start(&config, port);
    wait_until_up(&url).await;
    let second = push_due_days(&building.state, &building.link())
        .await
        .expect("the rest is pushed");
    let period = past_days(120);
    let own = building.own_report(period).await;
    let pool = lotse_central::db::pool(&pg.url(), 2, None).expect("a pool");
    let centre = lotse_central::county_stats::report(
        &pool,
        &lotse_central::turns::Turns::new(1, u64::MAX),
        &["kreishaus".to_owned()],
        period,
        &Default::default(),
        lotse_queue_server::stats::tables::Lang::De,
    )
    .await
    .expect("the centre's report");
    central.kill().expect("stopped");
    let _ = central.wait();
    eprintln!("before the kill: {first:?}, {in_before} days in; after: {second:?}");
    assert!(first.is_err(), "the kill came while the building pushed");
    assert!(second.sent > 0, "the rest was pushed after the restart");
    assert_eq!(centre.report.kpis.visits, own.report.kpis.visits);
    assert!(
        csv(&centre) == csv(&own),
        "the centre's figures differ from the building's"
    );
}
