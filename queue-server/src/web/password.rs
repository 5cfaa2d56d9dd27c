//! `/staff/password`: the form where staff change their own password (the same check as
//! `PUT /api/v1/session/password`). Afterwards every session of the account has ended, so the
//! page sends them to log in again.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use lotse_protocol::ChangePassword;
use maud::html;
use serde::Deserialize;

use super::html_response;
use super::layout::staff_page;
use super::session::StaffPage;
use crate::domain::accounts::MIN_PASSWORD_LENGTH;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::ClientAddress;
use crate::http::password::change_password;
use crate::http::session::clear_session_cookie;

pub async fn page(page: StaffPage) -> Response {
    form(&page, StatusCode::OK, None)
}

fn form(page: &StaffPage, status: StatusCode, problem: Option<&str>) -> Response {
    let content = html! {
        section.login {
            h1 { "Passwort ändern" }
            @if let Some(problem) = problem { p.error role="alert" { (problem) } }
            form method="post" action="/staff/password" {
                input type="hidden" name="csrf" value=(page.csrf);
                label { "Bisheriges Passwort"
                    input name="current" type="password" autocomplete="current-password" required; }
                label { "Neues Passwort (mindestens " (MIN_PASSWORD_LENGTH) " Zeichen)"
                    input name="new" type="password" autocomplete="new-password"
                        minlength=(MIN_PASSWORD_LENGTH) required; }
                label { "Neues Passwort wiederholen"
                    input name="repeat" type="password" autocomplete="new-password"
                        minlength=(MIN_PASSWORD_LENGTH) required; }
                button.primary type="submit" { "Passwort ändern" }
            }
        }
    };
    html_response(
        status,
        staff_page("Passwort ändern", Some(page), None, content),
    )
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    repeat: String,
}

pub async fn change(
    State(state): State<AppState>,
    page: StaffPage,
    client: ClientAddress,
    Form(sent): Form<PasswordForm>,
) -> Response {
    if let Err(rejected) = page.check(&sent.csrf) {
        return rejected;
    }
    if sent.new != sent.repeat {
        return form(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Die beiden neuen Passwörter stimmen nicht überein."),
        );
    }
    let request = ChangePassword {
        current_password: sent.current,
        new_password: sent.new,
    };
    match change_password(&state, &page.name, &client, request).await {
        Ok(()) => {
            let content = html! {
                section.login {
                    h1 { "Passwort geändert" }
                    p { "Alle Sitzungen dieses Kontos sind beendet. Bitte mit dem neuen Passwort anmelden." }
                    p { a href="/staff/login" { "Zur Anmeldung" } }
                }
            };
            let mut response = html_response(
                StatusCode::OK,
                staff_page("Passwort geändert", None, None, content),
            );
            response
                .headers_mut()
                .insert(SET_COOKIE, clear_session_cookie());
            response
        }
        Err(AppError::InvalidCredentials) => form(
            &page,
            StatusCode::UNAUTHORIZED,
            Some("Das bisherige Passwort ist falsch."),
        ),
        Err(AppError::TooManyAttempts) => form(
            &page,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Zu viele Fehlversuche. Bitte eine Minute warten."),
        ),
        Err(AppError::InvalidInput(_)) => form(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Das neue Passwort ist zu kurz oder zu lang."),
        ),
        Err(error) => error.into_response(),
    }
}
