//! The central database over TLS (`database_ca_file`): a PostgreSQL that accepts TCP only
//! over TLS, with a certificate from a CA made here. The pool connects over TLS and checks
//! the certificate and the host name; a server signed by another CA, a host name the
//! certificate does not name, a URL that asks for TLS without a CA file, and a CA file that
//! is not there are refused with the reason. The real `lotse-central` serves over such a
//! database and `check-config` names a wrong CA file.

use std::process::{Command, Stdio};

use lotse_central::db::{self, DbError};

use crate::support::central_config_text;
use crate::support::postgres::Postgres;

/// An error with every error under it.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        text.push_str(&format!(": {error}"));
        cause = error.source();
    }
    text
}

/// Whether the pool's connection to the database is encrypted (PostgreSQL's own view).
async fn encrypted(pool: &deadpool_postgres::Pool) -> Result<bool, String> {
    let client = pool.get().await.map_err(|e| with_causes(&e))?;
    let row = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok(row.get(0))
}

#[tokio::test]
async fn the_pool_uses_tls_and_refuses_a_server_it_cannot_verify() {
    let Some((pg, tls)) = Postgres::start_with_tls() else {
        return;
    };
    let with_ca = db::pool(&pg.url(), 2, Some(&tls.ca)).expect("a pool");
    assert_eq!(encrypted(&with_ca).await, Ok(true));
    assert!(db::migrate(&with_ca).await.expect("migrates over TLS") > 0);

    // The server refuses plain TCP, so the connection above cannot have been plain.
    let plain = db::pool(&pg.url(), 2, None).expect("a pool");
    let refused = encrypted(&plain).await.expect_err("plain TCP is refused");
    assert!(refused.contains("no encryption"), "{refused}");

    let other_ca = db::pool(&pg.url(), 2, Some(&tls.other_ca)).expect("a pool");
    let refused = encrypted(&other_ca)
        .await
        .expect_err("another CA is refused");
    assert!(refused.contains("UnknownIssuer"), "{refused}");

    // The certificate names 127.0.0.1, not localhost.
    let by_name = pg.url().replace("host=127.0.0.1", "host=localhost");
    let wrong_name = db::pool(&by_name, 2, Some(&tls.ca)).expect("a pool");
    let refused = encrypted(&wrong_name)
        .await
        .expect_err("another name is refused");
    assert!(refused.contains("certificate"), "{refused}");

    let asks_for_tls = format!("{} sslmode=require", pg.url());
    match db::pool(&asks_for_tls, 2, None) {
        Err(DbError::Tls(reason)) => assert!(reason.contains("database_ca_file"), "{reason}"),
        other => panic!("sslmode=require without a CA file: {other:?}"),
    }
    let missing = tls.ca.with_file_name("missing-ca.pem");
    match db::pool(&pg.url(), 2, Some(&missing)) {
        Err(DbError::Tls(reason)) => assert!(reason.contains("missing-ca.pem"), "{reason}"),
        other => panic!("a missing CA file: {other:?}"),
    }
}

#[tokio::test]
async fn the_real_program_serves_over_a_database_with_tls() {
    let Some((pg, tls)) = Postgres::start_with_tls() else {
        return;
    };
    let dir = tempfile::tempdir().expect("a directory");
    let config = dir.path().join("central.toml");
    let with_ca = |ca: &std::path::Path| {
        format!(
            "database_ca_file = \"{}\"\n{}",
            ca.display(),
            central_config_text(&pg)
        )
    };
    std::fs::write(&config, with_ca(&tls.ca.with_file_name("nowhere.pem"))).expect("written");
    let checked = Command::new(env!("CARGO_BIN_EXE_lotse-central"))
        .arg("check-config")
        .arg(&config)
        .output()
        .expect("check-config runs");
    let said = String::from_utf8_lossy(&checked.stderr);
    assert!(
        !checked.status.success() && said.contains("nowhere.pem"),
        "{said}"
    );

    std::fs::write(&config, with_ca(&tls.ca)).expect("written");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut central = Command::new(env!("CARGO_BIN_EXE_lotse-central"))
        .args(["serve", "--config"])
        .arg(&config)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("lotse-central starts");
    let url = format!("http://127.0.0.1:{port}");
    let mut answer = None;
    for _ in 0..400 {
        if let Ok(response) = reqwest::get(format!("{url}/healthz")).await {
            answer = Some(response.status());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = central.kill();
    let _ = central.wait();
    assert_eq!(answer.map(|s| s.as_u16()), Some(200));
    // The schema came over TLS: the program migrated before it listened.
    let pool = db::pool(&pg.url(), 1, Some(&tls.ca)).expect("a pool");
    let client = pool.get().await.expect("connects");
    let tables: i64 = client
        .query_one(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'stat_days'",
            &[],
        )
        .await
        .expect("asks")
        .get(0);
    assert_eq!(tables, 1);
}
