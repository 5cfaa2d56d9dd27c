//! What the central service's tests share: a PostgreSQL of their own (`postgres.rs`), the
//! central service in-process on a real socket, and building servers (the queue server's
//! library on a temporary SQLite file) that push to it.

pub mod postgres;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use lotse_central::CentralConfig;
use lotse_queue_server::auth::token_hash;
use lotse_queue_server::config::{Config, EMBEDDED_BUILDING};
use lotse_queue_server::http::{AppState, Clock};
use lotse_queue_server::limits::Limits;
use lotse_queue_server::stats::load::{Computed, ReadAt, Source, compute_from, load};
use lotse_queue_server::stats::report::Context;
use lotse_queue_server::stats::tables::Lang;
use lotse_queue_server::stats::{Dimension, Filter, Period};
use lotse_queue_server::storage::Store;
use tokio::sync::{oneshot, watch};

pub use postgres::Postgres;

/// The county's buildings in these tests: id and token.
pub const BUILDINGS: [(&str, &str); 3] = [
    ("kreishaus", "token-of-kreishaus"),
    ("nordstadt", "token-of-nordstadt"),
    ("suedhafen", "token-of-suedhafen"),
];

pub fn token_of(building: &str) -> &'static str {
    BUILDINGS
        .iter()
        .find(|(id, _)| *id == building)
        .map(|(_, token)| *token)
        .expect("a test building")
}

pub fn fixed_clock(at: DateTime<Utc>) -> Clock {
    Arc::new(move || at)
}

pub fn central_config(pg: &Postgres) -> CentralConfig {
    CentralConfig::parse("test central.toml", &central_config_text(pg))
        .expect("a valid central config")
}

/// The central configuration file of the tests: the three buildings and two accounts.
pub fn central_config_text(pg: &Postgres) -> String {
    let mut text = format!("database_url = \"{}\"\npool_size = 4\n", pg.url());
    for (id, token) in BUILDINGS {
        text.push_str(&format!(
            "[[building]]\nid = \"{id}\"\nname = \"{id}\"\ntown = \"Town of {id}\"\ntoken_sha256 = \"{}\"\n",
            token_hash(token)
        ));
    }
    let hash = password_hash();
    text.push_str(&format!(
        "[[account]]\nname = \"landkreis\"\npassword_hash = \"{hash}\"\nrole = \"county_admin\"\n\
         [[account]]\nname = \"aufsicht\"\npassword_hash = \"{hash}\"\nrole = \"supervisor\"\nbuildings = [\"kreishaus\"]\n"
    ));
    text
}

/// The password of both test accounts.
pub const PASSWORD: &str = "county-pass-2026";

fn password_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| lotse_queue_server::auth::hash_password(PASSWORD).expect("a hash"))
}

/// A clock the test moves.
pub fn movable_clock(start: DateTime<Utc>) -> (Clock, Arc<std::sync::Mutex<DateTime<Utc>>>) {
    let now = Arc::new(std::sync::Mutex::new(start));
    let read = Arc::clone(&now);
    let clock: Clock = Arc::new(move || *read.lock().unwrap_or_else(|p| p.into_inner()));
    (clock, now)
}

/// A browser-like client logged in to `central` as `account` (cookies kept).
pub async fn logged_in(central: &Central, account: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let answer = client
        .post(format!("{}/county/login", central.url))
        .form(&[("name", account), ("password", PASSWORD)])
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 303, "{account} logs in");
    client
}

/// The central service in-process on a port of its own; stops when dropped.
pub struct Central {
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl Central {
    pub async fn start(pg: &Postgres, clock: Clock) -> Central {
        Central::start_on("127.0.0.1:0", pg, clock).await
    }

    pub async fn start_on(address: &str, pg: &Postgres, clock: Clock) -> Central {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(lotse_central::run(
            listener,
            central_config(pg),
            clock,
            None,
            async move {
                let _ = stopped.await;
            },
        ));
        let central = Central {
            url,
            stop: Some(stop),
            task: Some(task),
        };
        central.wait_until_up().await;
        central
    }

    async fn wait_until_up(&self) {
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if client
                .get(format!("{}/healthz", self.url))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the central service did not come up");
    }

    /// Stops the service and waits until it has.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Central {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A building server's state over a temporary SQLite file, with `days` generated days ending
/// yesterday and `[central]` naming `central_url`; days before the last `detail_days` are
/// folded for good.
pub struct BuildingServer {
    pub id: String,
    pub state: AppState,
    pub config: Config,
    _dir: tempfile::TempDir,
    _stopping: watch::Sender<bool>,
}

impl BuildingServer {
    pub async fn with_history(
        id: &str,
        central_url: &str,
        days: u32,
        detail_days: u32,
        seed: u64,
    ) -> BuildingServer {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let token_file = dir.path().join("central-token");
        std::fs::write(&token_file, format!("{}\n", token_of(id))).expect("token file");
        let text = EMBEDDED_BUILDING
            .replace("detail_days = 90", &format!("detail_days = {detail_days}"))
            + &format!(
                "\n[central]\nurl = \"{central_url}\"\nbuilding = \"{id}\"\ntoken_file = \"{}\"\n",
                token_file.display()
            );
        let config = Config::parse("test building.toml", &text).expect("a valid building");
        let db = dir.path().join("lotse.db");
        lotse_queue_server::cli::demo_history(&db, &config, days, seed, 120)
            .await
            .expect("a generated history");
        let store = Store::open(&db).expect("the store");
        let (stopping, stop_signal) = watch::channel(false);
        let clock: Clock = Arc::new(Utc::now);
        let state = AppState::new(store, config.clone(), clock, stop_signal, Limits::default());
        BuildingServer {
            id: id.to_owned(),
            state,
            config,
            _dir: dir,
            _stopping: stopping,
        }
    }

    pub fn link(&self) -> lotse_queue_server::central_push::Link {
        let central = self.config.building.central.as_ref().expect("[central]");
        lotse_queue_server::central_push::Link::open(central).expect("the link")
    }

    /// The building's own report of `period` from the cells (the figures that leave the
    /// building; missed appointments and desk shifts stay there).
    pub async fn own_report(&self, period: Period) -> Computed {
        BuildingServer::report_of(&self.state.store, &self.config, period).await
    }

    /// The building's own report of `period` narrowed by `filter` and split by `split`.
    pub async fn own_narrowed(
        &self,
        period: Period,
        filter: &Filter,
        split: Dimension,
    ) -> Computed {
        let (store, config) = (&self.state.store, &self.config);
        BuildingServer::narrowed_of(store, config, period, filter, split).await
    }

    /// [`BuildingServer::own_report`] of any building's store.
    pub async fn report_of(store: &Store, config: &Config, period: Period) -> Computed {
        let split = Dimension::Service;
        BuildingServer::narrowed_of(store, config, period, &Filter::default(), split).await
    }

    async fn narrowed_of(
        store: &Store,
        config: &Config,
        period: Period,
        filter: &Filter,
        split: Dimension,
    ) -> Computed {
        let at = ReadAt::new(Utc::now(), &Limits::default());
        let loaded = load(store, config, period, at)
            .await
            .expect("the building's statistics");
        let source = Source {
            cells: &loaded.cells,
            missed: &[],
            staffed: &[],
        };
        let context = Context {
            building: &config.building,
            zone: config.time_zone,
        };
        compute_from(source, context, period, filter, split, Lang::De)
    }
}

/// The last `days` local days before today in Berlin.
pub fn past_days(days: u32) -> Period {
    let today: NaiveDate = Utc::now()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .date_naive();
    let to = today.pred_opt().expect("yesterday");
    Period::new(to - chrono::Duration::days(i64::from(days) - 1), to).expect("a period")
}

/// The tables of a report as the CSV export writes them.
pub fn csv(computed: &Computed) -> String {
    String::from_utf8(lotse_queue_server::stats::export::tables_csv(&computed.tables).expect("CSV"))
        .expect("UTF-8")
}
