//! "Log in with <provider>": the start of an OpenID Connect login (to the provider, with a
//! cookie that pairs the callback with this browser) and its callback (the code exchanged,
//! the ID token checked, the groups mapped, a session opened). The flow is
//! `directory::oidc`.

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::html_response;
use super::layout::staff_page;
use crate::directory::oidc::{OidcError, PENDING_MINUTES};
use crate::domain::directory::AccountSource;
use crate::http::AppState;
use crate::http::cookies;
use crate::http::error::AppError;
use crate::http::extract::ClientAddress;
use crate::http::session::open_directory_session;

/// The cookie that pairs the provider's callback with the browser that began the login.
/// SameSite=Lax: the callback is a navigation from the provider's site.
const PAIRING_COOKIE: &str = "lotse_oidc";
const CALLBACK_PATH: &str = "/staff/login/oidc";

/// A page with a message and the way back to the login page.
fn problem(status: StatusCode, text: &str) -> Response {
    let content = html! {
        section.login {
            h1 { "Anmelden" }
            p.error role="alert" { (text) }
            p { a href="/staff/login" { "Zurück zur Anmeldung" } }
        }
    };
    html_response(status, staff_page("Anmelden", None, None, content))
}

pub async fn begin(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(oidc) = state.directory.oidc() else {
        return AppError::NotFound.into_response();
    };
    match oidc.begin().await {
        Ok((url, browser)) => {
            let max_age = i64::try_from(PENDING_MINUTES * 60).unwrap_or(600);
            let mut response = Redirect::to(&url).into_response();
            if let Ok(cookie) =
                cookies::set_lax(PAIRING_COOKIE, &browser, CALLBACK_PATH, max_age, &headers)
            {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            response
        }
        Err(error) => {
            tracing::error!(%error, "the OpenID provider cannot be reached");
            problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "Der Anmeldedienst ist gerade nicht erreichbar. Bitte in einigen Minuten noch \
                 einmal versuchen oder die IT anrufen. Lokale Konten können sich weiter anmelden.",
            )
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    /// The provider's refusal (`access_denied`, …).
    error: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Query(callback): Query<Callback>,
) -> Response {
    let Some(oidc) = state.directory.oidc() else {
        return AppError::NotFound.into_response();
    };
    let (Some(code), Some(login_state)) = (callback.code, callback.state) else {
        tracing::warn!(error = ?callback.error, "the OpenID provider sent no code");
        return problem(
            StatusCode::UNAUTHORIZED,
            "Die Anmeldung wurde abgebrochen. Bitte noch einmal anmelden.",
        );
    };
    let browser = cookies::read(&headers, PAIRING_COOKIE);
    let login = match oidc.finish(&login_state, browser.as_deref(), &code).await {
        Ok(login) => login,
        Err(OidcError::State) => {
            tracing::warn!(%client, "OIDC callback with an unknown, used or foreign state");
            return problem(
                StatusCode::BAD_REQUEST,
                "Diese Anmeldung ist abgelaufen oder wurde schon benutzt. Bitte noch einmal \
                 anmelden.",
            );
        }
        Err(OidcError::Refused(reason)) => {
            tracing::warn!(%client, %reason, "OIDC login refused");
            return problem(
                StatusCode::UNAUTHORIZED,
                "Die Anmeldung wurde nicht angenommen. Bitte noch einmal anmelden.",
            );
        }
        Err(OidcError::Directory(error)) => {
            tracing::error!(%error, "the OpenID provider cannot be reached");
            return problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "Der Anmeldedienst ist gerade nicht erreichbar. Lokale Konten können sich \
                 weiter anmelden.",
            );
        }
    };
    let who = (login.name.as_str(), AccountSource::Oidc);
    match open_directory_session(&state, &headers, &client, who, &login.groups).await {
        Ok((_, cookie)) => {
            // A page, not a redirect: the session cookie is SameSite=Strict, and a redirect
            // chain that began at the provider's site would not send it to /staff.
            let content = html! {
                section.login {
                    h1 { "Angemeldet" }
                    p { a href="/staff" { "Weiter" } }
                }
            };
            let mut response = html_response(
                StatusCode::OK,
                staff_page("Angemeldet", None, None, content),
            );
            response.headers_mut().append(SET_COOKIE, cookie);
            if let Ok(refresh) = axum::http::HeaderValue::from_str("0; url=/staff") {
                response.headers_mut().insert("refresh", refresh);
            }
            response
                .headers_mut()
                .append(SET_COOKIE, cookies::clear(PAIRING_COOKIE, CALLBACK_PATH));
            response
        }
        Err(AppError::NotPermitted) => problem(
            StatusCode::FORBIDDEN,
            super::staff_texts::GERMAN.not_in_a_mapped_group,
        ),
        Err(error) => error.into_response(),
    }
}
