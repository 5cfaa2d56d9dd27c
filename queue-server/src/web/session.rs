//! Staff sign-in for the pages: the login form (CSRF-protected before any session exists by a
//! double-submit cookie), log-out, choosing today's desk, and `StaffPage`, the extractor that
//! sends a browser without a session to the login page.

use axum::extract::{Form, FromRequestParts, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use lotse_protocol::{Login, Role};
use maud::html;
use serde::Deserialize;

use super::html_response;
use super::layout::{staff_page, staff_page_in};
use super::page_access::StaffArea;
use super::staff_texts::texts;
use crate::auth::{AgencyScope, new_secret, token_hash};
use crate::http::AppState;
use crate::http::cookies;
use crate::http::error::AppError;
use crate::http::extract::{ClientAddress, counts_as_activity, session_token, staff_session};
use crate::http::session::{authenticate, clear_session_cookie, end_session};
use crate::services::commands::session as session_commands;
use crate::stats::tables::Lang;
use crate::storage::accounts;

/// The cookie that pairs the login form with the browser that loaded it.
const LOGIN_COOKIE: &str = "lotse_login";

/// A logged-in staff member on a page.
#[derive(Debug, Clone)]
pub struct StaffPage {
    pub name: String,
    pub role: Role,
    pub csrf: String,
    pub desk: Option<String>,
    pub token_hash: String,
    pub agencies: AgencyScope,
    /// The account's language of the staff pages.
    pub lang: Lang,
}

impl StaffPage {
    /// Whether a form carried this session's CSRF token.
    pub fn check(&self, sent: &str) -> Result<(), Response> {
        if cookies::same_secret(sent, &self.csrf) {
            Ok(())
        } else {
            Err(AppError::CsrfRejected.into_response())
        }
    }

    /// The pages of `area` if the table (`page_access`) opens them for this account's role,
    /// else a 403 page.
    pub fn require(&self, area: StaffArea) -> Result<(), Response> {
        if area.opens_for(self.role) {
            Ok(())
        } else {
            let t = texts(self.lang);
            Err(html_response(
                StatusCode::FORBIDDEN,
                staff_page(
                    t.no_access,
                    Some(self),
                    None,
                    html! { h1 { (t.no_access) } p { (t.no_access_detail) } },
                ),
            ))
        }
    }
}

impl FromRequestParts<AppState> for StaffPage {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<StaffPage, Response> {
        let to_login = || Redirect::to("/staff/login").into_response();
        let Some(token) = session_token(&parts.headers) else {
            return Err(to_login());
        };
        let hash = token_hash(&token);
        let activity = counts_as_activity(&parts.method, parts.uri.path());
        let session = staff_session(state, hash.clone(), activity)
            .await
            .map_err(IntoResponse::into_response)?;
        match session {
            Some(accounts::StaffSession {
                name,
                role,
                agencies,
                csrf,
                desk,
                language,
            }) => Ok(StaffPage {
                name,
                role,
                csrf,
                desk,
                token_hash: hash,
                agencies,
                lang: Lang::parse(&language),
            }),
            _ => Err(to_login()),
        }
    }
}

/// A staff page of an admin. Other roles get the 403 page from the request's head, before
/// any form body is read.
#[derive(Debug, Clone)]
pub struct AdminPage(pub StaffPage);

impl FromRequestParts<AppState> for AdminPage {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<AdminPage, Response> {
        let page = StaffPage::from_request_parts(parts, state).await?;
        page.require(StaffArea::Administration)?;
        Ok(AdminPage(page))
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    lang: Option<String>,
}

pub async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(query): axum::extract::Query<LoginQuery>,
) -> Response {
    let lang = Lang::parse(query.lang.as_deref().unwrap_or("de"));
    login_form(&state, &headers, StatusCode::OK, lang, None)
}

/// The login form in `lang`, with the choice of the staff pages' language (stored for the
/// account at login), a link to the form in the other language and, with an OpenID
/// provider configured, the button to sign in there.
fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    lang: Lang,
    problem: Option<&str>,
) -> Response {
    let provider = state.directory.oidc().map(|oidc| oidc.name().to_owned());
    let pairing = new_secret();
    let t = texts(lang);
    let other = match lang {
        Lang::De => Lang::En,
        Lang::En => Lang::De,
    };
    let content = html! {
        section.login {
            h1 { (t.log_in) }
            p { a lang=(other.code()) href={ "/staff/login?lang=" (other.code()) } { (other.pick("Deutsch", "English")) } }
            @if let Some(problem) = problem { p.error role="alert" { (problem) } }
            form method="post" action="/staff/login" {
                input type="hidden" name="csrf" value=(pairing);
                label { (t.name) input name="name" autocomplete="username" required autofocus; }
                label { (t.password) input name="password" type="password" autocomplete="current-password" required; }
                label { (t.language) select name="lang" {
                    option value="de" lang="de" selected[lang == Lang::De] { "Deutsch" }
                    option value="en" lang="en" selected[lang == Lang::En] { "English" }
                } }
                button type="submit" { (t.log_in) }
            }
            @if let Some(provider) = provider {
                p.provider { a.button href="/staff/login/oidc" { (t.log_in_with) " " (provider) } }
            }
        }
    };
    let mut response = html_response(status, staff_page_in(lang, t.log_in, None, None, content));
    if let Ok(value) = cookies::set(LOGIN_COOKIE, &pairing, "/staff/login", 3600, headers) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    csrf: String,
    /// The staff pages' language for the account (`de`, `en`); none keeps the stored one.
    #[serde(default)]
    lang: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let chosen = form.lang.as_deref().map(Lang::parse);
    let lang = chosen.unwrap_or_default();
    let t = texts(lang);
    let paired =
        cookies::read(&headers, LOGIN_COOKIE).is_some_and(|c| cookies::same_secret(&form.csrf, &c));
    if !paired {
        return login_form(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            lang,
            Some(t.form_expired),
        );
    }
    let login = Login {
        name: form.name,
        password: form.password,
    };
    match authenticate(&state, &headers, &client, login).await {
        Ok((session, cookie)) => {
            if let Some(chosen) = chosen {
                let now = state.now();
                let stored = state
                    .store
                    .run(move |c| {
                        session_commands::choose_language(c, now, &session.name, chosen.code())
                    })
                    .await;
                if let Err(error) = stored {
                    return AppError::from(error).into_response();
                }
            }
            let mut response = Redirect::to("/staff").into_response();
            response.headers_mut().append(SET_COOKIE, cookie);
            response
        }
        Err(AppError::TooManyAttempts) => login_form(
            &state,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            Some(t.too_many_attempts),
        ),
        Err(AppError::InvalidCredentials) => login_form(
            &state,
            &headers,
            StatusCode::UNAUTHORIZED,
            lang,
            Some(t.wrong_credentials),
        ),
        Err(AppError::DirectoryUnavailable) => login_form(
            &state,
            &headers,
            StatusCode::SERVICE_UNAVAILABLE,
            lang,
            Some(t.directory_unavailable),
        ),
        Err(AppError::NotPermitted) => login_form(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            lang,
            Some(t.not_in_a_mapped_group),
        ),
        Err(AppError::Busy) => login_form(
            &state,
            &headers,
            StatusCode::SERVICE_UNAVAILABLE,
            lang,
            Some(t.busy),
        ),
        Err(error) => error.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    page: StaffPage,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(rejected) = page.check(&form.csrf) {
        return rejected;
    }
    if let Err(error) = end_session(&state, &headers, &page.name).await {
        return error.into_response();
    }
    // An OpenID user logs out at the provider too (RP-initiated logout), which sends the
    // browser back to the login page.
    let provider_logout = match state.directory.oidc() {
        Some(oidc) => oidc.logout_url(&page.name).await,
        None => None,
    };
    let to = provider_logout.as_deref().unwrap_or("/staff/login");
    let mut response = Redirect::to(to).into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, clear_session_cookie());
    response
}

#[derive(Debug, Deserialize)]
pub struct DeskForm {
    csrf: String,
    /// Empty to leave the desk.
    #[serde(default)]
    desk: String,
}

pub async fn choose_desk(
    State(state): State<AppState>,
    page: StaffPage,
    Form(form): Form<DeskForm>,
) -> Response {
    if let Err(rejected) = page.check(&form.csrf) {
        return rejected;
    }
    let desk = Some(form.desk).filter(|d| !d.is_empty());
    if let Some(desk) = &desk
        && let Err(error) = page.agencies.check_desk(&state.config.building, desk)
    {
        return AppError::from(error).into_response();
    }
    let now = state.now();
    let (hash, name) = (page.token_hash.clone(), page.name.clone());
    let stored = state
        .store
        .run(move |c| session_commands::choose_desk(c, now, (&hash, &name), desk.as_deref()))
        .await;
    match stored {
        Ok(()) => Redirect::to("/staff").into_response(),
        Err(error) => AppError::from(error).into_response(),
    }
}
