//! Buildings on hosts of their own: the real `queue-server` of three buildings and the real
//! `lotse-central` each in a network namespace, linked by veth pairs (iproute2; needs root,
//! as in CI). One building's link is cut: meanwhile it is restarted with a shorter detail
//! period (so it folds days for good) and issues tickets, and the county overview shows it
//! offline; when the link is back its outbox drains, its live summary shows the tickets, and
//! the centre's figures of every building equal the building's own.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use lotse_queue_server::config::Config;
use lotse_queue_server::stats::tables::Lang;
use lotse_queue_server::storage::Store;

use crate::support::{
    BuildingServer, PASSWORD, Postgres, central_config_text, csv, past_days, token_of,
};

const IDS: [&str; 3] = ["kreishaus", "nordstadt", "suedhafen"];
const PORT: u16 = 8090;

/// The namespaces and links of one test run, removed when dropped.
struct Net {
    tag: String,
}

impl Net {
    fn centre(&self) -> String {
        format!("lc{}", self.tag)
    }

    fn building(&self, i: usize) -> String {
        format!("lb{i}{}", self.tag)
    }

    /// The building's end of its link (interface names have at most 15 characters).
    fn building_link(&self, i: usize) -> String {
        format!("vb{i}{}", self.tag)
    }

    fn create() -> Net {
        let net = Net {
            tag: format!("{}", std::process::id() % 100_000),
        };
        ip(&["netns", "add", &net.centre()]);
        ip(&["-n", &net.centre(), "link", "set", "lo", "up"]);
        for i in 1..=IDS.len() {
            let (ns, centre_end, building_end) = (
                net.building(i),
                format!("vc{i}{}", net.tag),
                net.building_link(i),
            );
            ip(&["netns", "add", &ns]);
            ip(&["-n", &ns, "link", "set", "lo", "up"]);
            ip(&[
                "link",
                "add",
                &centre_end,
                "netns",
                &net.centre(),
                "type",
                "veth",
                "peer",
                "name",
                &building_end,
                "netns",
                &ns,
            ]);
            ip(&[
                "-n",
                &net.centre(),
                "addr",
                "add",
                &format!("10.77.{i}.1/24"),
                "dev",
                &centre_end,
            ]);
            ip(&["-n", &net.centre(), "link", "set", &centre_end, "up"]);
            ip(&[
                "-n",
                &ns,
                "addr",
                "add",
                &format!("10.77.{i}.2/24"),
                "dev",
                &building_end,
            ]);
            ip(&["-n", &ns, "link", "set", &building_end, "up"]);
        }
        net
    }

    fn link(&self, i: usize, up: bool) {
        let state = if up { "up" } else { "down" };
        ip(&[
            "-n",
            &self.building(i),
            "link",
            "set",
            &self.building_link(i),
            state,
        ]);
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for i in 1..=IDS.len() {
            let _ = Command::new("ip")
                .args(["netns", "del", &self.building(i)])
                .status();
        }
        let _ = Command::new("ip")
            .args(["netns", "del", &self.centre()])
            .status();
    }
}

fn ip(args: &[&str]) {
    let output = Command::new("ip").args(args).output().expect("ip runs");
    assert!(
        output.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A program in a namespace, killed when dropped.
struct InNamespace(Child);

impl InNamespace {
    fn start(ns: &str, program: &Path, args: &[&str], log: &Path) -> InNamespace {
        let log = std::fs::File::create(log).expect("a log file");
        let child = Command::new("ip")
            .args(["netns", "exec", ns])
            .arg(program)
            .args(args)
            .stdout(log.try_clone().expect("the log"))
            .stderr(log)
            .spawn()
            .expect("starts");
        InNamespace(child)
    }

    /// SIGTERM, then wait: the server shuts down cleanly.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

impl Drop for InNamespace {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `curl` run inside a namespace; its output.
fn curl(ns: &str, args: &[&str]) -> String {
    let output = Command::new("ip")
        .args(["netns", "exec", ns, "curl", "-s", "--max-time", "5"])
        .args(args)
        .output()
        .expect("curl runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn queue_server() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("queue-server")))
        .expect("the target directory")
}

/// Waits until `done` holds, for at most a minute (the buildings' backoff after an outage is
/// a few seconds); fails with `what` after that.
async fn until<F: std::future::Future<Output = bool>>(what: &str, done: impl FnMut() -> F) {
    until_within(what, Duration::from_secs(60), done).await;
}

async fn until_within<F: std::future::Future<Output = bool>>(
    what: &str,
    within: Duration,
    mut done: impl FnMut() -> F,
) {
    let deadline = std::time::Instant::now() + within;
    while std::time::Instant::now() < deadline {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("gave up waiting: {what}");
}

async fn query_i64(pool: &deadpool_postgres::Pool, sql: &str, building: &str) -> i64 {
    let client = pool.get().await.expect("a connection");
    client
        .query_one(sql, &[&building])
        .await
        .map_or(0, |row| row.get(0))
}

/// The building file of building `i`: the sample building, its detail period, `[central]`.
fn building_file(dir: &Path, i: usize, detail_days: u32) -> PathBuf {
    let id = IDS[i - 1];
    let token = dir.join("central-token");
    std::fs::write(&token, token_of(id)).expect("token file");
    let text = lotse_queue_server::config::embedded_always_open()
        .replace("detail_days = 90", &format!("detail_days = {detail_days}"))
        + &format!(
            "\n[central]\nurl = \"http://10.77.{i}.1:{PORT}\"\nbuilding = \"{id}\"\ntoken_file = \"{}\"\n",
            token.display()
        );
    let file = dir.join("building.toml");
    std::fs::write(&file, text).expect("building file");
    file
}

#[tokio::test]
async fn a_building_offline_for_a_while_catches_up_and_the_figures_agree() {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    if !root || !Path::new("/usr/sbin/ip").exists() {
        eprintln!("SKIPPED: network namespaces need root and iproute2 (CI runs as root)");
        return;
    }
    if !queue_server().exists() {
        eprintln!(
            "SKIPPED: {} is not built (scripts/test builds the binaries first)",
            queue_server().display()
        );
        return;
    }
    let Some(pg) = Postgres::start() else { return };
    let net = Net::create();
    let dir = tempfile::tempdir().expect("a directory");
    // The centre reaches PostgreSQL through its socket; it shows a building offline after 3 s.
    let config = dir.path().join("central.toml");
    let text = central_config_text(&pg).replace(&pg.url(), &pg.socket_url());
    std::fs::write(&config, format!("offline_after_seconds = 3\n{text}")).expect("config");
    let central = InNamespace::start(
        &net.centre(),
        Path::new(env!("CARGO_BIN_EXE_lotse-central")),
        &[
            "serve",
            "--config",
            &config.to_string_lossy(),
            "--listen",
            &format!("0.0.0.0:{PORT}"),
        ],
        &dir.path().join("central.log"),
    );
    // Three buildings with 10 days of history each, 3 of them in detail.
    let mut homes = Vec::new();
    let mut servers = Vec::new();
    for i in 1..=IDS.len() {
        let home = dir.path().join(IDS[i - 1]);
        std::fs::create_dir(&home).expect("a home");
        let file = building_file(&home, i, 3);
        let db = home.join("lotse.db");
        let config = Config::load(&file).expect("the building file");
        lotse_queue_server::cli::demo_history(&db, &config, 10, 20 + i as u64, 120)
            .await
            .expect("history");
        servers.push(Some(serve(&net, i, &home)));
        homes.push(home);
    }
    let pool = lotse_central::db::pool(&pg.socket_url(), 2, None).expect("a pool");
    let days = past_days(10)
        .dates()
        .filter(|d| chrono::Datelike::weekday(d).num_days_from_monday() < 5)
        .count() as i64;
    for id in IDS {
        until(&format!("{id}'s days at the centre"), || async {
            query_i64(
                &pool,
                "SELECT COUNT(*) FROM stat_days WHERE building = $1",
                id,
            )
            .await
                == days
        })
        .await;
    }
    // The Nordstadt's link goes down. Meanwhile it restarts with one day in detail (folding
    // two more days for good) and issues three tickets.
    net.link(2, false);
    if let Some(server) = servers[1].take() {
        server.stop();
    }
    building_file(&homes[1], 2, 1);
    servers[1] = Some(serve(&net, 2, &homes[1]));
    until("the Nordstadt's server up again", || async {
        let code = curl(
            &net.building(2),
            &[
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "http://127.0.0.1:8080/healthz",
            ],
        );
        code == "200"
    })
    .await;
    for _ in 0..3 {
        let answer = curl(
            &net.building(2),
            &[
                "-X",
                "POST",
                "http://127.0.0.1:8080/api/v1/tickets",
                "-H",
                "Authorization: Bearer demo-kiosk-token",
                "-H",
                "Content-Type: application/json",
                "-d",
                r#"{"services":["residence-permit"],"language":"de"}"#,
            ],
        );
        assert!(
            answer.contains("\"number\""),
            "a ticket while offline: {answer}"
        );
    }
    // The overview (the real page, read inside the centre's namespace) shows it offline.
    let jar = dir.path().join("cookies");
    let jar = jar.to_string_lossy();
    let base = format!("http://127.0.0.1:{PORT}");
    curl(
        &net.centre(),
        &[
            "-c",
            &jar,
            "-d",
            &format!("name=landkreis&password={PASSWORD}"),
            &format!("{base}/county/login"),
        ],
    );
    until("the Nordstadt offline on the overview", || async {
        let html = curl(&net.centre(), &["-b", &jar, &format!("{base}/county")]);
        row(&html, "nordstadt").contains("offline seit") && row(&html, "kreishaus").contains("vor ")
    })
    .await;
    // The link comes back: the summary shows the three tickets, the folded days arrive.
    net.link(2, true);
    until("the Nordstadt's three waiting at the centre", || async {
        query_i64(
            &pool,
            "SELECT COALESCE(SUM((s->>'waiting')::BIGINT), 0)::BIGINT FROM live_summaries,
                 jsonb_array_elements(summary->'services') s WHERE building = $1",
            "nordstadt",
        )
        .await
            == 3
    })
    .await;
    let html = curl(&net.centre(), &["-b", &jar, &format!("{base}/county")]);
    assert!(
        row(&html, "nordstadt").contains("vor "),
        "back online: {html}"
    );
    eprintln!("the Nordstadt back online: {}", row(&html, "nordstadt"));
    // With one day in detail every past day is folded: each arrives again as version 2.
    // (Waiting for all but one let the last one race the comparison; after a weekend the
    // only refolded day was yesterday, so that wait passed before it arrived.) The outbox
    // may be backing off after the outage (doubling up to 5 min): up to 3 min.
    let refolded = "the Nordstadt's refolded days at the centre";
    until_within(refolded, Duration::from_secs(180), || async {
        query_i64(
            &pool,
            "SELECT COUNT(*) FROM stat_days WHERE building = $1 AND version = 2",
            "nordstadt",
        )
        .await
            == days
    })
    .await;
    // Every building's own figures equal the centre's.
    for (i, server) in servers.into_iter().enumerate() {
        if let Some(server) = server {
            server.stop();
        }
        let file = homes[i].join("building.toml");
        let config = Config::load(&file).expect("the building file");
        let store = Store::open(&homes[i].join("lotse.db")).expect("the store");
        let own = BuildingServer::report_of(&store, &config, past_days(10)).await;
        let centre = lotse_central::county_stats::report(
            &pool,
            &lotse_central::turns::Turns::new(1, u64::MAX),
            &[IDS[i].to_owned()],
            past_days(10),
            &Default::default(),
            Lang::De,
        )
        .await
        .expect("the centre's report");
        assert!(own.report.kpis.visits > 0);
        assert_eq!(centre.report.kpis, own.report.kpis, "{}", IDS[i]);
        assert!(
            csv(&centre) == csv(&own),
            "{}: the centre's figures differ",
            IDS[i]
        );
    }
    drop(central);
}

/// Building `i`'s server in its namespace, on its files in `home`.
fn serve(net: &Net, i: usize, home: &Path) -> InNamespace {
    InNamespace::start(
        &net.building(i),
        &queue_server(),
        &[
            "serve",
            "--config",
            &home.join("building.toml").to_string_lossy(),
            "--db",
            &home.join("lotse.db").to_string_lossy(),
            "--listen",
            "127.0.0.1:8080",
            "--demo",
            "--always-open",
        ],
        &home.join("server.log"),
    )
}

/// The `<tr>` of a building on the overview (empty when it is not there).
fn row<'a>(html: &'a str, building: &str) -> &'a str {
    let Some(start) = html.find(&format!("data-building=\"{building}\"")) else {
        return "";
    };
    let end = html[start..]
        .find("</tr>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}
