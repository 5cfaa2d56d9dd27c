//! Central logins, hardened like the building's and with its parts: argon2id checks bounded
//! by `PasswordChecks`, a throttle per account name (`FailureWindow`), a dummy hash for
//! unknown names, HttpOnly SameSite=Strict cookies (`http::cookies`), a CSRF token on every
//! form that changes something, an idle timeout and a longest session. Sessions live in the
//! database (any instance serves them); the throttle counts per instance.

use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use lotse_queue_server::auth::{dummy_hash, new_secret, token_hash};
use lotse_queue_server::http::cookies;
use maud::html;
use serde::Deserialize;

use super::{county_page, html_response, lang_of};
use crate::config::Role;
use crate::db::sessions;
use crate::error::CentralError;
use crate::state::CentralState;

pub const COOKIE: &str = "lotse_county";
const COOKIE_PATH: &str = "/county";
/// A session unused this long ends.
pub const IDLE_TIMEOUT_MINUTES: i64 = 30;
/// No session lasts longer than this.
pub const SESSION_HOURS: i64 = 12;

/// The logged-in central account of a page request.
#[derive(Debug, Clone)]
pub struct CountyUser {
    pub account: String,
    pub role: Role,
    pub buildings: Vec<String>,
    pub csrf: String,
}

impl CountyUser {
    pub fn sees(&self, building: &str) -> bool {
        self.role == Role::CountyAdmin || self.buildings.iter().any(|b| b == building)
    }
}

/// Not logged in: to the login page.
pub struct ToLogin;

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        Redirect::to("/county/login").into_response()
    }
}

impl FromRequestParts<CentralState> for CountyUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &CentralState,
    ) -> Result<Self, Self::Rejection> {
        let Some(secret) = cookies::read(&parts.headers, COOKIE) else {
            return Err(ToLogin.into_response());
        };
        let now = state.now();
        let session = sessions::touch(
            &state.pool,
            &token_hash(&secret),
            now,
            now - Duration::minutes(IDLE_TIMEOUT_MINUTES),
            now - Duration::hours(SESSION_HOURS),
        )
        .await
        .map_err(|e| CentralError::from(e).into_response())?;
        let Some(session) = session else {
            return Err(ToLogin.into_response());
        };
        // An account removed from the configuration ends its sessions.
        let Some(account) = state.config.account(&session.account) else {
            return Err(ToLogin.into_response());
        };
        Ok(CountyUser {
            account: account.name.clone(),
            role: account.role,
            buildings: account.buildings.clone(),
            csrf: session.csrf_token,
        })
    }
}

#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

pub async fn form(Query(query): Query<LangQuery>) -> Response {
    login_page(StatusCode::OK, query.lang.as_deref(), None)
}

fn login_page(status: StatusCode, lang: Option<&str>, problem: Option<&str>) -> Response {
    let lang = lang_of(lang);
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let content = html! {
        h1 { (l("Anmelden", "Log in")) }
        @if let Some(problem) = problem { p.banner role="alert" { (problem) } }
        form.login method="post" action="/county/login" {
            label { (l("Name", "Name")) input name="name" autocomplete="username" required; }
            label { (l("Passwort", "Password")) input type="password" name="password" autocomplete="current-password" required; }
            button.primary type="submit" { (l("Anmelden", "Log in")) }
        }
    };
    html_response(
        status,
        county_page(l("Anmelden", "Log in"), None, lang, content),
    )
}

#[derive(Deserialize)]
pub struct Credentials {
    name: String,
    password: String,
}

pub async fn log_in(
    State(state): State<CentralState>,
    headers: HeaderMap,
    Form(credentials): Form<Credentials>,
) -> Response {
    let now = state.now();
    let Some(attempt) = state.logins.begin(&credentials.name, now) else {
        return login_page(
            StatusCode::TOO_MANY_REQUESTS,
            None,
            Some(
                "Zu viele Versuche – bitte eine Minute warten. / Too many attempts: wait a minute.",
            ),
        );
    };
    let account = state.config.account(&credentials.name).cloned();
    let stored = account
        .as_ref()
        .map_or(dummy_hash().to_owned(), |a| a.password_hash.clone());
    let matches = match state.passwords.verify(credentials.password, stored).await {
        Ok(matches) => matches,
        Err(_) => {
            return login_page(
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                Some("Busy, try again."),
            );
        }
    };
    let Some(account) = account.filter(|_| matches) else {
        tracing::info!(name = %lotse_queue_server::http::session::log_safe(&credentials.name), "central login refused");
        return login_page(
            StatusCode::UNAUTHORIZED,
            None,
            Some("Name oder Passwort falsch. / Wrong name or password."),
        );
    };
    state.logins.forget(attempt);
    let secret = new_secret();
    if let Err(error) = sessions::create(
        &state.pool,
        &token_hash(&secret),
        &account.name,
        &new_secret(),
        now,
    )
    .await
    {
        return CentralError::from(error).into_response();
    }
    let cookie = match cookies::set(COOKIE, &secret, COOKIE_PATH, SESSION_HOURS * 3600, &headers) {
        Ok(cookie) => cookie,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (
                header::LOCATION,
                "/county"
                    .parse()
                    .unwrap_or(header::HeaderValue::from_static("/county")),
            ),
        ],
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LogOut {
    csrf: String,
}

pub async fn log_out(
    State(state): State<CentralState>,
    user: CountyUser,
    headers: HeaderMap,
    Form(form): Form<LogOut>,
) -> Response {
    if !cookies::same_secret(&form.csrf, &user.csrf) {
        return CentralError::Forbidden.into_response();
    }
    if let Some(secret) = cookies::read(&headers, COOKIE)
        && let Err(error) = sessions::delete(&state.pool, &token_hash(&secret)).await
    {
        return CentralError::from(error).into_response();
    }
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookies::clear(COOKIE, COOKIE_PATH)),
            (
                header::LOCATION,
                header::HeaderValue::from_static("/county/login"),
            ),
        ],
    )
        .into_response()
}
