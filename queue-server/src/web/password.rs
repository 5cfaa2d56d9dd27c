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
use super::layout::{staff_page, staff_page_in};
use super::session::StaffPage;
use super::staff_texts::texts;
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
    let t = texts(page.lang);
    let content = html! {
        section.login {
            h1 { (t.change_password) }
            @if let Some(problem) = problem { p.error role="alert" { (problem) } }
            form method="post" action="/staff/password" {
                input type="hidden" name="csrf" value=(page.csrf);
                label { (t.current_password)
                    input name="current" type="password" autocomplete="current-password" required; }
                label { (t.new_password) " (" (t.characters_at_least) " " (MIN_PASSWORD_LENGTH) ")"
                    input name="new" type="password" autocomplete="new-password"
                        minlength=(MIN_PASSWORD_LENGTH) required; }
                label { (t.repeat_new_password)
                    input name="repeat" type="password" autocomplete="new-password"
                        minlength=(MIN_PASSWORD_LENGTH) required; }
                button.primary type="submit" { (t.change_password) }
            }
        }
    };
    html_response(
        status,
        staff_page(t.change_password, Some(page), None, content),
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
    let t = texts(page.lang);
    if sent.new != sent.repeat {
        return form(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(t.passwords_differ),
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
                    h1 { (t.password_changed) }
                    p { (t.sessions_ended) }
                    p { a href={ "/staff/login?lang=" (page.lang.code()) } { (t.to_login) } }
                }
            };
            let mut response = html_response(
                StatusCode::OK,
                staff_page_in(page.lang, t.password_changed, None, None, content),
            );
            response
                .headers_mut()
                .insert(SET_COOKIE, clear_session_cookie());
            response
        }
        Err(AppError::InvalidCredentials) => form(
            &page,
            StatusCode::UNAUTHORIZED,
            Some(t.wrong_current_password),
        ),
        Err(AppError::TooManyAttempts) => form(
            &page,
            StatusCode::TOO_MANY_REQUESTS,
            Some(t.too_many_attempts),
        ),
        Err(AppError::InvalidInput(_)) => form(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(t.password_length),
        ),
        Err(error) => error.into_response(),
    }
}
