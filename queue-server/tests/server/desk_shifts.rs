//! Desk shifts (desk utilisation), in-process with a clock the test moves: a shift starts
//! when a session takes a desk and ends when it changes desk, logs out, or idles out (at its
//! last activity); two sessions at one desk count once; the stats show staffed time and
//! utilisation per desk; the shifts carry no account.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use std::sync::Mutex;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use lotse_protocol::Role;
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::stats::staffing::Shift;
use lotse_queue_server::storage::{accounts, desk_shifts};
use tower::ServiceExt;

struct Clerk {
    state: AppState,
    cookie: String,
    csrf: String,
}

impl Clerk {
    async fn log_in(state: &AppState, name: &str) -> Clerk {
        let (cookie, csrf) = support::login(state, name).await;
        Clerk {
            state: state.clone(),
            cookie,
            csrf,
        }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        let response = app(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = support::body_bytes(response).await;
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    async fn sit_at(&self, desk: &str) {
        let request = Request::post("/staff/desk")
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={}&desk={desk}", self.csrf)))
            .unwrap();
        assert_eq!(self.send(request).await.0, StatusCode::SEE_OTHER);
    }

    /// A request that counts as activity.
    async fn work(&self) {
        let request = Request::get("/api/v1/queues")
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .unwrap();
        assert_eq!(self.send(request).await.0, StatusCode::OK);
    }

    async fn log_out(&self) {
        let request = Request::delete("/api/v1/session")
            .header(header::COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .body(Body::empty())
            .unwrap();
        assert_eq!(self.send(request).await.0, StatusCode::NO_CONTENT);
    }

    async fn get(&self, uri: &str) -> (StatusCode, String) {
        let request = Request::get(uri)
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }
}

fn advance(clock: &Mutex<DateTime<Utc>>, minutes: i64) {
    *clock.lock().unwrap() += Duration::minutes(minutes);
}

/// Lets `minutes` pass in steps of five, `working` making a request at each.
async fn pass(clock: &Mutex<DateTime<Utc>>, minutes: i64, working: &[&Clerk]) {
    for _ in 0..minutes / 5 {
        advance(clock, 5);
        for clerk in working {
            clerk.work().await;
        }
    }
}

/// The shifts written, in minutes after 10:00 (the test clock's start).
async fn written_shifts(state: &AppState) -> Vec<(String, i64, i64)> {
    let start = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
    state
        .store
        .read(move |c| {
            let mut statement =
                c.prepare("SELECT desk, started_at, ended_at FROM desk_shifts ORDER BY id")?;
            let rows = statement.query_map([], |row| {
                let minutes = |ms: i64| (ms - start.timestamp_millis()) / 60_000;
                Ok((row.get(0)?, minutes(row.get(1)?), minutes(row.get(2)?)))
            })?;
            Ok::<_, support::TestError>(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
        .unwrap()
}

const TEN: i64 = 0;

#[tokio::test]
async fn shifts_follow_desk_choice_logout_and_idle_timeout() {
    let (state, clock) = support::state_with_clock();
    for name in ["anna", "ben", "cara"] {
        support::add_user(&state, name, Role::Staff, "*").await;
    }
    support::add_user(&state, "lead", Role::Supervisor, "*").await;
    let anna = Clerk::log_in(&state, "anna").await;
    let cara = Clerk::log_in(&state, "cara").await;
    anna.sit_at("eg-04").await;
    cara.sit_at("eg-06").await;
    pass(&clock, 30, &[&anna, &cara]).await;
    let ben = Clerk::log_in(&state, "ben").await;
    ben.sit_at("eg-04").await;
    // The same desk again keeps the shift going.
    ben.sit_at("eg-04").await;
    pass(&clock, 30, &[&anna, &ben, &cara]).await;
    // 11:00: Anna moves to eg-05, works until 11:20 and then leaves without logging out.
    anna.sit_at("eg-05").await;
    pass(&clock, 20, &[&anna, &ben, &cara]).await;
    pass(&clock, 10, &[&ben, &cara]).await;
    // 11:30: Ben logs out.
    ben.log_out().await;
    pass(&clock, 15, &[&cara]).await;
    assert_eq!(
        written_shifts(&state).await,
        [
            ("eg-04".to_owned(), TEN, TEN + 60),
            ("eg-04".to_owned(), TEN + 30, TEN + 90),
        ]
    );
    // 12:00: Anna was last active at 11:20; the purge ends her session (idle since 11:30)
    // and her shift at her last activity. Cara's session lives on.
    pass(&clock, 15, &[&cara]).await;
    let now = state.now();
    let idle_since = state.limits.session_idle_since(now);
    let ended = state
        .store
        .run(move |c| accounts::delete_ended_sessions(c, now, idle_since))
        .await
        .unwrap();
    assert_eq!(ended, 1);
    assert_eq!(
        written_shifts(&state).await[2],
        ("eg-05".to_owned(), TEN + 60, TEN + 80)
    );
    // Cara's open shift counts until now.
    let (from, to) = (now - Duration::hours(3), now);
    let open: Vec<Shift> = state
        .store
        .read(move |c| desk_shifts::shifts(c, from, to, now, idle_since))
        .await
        .unwrap();
    assert!(open.contains(&Shift {
        desk: "eg-06".into(),
        started_at: now - Duration::hours(2),
        ended_at: now,
    }));

    // The stats (desks by their names): eg-04 staffed 10:00–11:30 (two sessions, counted once) = 1.5 h, eg-05
    // 20 min, eg-06 2 h; nobody was served: 0 %.
    let lead = Clerk::log_in(&state, "lead").await;
    let (status, csv) = lead.get("/staff/stats/export?range=today&format=csv").await;
    assert_eq!(status, StatusCode::OK);
    for row in [
        "desks,Schalter 4,besetzt (h),1.5\r\n",
        "desks,Schalter 5,besetzt (h),0.3\r\n",
        "desks,Schalter 6,besetzt (h),2.0\r\n",
        "desks,Schalter 6,Auslastung,0.0\r\n",
    ] {
        assert!(csv.contains(row), "{row} in {csv}");
    }
}

#[tokio::test]
async fn desk_shifts_carry_no_account() {
    let (state, _clock) = support::state_with_clock();
    let columns: Vec<String> = state
        .store
        .read(|c| {
            let mut statement = c.prepare("SELECT name FROM pragma_table_info('desk_shifts')")?;
            let names = statement.query_map([], |row| row.get(0))?;
            Ok::<_, support::TestError>(names.collect::<Result<Vec<String>, _>>()?)
        })
        .await
        .unwrap();
    assert_eq!(columns, ["id", "desk", "started_at", "ended_at"]);
}

#[tokio::test]
async fn a_disabled_account_s_shift_ends_at_its_last_activity() {
    let (state, clock) = support::state_with_clock();
    support::add_user(&state, "anna", Role::Staff, "*").await;
    let anna = Clerk::log_in(&state, "anna").await;
    anna.sit_at("eg-01").await;
    advance(&clock, 20);
    anna.work().await;
    advance(&clock, 25);
    state
        .store
        .run(|c| accounts::set_user_disabled(c, "anna", true))
        .await
        .unwrap();
    assert_eq!(
        written_shifts(&state).await,
        [("eg-01".to_owned(), TEN, TEN + 20)]
    );
}
