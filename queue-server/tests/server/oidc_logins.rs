//! OpenID Connect logins against a real provider (`support::oidc_provider`, npm's
//! `oidc-provider` on Node.js): the code flow with PKCE from the login button to a session
//! with role and agencies from the groups claim; a replayed or foreign state; a user in no
//! mapped group; tampered, expired, wrong-audience and wrong-issuer ID tokens; key rotation;
//! re-validation with the refresh token; RP-initiated logout.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support::oidc_provider::{self, OidcProvider};
use crate::support::{self, body_json, set_cookie_pair};

use std::str::FromStr;
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
use lotse_queue_server::storage::{accounts, audit};
use openidconnect::core::CoreIdToken;
use tower::ServiceExt;

fn auth_toml(provider: &OidcProvider, secret_file: &std::path::Path) -> String {
    format!(
        r#"
[auth]
methods = ["local", "oidc"]
revalidate_minutes = 5

[auth.oidc]
name = "Keycloak"
issuer = "{issuer}"
client_id = "{client}"
client_secret_file = "{secret}"
redirect_url = "{redirect}"
post_logout_redirect_url = "{after_logout}"
scopes = ["profile", "groups", "offline_access"]

[[auth.groups]]
group = "lotse-abh"
role = "staff"
agencies = ["immigration"]

[[auth.groups]]
group = "lotse-leads"
role = "supervisor"
agencies = ["*"]
"#,
        issuer = provider.issuer(),
        client = oidc_provider::CLIENT_ID,
        secret = secret_file.display(),
        redirect = oidc_provider::REDIRECT_URL,
        after_logout = oidc_provider::POST_LOGOUT_URL,
    )
}

struct Setup {
    provider: OidcProvider,
    state: AppState,
    time: Arc<Mutex<DateTime<Utc>>>,
    _dir: tempfile::TempDir,
}

async fn setup() -> Option<Setup> {
    let provider = OidcProvider::start()?;
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("client-secret");
    std::fs::write(&secret_file, oidc_provider::CLIENT_SECRET).unwrap();
    let mut config = Config::embedded().unwrap().always_open();
    config.auth =
        AuthConfig::parse("auth.toml", &auth_toml(&provider, &secret_file), &config).unwrap();
    let time = Arc::new(Mutex::new(
        Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap(),
    ));
    let clock = time.clone();
    let state = support::state(config, Arc::new(move || *clock.lock().unwrap()));
    Some(Setup {
        provider,
        state,
        time,
        _dir: dir,
    })
}

async fn send(state: &AppState, request: Request<Body>) -> Response<Body> {
    app(state.clone()).oneshot(request).await.unwrap()
}

/// A browser's login: the button, the provider (as `name`), the callback. Returns the
/// callback's request parts (pairing cookie, query) and its response.
struct Flow {
    pairing: String,
    query: String,
}

async fn begin(setup: &Setup, name: &str) -> Flow {
    let response = send(
        &setup.state,
        Request::get("/staff/login/oidc")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let pairing = set_cookie_pair(response.headers());
    assert!(pairing.starts_with("lotse_oidc="), "{pairing}");
    let authorization = response.headers()[header::LOCATION].to_str().unwrap();
    assert!(authorization.contains("code_challenge_method=S256"), "PKCE");
    assert!(authorization.contains("nonce="));
    setup.provider.next_user(name).await;
    let back = setup.provider.authorize(authorization).await;
    Flow {
        pairing,
        query: back.query().unwrap().to_owned(),
    }
}

async fn callback(setup: &Setup, flow: &Flow, cookie: Option<&str>) -> Response<Body> {
    let mut request = Request::get(format!("/staff/login/oidc/callback?{}", flow.query));
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(&setup.state, request.body(Body::empty()).unwrap()).await
}

/// Logs `name` in through the provider; the session cookie.
async fn log_in(setup: &Setup, name: &str) -> String {
    let flow = begin(setup, name).await;
    let response = callback(setup, &flow, Some(&flow.pairing)).await;
    assert_eq!(response.status(), StatusCode::OK, "{name}");
    set_cookie_pair(response.headers())
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

#[tokio::test]
async fn the_login_button_leads_through_the_provider_to_a_session_with_roles_from_groups() {
    let Some(setup) = setup().await else { return };
    let state = &setup.state;
    let page = send(
        state,
        Request::get("/staff/login").body(Body::empty()).unwrap(),
    )
    .await;
    let html = String::from_utf8(support::body_bytes(page).await.to_vec()).unwrap();
    assert!(html.contains("Anmelden mit Keycloak"), "{html}");

    let anna = log_in(&setup, "anna").await;
    assert!(anna.starts_with("lotse_session="), "{anna}");
    assert_eq!(
        status_with(state, "/api/v1/queues", &anna).await,
        StatusCode::OK
    );
    let row = account(state, "anna").await.unwrap();
    assert_eq!(
        (row.role, row.agencies, row.source),
        (
            Role::Staff,
            AgencyScope::Only(vec!["immigration".into()]),
            AccountSource::Oidc
        )
    );
    log_in(&setup, "lea").await;
    assert_eq!(account(state, "lea").await.unwrap().role, Role::Supervisor);
    let entries = state.store.read(|c| audit::recent(c, 10)).await.unwrap();
    let sources: Vec<&str> = entries
        .iter()
        .filter(|e| e.action == "login")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(sources, ["oidc", "oidc"]);

    // kurt is only in the canteen: no session, no account.
    let flow = begin(&setup, "kurt").await;
    let refused = callback(&setup, &flow, Some(&flow.pairing)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(account(state, "kurt").await.is_none());
}

#[tokio::test]
async fn a_replayed_or_foreign_state_is_refused() {
    let Some(setup) = setup().await else { return };
    let flow = begin(&setup, "anna").await;
    // Another browser (without the pairing cookie) brings the code back: refused, and the
    // state is used up.
    let foreign = callback(&setup, &flow, None).await;
    assert_eq!(foreign.status(), StatusCode::BAD_REQUEST);
    let late = callback(&setup, &flow, Some(&flow.pairing)).await;
    assert_eq!(late.status(), StatusCode::BAD_REQUEST);

    let flow = begin(&setup, "anna").await;
    let first = callback(&setup, &flow, Some(&flow.pairing)).await;
    assert_eq!(first.status(), StatusCode::OK);
    let replayed = callback(&setup, &flow, Some(&flow.pairing)).await;
    assert_eq!(replayed.status(), StatusCode::BAD_REQUEST);
    let sessions: i64 = setup
        .state
        .store
        .read(|c| {
            c.query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))
                .map_err(lotse_queue_server::storage::StorageError::from)
        })
        .await
        .unwrap();
    assert_eq!(sessions, 1);
}

#[tokio::test]
async fn tampered_expired_and_foreign_id_tokens_are_refused() {
    let Some(setup) = setup().await else { return };
    let oidc = setup.state.directory.oidc().unwrap();
    let now = Utc::now().timestamp();
    let claims = |aud: &str, iss: &str, exp: i64| {
        serde_json::json!({
            "iss": iss, "aud": aud, "sub": "anna", "preferred_username": "anna",
            "groups": ["lotse-abh"], "iat": now - 60, "exp": exp,
        })
    };
    let issuer = setup.provider.issuer();
    let check = async |token: &str| {
        let token = CoreIdToken::from_str(token).unwrap();
        oidc.verify(&token, None).await
    };
    let good = setup
        .provider
        .sign(claims("lotse", &issuer, now + 300))
        .await;
    let verified = check(&good).await.unwrap();
    assert_eq!(verified["groups"][0], "lotse-abh");

    // The payload swapped for one with the supervisors' group, the signature kept.
    let forged_claims = serde_json::json!({
        "iss": issuer, "aud": "lotse", "sub": "anna", "preferred_username": "anna",
        "groups": ["lotse-leads"], "iat": now - 60, "exp": now + 300,
    });
    use base64::Engine;
    let forged_payload =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(forged_claims.to_string());
    let parts: Vec<&str> = good.split('.').collect();
    let tampered = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
    assert!(check(&tampered).await.is_err(), "tampered");

    let expired = setup
        .provider
        .sign(claims("lotse", &issuer, now - 600))
        .await;
    let error = check(&expired).await.unwrap_err().to_string();
    assert!(error.contains("xpired"), "{error}");
    let other_audience = setup
        .provider
        .sign(claims("another-app", &issuer, now + 300))
        .await;
    assert!(check(&other_audience).await.is_err(), "audience");
    let other_issuer = setup
        .provider
        .sign(claims("lotse", "http://evil.example", now + 300))
        .await;
    assert!(check(&other_issuer).await.is_err(), "issuer");
}

#[tokio::test]
async fn logins_keep_working_after_the_provider_rotates_its_signing_key() {
    let Some(mut setup) = setup().await else {
        return;
    };
    log_in(&setup, "anna").await;
    // New signing key "b": the server's cached keys know only "a".
    setup.provider.rotate_keys();
    let after = log_in(&setup, "anna").await;
    assert_eq!(
        status_with(&setup.state, "/api/v1/queues", &after).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_user_taken_out_of_their_group_loses_access_at_the_next_revalidation() {
    let Some(setup) = setup().await else { return };
    let state = &setup.state;
    let anna = log_in(&setup, "anna").await;
    let lea = log_in(&setup, "lea").await;
    setup.provider.set_groups("lea", &[]).await;
    // Promoted: anna's next re-validation gives her the supervisors' role.
    setup
        .provider
        .set_groups("anna", &["lotse-abh", "lotse-leads"])
        .await;
    *setup.time.lock().unwrap() += Duration::minutes(6);
    let done = revalidate_due(
        &state.store,
        &state.config.auth,
        &state.directory,
        state.now(),
    )
    .await
    .unwrap();
    assert_eq!(
        done,
        Revalidated {
            confirmed: 1,
            withdrawn: 1,
            unanswered: 0
        }
    );
    assert_eq!(
        status_with(state, "/api/v1/queues", &lea).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_with(state, "/api/v1/queues", &anna).await,
        StatusCode::OK
    );
    assert_eq!(account(state, "anna").await.unwrap().role, Role::Supervisor);
}

#[tokio::test]
async fn logging_out_logs_out_at_the_provider_too() {
    let Some(setup) = setup().await else { return };
    let state = &setup.state;
    let anna = log_in(&setup, "anna").await;
    let request = Request::get("/api/v1/session")
        .header(header::COOKIE, &anna)
        .body(Body::empty())
        .unwrap();
    let csrf = body_json(send(state, request).await).await["csrf_token"]
        .as_str()
        .map(str::to_owned);
    let csrf = match csrf {
        Some(csrf) => csrf,
        // No session read-back on this API: take it from the console page.
        None => {
            let page = send(
                state,
                Request::get("/staff")
                    .header(header::COOKIE, &anna)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
            let html = String::from_utf8(support::body_bytes(page).await.to_vec()).unwrap();
            html.split("name=\"csrf\" value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        }
    };
    let request = Request::post("/staff/logout")
        .header(header::COOKIE, &anna)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}")))
        .unwrap();
    let response = send(state, request).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = response.headers()[header::LOCATION].to_str().unwrap();
    let end_session = format!("{}/session/end?", setup.provider.issuer());
    assert!(to.starts_with(&end_session), "{to}");
    assert!(to.contains("id_token_hint="), "{to}");
    assert_eq!(
        status_with(state, "/api/v1/queues", &anna).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn with_the_provider_down_the_page_says_so_and_the_local_admin_logs_in() {
    let Some(mut setup) = setup().await else {
        return;
    };
    setup.provider.stop();
    let state = &setup.state;
    let response = send(
        state,
        Request::get("/staff/login/oidc")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let html = String::from_utf8(support::body_bytes(response).await.to_vec()).unwrap();
    assert!(
        html.contains("Der Anmeldedienst ist gerade nicht erreichbar"),
        "{html}"
    );
    support::add_user(state, "admin", Role::Admin, "*").await;
    support::login(state, "admin").await;
}
