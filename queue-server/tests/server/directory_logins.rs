//! Directory logins against a real OpenLDAP server (`support::slapd`), in-process with a
//! clock the test moves: role, agencies and languages from groups (a nested group too), a
//! wrong password, a user in no mapped group, the directory down (the login page says so, the
//! local admin still logs in), and re-validation ending the sessions of a user taken out of
//! their group.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support::slapd::{self, Slapd};
use crate::support::{self, PASSWORD, body_bytes, body_json, set_cookie_pair};

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use lotse_protocol::Role;
use lotse_queue_server::config::Config;
use lotse_queue_server::config::auth::AuthConfig;
use lotse_queue_server::directory::revalidate::{Revalidated, revalidate_due};
use lotse_queue_server::domain::AgencyScope;
use lotse_queue_server::domain::directory::AccountSource;
use lotse_queue_server::http::{AppState, app};
use lotse_queue_server::storage::{accounts, audit, interpreters};
use tower::ServiceExt;

/// The auth file of these tests: local accounts and the test directory over plain LDAP,
/// three mapped groups.
fn auth_toml(slapd: &Slapd, password_file: &std::path::Path) -> String {
    let connection = format!("url = \"{}\"\nallow_plain = true", slapd.url());
    auth_toml_over(&connection, password_file)
}

/// The auth file with `connection` (the `url` and TLS lines of `[auth.ldap]`).
fn auth_toml_over(connection: &str, password_file: &std::path::Path) -> String {
    format!(
        r#"
[auth]
methods = ["local", "ldap"]
revalidate_minutes = 5

[auth.ldap]
{connection}
bind_dn = "{service}"
bind_password_file = "{password_file}"
user_base = "ou=people,{suffix}"
user_filter = "(&(objectClass=inetOrgPerson)(uid={{name}}))"
groups = "search"
group_base = "ou=groups,{suffix}"
connect_timeout_seconds = 2
operation_timeout_seconds = 2

[[auth.groups]]
group = "{abh}"
role = "staff"
agencies = ["immigration"]

[[auth.groups]]
group = "{supervisors}"
role = "supervisor"
agencies = ["*"]

[[auth.groups]]
group = "{interpreters}"
role = "interpreter"
languages = ["ar"]
"#,
        service = slapd::SERVICE_DN,
        password_file = password_file.display(),
        suffix = slapd::SUFFIX,
        abh = slapd::group("abh-staff"),
        supervisors = slapd::group("supervisors"),
        interpreters = slapd::group("arabic-interpreters"),
    )
}

struct Setup {
    slapd: Slapd,
    state: AppState,
    time: Arc<Mutex<DateTime<Utc>>>,
    _dir: tempfile::TempDir,
}

impl Setup {
    fn advance(&self, by: Duration) {
        *self.time.lock().unwrap() += by;
    }

    async fn revalidate(&self) -> Revalidated {
        let state = &self.state;
        revalidate_due(
            &state.store,
            &state.config.auth,
            &state.directory,
            state.now(),
        )
        .await
        .unwrap()
    }
}

/// slapd with the test directory and a server state using it; `None` without slapd.
async fn setup() -> Option<Setup> {
    let slapd = Slapd::start()?;
    let dir = tempfile::tempdir().unwrap();
    let password_file = dir.path().join("ldap-password");
    std::fs::write(&password_file, format!("{}\n", slapd::SERVICE_PASSWORD)).unwrap();
    let mut config = Config::embedded().unwrap().always_open();
    config.auth =
        AuthConfig::parse("auth.toml", &auth_toml(&slapd, &password_file), &config).unwrap();
    let time = Arc::new(Mutex::new(
        Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap(),
    ));
    let clock = time.clone();
    let state = support::state(config, Arc::new(move || *clock.lock().unwrap()));
    Some(Setup {
        slapd,
        state,
        time,
        _dir: dir,
    })
}

async fn send(state: &AppState, request: Request<Body>) -> Response<Body> {
    app(state.clone()).oneshot(request).await.unwrap()
}

/// Logs in over the API; the response.
async fn log_in(state: &AppState, name: &str, password: &str) -> Response<Body> {
    let body = serde_json::json!({ "name": name, "password": password }).to_string();
    let request = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    send(state, request).await
}

/// Logs in with the user's directory password; the session cookie and the role.
async fn log_in_as(state: &AppState, name: &str) -> (String, String) {
    let response = log_in(state, name, &slapd::password_of(name)).await;
    assert_eq!(response.status(), StatusCode::OK, "{name}");
    let cookie = set_cookie_pair(response.headers());
    let session = body_json(response).await;
    (cookie, session["role"].as_str().unwrap().to_owned())
}

async fn status_with(state: &AppState, path: &str, cookie: &str) -> StatusCode {
    let request = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(state, request).await.status()
}

async fn account(state: &AppState, name: &'static str) -> Option<accounts::UserRow> {
    let users = state.store.read(accounts::users).await.unwrap();
    users.into_iter().find(|u| u.name == name)
}

async fn error_code(response: Response<Body>) -> String {
    body_json(response).await["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn directory_users_get_role_agencies_and_languages_from_their_groups() {
    let Some(setup) = setup().await else { return };
    let state = &setup.state;

    let (cookie, role) = log_in_as(state, "anna").await;
    assert_eq!(role, "staff");
    assert_eq!(
        status_with(state, "/api/v1/queues", &cookie).await,
        StatusCode::OK
    );
    let anna = account(state, "anna").await.unwrap();
    assert_eq!(anna.role, Role::Staff);
    assert_eq!(anna.agencies, AgencyScope::Only(vec!["immigration".into()]));
    assert_eq!(anna.source, AccountSource::Ldap);

    // lea is in team-leads, which is in supervisors: a nested group.
    let (_, role) = log_in_as(state, "lea").await;
    assert_eq!(role, "supervisor");
    assert_eq!(
        account(state, "lea").await.unwrap().agencies,
        AgencyScope::All
    );

    let (_, role) = log_in_as(state, "omar").await;
    assert_eq!(role, "interpreter");
    let languages = state
        .store
        .read(|c| interpreters::languages_of(c, "omar"))
        .await
        .unwrap();
    assert_eq!(languages, ["ar"]);

    // The audit log records where each login was checked.
    let entries = state.store.read(|c| audit::recent(c, 10)).await.unwrap();
    let logins: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.action == "login")
        .map(|e| (e.actor.clone(), e.detail.clone()))
        .collect();
    assert_eq!(logins.len(), 3, "{entries:?}");
    assert!(
        logins.iter().all(|(_, detail)| detail == "ldap"),
        "{logins:?}"
    );

    // The admin page shows them as directory accounts, without a password form.
    support::add_user(state, "admin", Role::Admin, "*").await;
    let (admin, _) = support::login(state, "admin").await;
    let request = Request::get("/staff/admin")
        .header(header::COOKIE, &admin)
        .body(Body::empty())
        .unwrap();
    let page = String::from_utf8(body_bytes(send(state, request).await).await.to_vec()).unwrap();
    assert!(
        page.contains("Verzeichnis (LDAP), kein lokales Passwort"),
        "{page}"
    );
    assert!(!page.contains("Neues Passwort für anna"));
    assert!(page.contains("Neues Passwort für admin"));
}

#[tokio::test]
async fn a_wrong_password_an_unknown_name_and_a_user_in_no_mapped_group_are_refused() {
    let Some(setup) = setup().await else { return };
    let state = &setup.state;

    let wrong = log_in(state, "anna", "not-annas-password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(wrong).await, "invalid_credentials");
    let empty = log_in(state, "anna", "").await;
    assert_eq!(
        empty.status(),
        StatusCode::UNAUTHORIZED,
        "an unauthenticated bind"
    );
    let unknown = log_in(state, "nobody", "whatever-password").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    // A filter-breaking name finds nobody, it does not widen the search.
    let injected = log_in(state, "*", "anna-password").await;
    assert_eq!(injected.status(), StatusCode::UNAUTHORIZED);

    // kurt's password is right, but only the canteen knows him.
    let unmapped = log_in(state, "kurt", &slapd::password_of("kurt")).await;
    assert_eq!(unmapped.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(unmapped).await, "forbidden");
    assert!(
        account(state, "kurt").await.is_none(),
        "no account for kurt"
    );
    assert!(account(state, "anna").await.is_none());

    // Wrong directory passwords count against the throttle like local ones: two above,
    // three more make five, and then even the right password waits.
    for _ in 0..3 {
        let wrong = log_in(state, "anna", "still wrong").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = log_in(state, "anna", &slapd::password_of("anna")).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_local_account_is_never_checked_against_the_directory() {
    let Some(setup) = setup().await else { return };
    let state = &setup.state;
    // A local "anna" (break-glass, or a name clash): her directory password does not open it.
    support::add_user(state, "anna", Role::Admin, "*").await;
    let response = log_in(state, "anna", &slapd::password_of("anna")).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let local = log_in(state, "anna", PASSWORD).await;
    assert_eq!(local.status(), StatusCode::OK);
    assert_eq!(
        account(state, "anna").await.unwrap().source,
        AccountSource::Local
    );
}

/// The login page's form: its pairing cookie and hidden CSRF value.
async fn login_form(state: &AppState) -> (String, String) {
    let response = send(
        state,
        Request::get("/staff/login").body(Body::empty()).unwrap(),
    )
    .await;
    let cookie = set_cookie_pair(response.headers());
    let page = String::from_utf8(body_bytes(response).await.to_vec()).unwrap();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    (cookie, csrf)
}

#[tokio::test]
async fn with_the_directory_down_the_login_page_says_so_and_the_local_admin_logs_in() {
    let Some(mut setup) = setup().await else {
        return;
    };
    support::add_user(&setup.state, "admin", Role::Admin, "*").await;
    setup.slapd.stop();
    let state = &setup.state;

    let api = log_in(state, "anna", &slapd::password_of("anna")).await;
    assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error_code(api).await, "directory_unavailable");

    let (cookie, csrf) = login_form(state).await;
    let body = format!("name=anna&password=anna-password&csrf={csrf}");
    let request = Request::post("/staff/login")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let response = send(state, request).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = String::from_utf8(body_bytes(response).await.to_vec()).unwrap();
    assert!(
        page.contains("Der Verzeichnisdienst (Anmeldung mit dem Dienstkonto) ist gerade nicht"),
        "{page}"
    );

    // The local break-glass admin is not held up by the directory.
    let admin = log_in(state, "admin", PASSWORD).await;
    assert_eq!(admin.status(), StatusCode::OK);

    // A directory that does not answer is no failed attempt: back up, anna logs in at once,
    // after more tries than the throttle allows.
    for _ in 0..6 {
        let down = log_in(state, "anna", &slapd::password_of("anna")).await;
        assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    setup.slapd.run();
    let (_, role) = log_in_as(&setup.state, "anna").await;
    assert_eq!(role, "staff");
}

#[tokio::test]
async fn a_user_taken_out_of_their_group_loses_access_at_the_next_revalidation() {
    let Some(setup) = setup().await else { return };
    let state = &setup.state;
    let (anna, _) = log_in_as(state, "anna").await;
    let (lea, _) = log_in_as(state, "lea").await;
    let (omar, _) = log_in_as(state, "omar").await;

    setup
        .slapd
        .remove_member("abh-staff", &slapd::person("anna"));
    // The nested membership goes: team-leads is no longer part of supervisors.
    setup
        .slapd
        .remove_member("supervisors", &slapd::group("team-leads"));
    // Not due yet: nothing is looked up, the sessions go on.
    assert_eq!(setup.revalidate().await, Revalidated::default());
    assert_eq!(
        status_with(state, "/api/v1/queues", &anna).await,
        StatusCode::OK
    );

    setup.advance(Duration::minutes(6));
    let done = setup.revalidate().await;
    assert_eq!(
        done,
        Revalidated {
            confirmed: 1,
            withdrawn: 2,
            unanswered: 0
        }
    );
    assert_eq!(
        status_with(state, "/api/v1/queues", &anna).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_with(state, "/api/v1/queues", &lea).await,
        StatusCode::UNAUTHORIZED
    );
    let interpreters_page = status_with(state, "/staff/interpreter", &omar).await;
    assert_eq!(interpreters_page, StatusCode::OK, "omar is still mapped");
    let entries = state.store.read(|c| audit::recent(c, 20)).await.unwrap();
    let withdrawn: Vec<&str> = entries
        .iter()
        .filter(|e| e.action == "directory-withdraw")
        .map(|e| e.actor.as_str())
        .collect();
    assert_eq!(withdrawn, ["lea", "anna"], "{entries:?}");
    // And a new login is refused as well.
    let again = log_in(state, "anna", &slapd::password_of("anna")).await;
    assert_eq!(again.status(), StatusCode::FORBIDDEN);

    // A directory that does not answer leaves the remaining session alone.
    setup.advance(Duration::minutes(6));
    let mut setup = setup;
    setup.slapd.stop();
    let done = setup.revalidate().await;
    assert_eq!(done.unanswered, 1);
    assert_eq!(
        status_with(&setup.state, "/staff/interpreter", &omar).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn logins_reuse_a_directory_connection_and_replace_one_the_directory_dropped() {
    let Some(mut setup) = setup().await else {
        return;
    };
    let state = &setup.state;
    // One after another: one connection, kept between the logins and the re-validation.
    let (anna, _) = log_in_as(state, "anna").await;
    log_in_as(state, "lea").await;
    log_in_as(state, "anna").await;
    setup.advance(Duration::minutes(16));
    assert_eq!(setup.revalidate().await.confirmed, 2);
    assert_eq!(state.directory.ldap_connections_opened(), 1);
    // A wrong password leaves its connection bound as nobody: it is not kept, the next check
    // gets the kept one.
    let wrong = log_in(state, "anna", "not-her-password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(state.directory.ldap_connections_opened(), 1);
    log_in_as(state, "omar").await;
    assert_eq!(state.directory.ldap_connections_opened(), 2);

    // The directory restarts: the kept connections are dead; the next login connects anew
    // and succeeds at the first try.
    setup.slapd.stop();
    setup.slapd.run();
    let state = &setup.state;
    let (_, role) = log_in_as(state, "anna").await;
    assert_eq!(role, "staff");
    assert_eq!(state.directory.ldap_connections_opened(), 3);
    assert_eq!(
        status_with(state, "/api/v1/queues", &anna).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn ldaps_and_starttls_trust_only_the_configured_ca() {
    let Some((slapd, tls)) = Slapd::start_with_tls() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let password_file = dir.path().join("ldap-password");
    std::fs::write(&password_file, slapd::SERVICE_PASSWORD).unwrap();
    let ldaps = format!("ldaps://127.0.0.1:{}", slapd.tls_port.unwrap());
    let connections = [
        (format!("url = \"{ldaps}\""), "LDAPS"),
        (
            format!("url = \"{}\"\nstarttls = true", slapd.url()),
            "StartTLS",
        ),
    ];
    for (connection, how) in connections {
        for (ca, expected) in [
            (&tls.ca, StatusCode::OK),
            (&tls.other_ca, StatusCode::SERVICE_UNAVAILABLE),
        ] {
            let lines = format!("{connection}\nca_file = \"{}\"", ca.display());
            let mut config = Config::embedded().unwrap().always_open();
            config.auth = AuthConfig::parse(
                "auth.toml",
                &auth_toml_over(&lines, &password_file),
                &config,
            )
            .unwrap();
            let state = support::state(config, Arc::new(Utc::now));
            let response = log_in(&state, "anna", &slapd::password_of("anna")).await;
            assert_eq!(
                response.status(),
                expected,
                "{how} trusting {}",
                ca.display()
            );
        }
    }
}
