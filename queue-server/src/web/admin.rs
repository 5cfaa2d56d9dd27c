//! The admin page (`/staff/admin`: staff accounts, device tokens, the audit log), in the
//! account's language. Every handler checks the role and every form its CSRF token; every
//! change is written to the audit log. A refused change shows the admin page again with
//! the reason (`admin_refusals.rs`).

use axum::body::Bytes;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lotse_protocol::{Role, localized};
use maud::html;
use serde::Deserialize;
use strum::IntoEnumIterator;

use super::admin_refusals::{Failure, Reason};
use super::admin_texts::{AdminTexts, fill};
use super::html_response;
use super::layout::{role_name, staff_page};
use super::page_access::StaffArea;
use super::session::{AdminPage, StaffPage};
use super::staff_texts::{StaffTexts, texts};
use crate::auth::{AgencyScope, DeviceKind, new_secret, token_hash};
use crate::domain::accounts::{MAX_NAME_CHARS, MIN_PASSWORD_LENGTH, account_name, check_password};
use crate::domain::directory::AccountSource;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::services::ServiceError;
use crate::services::commands::accounts as account_commands;
use crate::storage::{accounts, audit, interpreters};
use chrono::{DateTime, Utc};

#[derive(Debug, Deserialize)]
pub struct Notice {
    #[serde(default)]
    done: Option<String>,
}

pub async fn admin(
    State(state): State<AppState>,
    page: StaffPage,
    Query(notice): Query<Notice>,
) -> Response {
    if let Err(denied) = page.require(StaffArea::Administration) {
        return denied;
    }
    let a = texts(page.lang).admin;
    let shown = Shown {
        done: notice.done.as_deref().map(|done| done_text(done, a)),
        ..Shown::default()
    };
    admin_page(&state, &page, StatusCode::OK, shown).await
}

/// What a finished admin action says (a fixed text per action: nothing from the URL is shown).
fn done_text(done: &str, a: &AdminTexts) -> &'static str {
    match done {
        "user-added" => a.user_added,
        "user-disabled" => a.user_disabled,
        "user-enabled" => a.user_enabled,
        "password-reset" => a.password_reset,
        "device-revoked" => a.device_revoked,
        _ => a.done,
    }
}

/// What the admin page shows above its sections.
#[derive(Default)]
struct Shown<'a> {
    done: Option<&'a str>,
    /// Why the change just sent was refused.
    refused: Option<Reason>,
    /// A new device's name and token (shown only this once).
    new_token: Option<(&'a str, &'a str)>,
}

/// A device type as the page names it.
fn kind_name(kind: DeviceKind, a: &AdminTexts) -> &'static str {
    match kind {
        DeviceKind::Kiosk => a.kind_kiosk,
        DeviceKind::Display => a.kind_display,
        DeviceKind::Booking => a.kind_booking,
        DeviceKind::Metrics => a.kind_metrics,
    }
}

async fn admin_page(
    state: &AppState,
    page: &StaffPage,
    status: StatusCode,
    shown: Shown<'_>,
) -> Response {
    let loaded = state
        .store
        .read(|c| {
            let users = accounts::users(c)?;
            // What each interpreter account interprets.
            let mut languages = std::collections::HashMap::new();
            for user in users.iter().filter(|u| u.role == Role::Interpreter) {
                languages.insert(
                    user.name.clone(),
                    interpreters::languages_of(c, &user.name)?,
                );
            }
            Ok::<_, AppError>((
                (users, languages),
                accounts::devices(c)?,
                audit::recent(c, 100)?,
            ))
        })
        .await;
    let ((users, languages), devices, entries) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return error.into_response(),
    };
    let t = texts(page.lang);
    let a = t.admin;
    let csrf = page.csrf.as_str();
    let zone = state.config.time_zone;
    let building = &state.config.building;
    let default = building.site.default_language.as_str();
    let content = html! {
        h1 { (t.nav_admin) }
        @if let Some(reason) = shown.refused { p.error role="alert" { (reason.text(a)) } }
        @if let Some(message) = shown.done { p.done role="status" { (message) } }
        @if let Some((name, token)) = shown.new_token {
            div.token role="status" {
                p { (fill(a.new_token, "name", name)) }
                code { (token) }
            }
        }
        section {
            h2 { (a.accounts) }
            table.users {
                thead { tr { th { (t.name) } th { (a.role) } th { (a.agencies) } th { (a.status) } th { (a.set_password) } th {} } }
                tbody {
                    @for user in &users {
                        tr {
                            td { (user.name) }
                            td { (role_name(user.role, t)) }
                            td {
                                @if let Some(spoken) = languages.get(&user.name) {
                                    (a.languages) " "
                                    (spoken.iter().map(|l| t.language_name(l)).collect::<Vec<_>>().join(", "))
                                } @else {
                                    (agencies_text(building, &user.agencies, t))
                                }
                            }
                            td { (if user.disabled { a.locked } else { a.active }) }
                            td {
                                @if user.source != AccountSource::Local {
                                    span.source { (fill(a.directory_account, "source", &user.source.as_str().to_uppercase())) }
                                } @else {
                                form.inline method="post" action="/staff/admin/users/password" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="name" value=(user.name);
                                    input type="password" name="password" minlength=(MIN_PASSWORD_LENGTH)
                                        autocomplete="new-password" aria-label=(fill(a.new_password_for, "name", &user.name)) required;
                                    button type="submit" { (a.set) }
                                }
                                }
                            }
                            td {
                                form method="post" action=(if user.disabled { "/staff/admin/users/enable" } else { "/staff/admin/users/disable" }) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="name" value=(user.name);
                                    button type="submit" { (if user.disabled { a.unlock } else { a.lock }) }
                                }
                            }
                        }
                    }
                }
            }
            form.create method="post" action="/staff/admin/users" {
                input type="hidden" name="csrf" value=(csrf);
                h3 { (a.create_account) }
                label { (t.name) input name="name" required maxlength=(MAX_NAME_CHARS); }
                label { (a.role) select name="role" {
                    @for role in [Role::Staff, Role::Supervisor, Role::Admin, Role::Interpreter, Role::Security] {
                        option value=(role.as_str()) { (role_name(role, t)) }
                    }
                } }
                label { (t.password) input type="password" name="password" minlength=(MIN_PASSWORD_LENGTH) autocomplete="new-password" required; }
                fieldset.agencies {
                    legend { (a.agencies_legend) }
                    @for agency in &building.agencies {
                        label { input type="checkbox" name="agency" value=(agency.id); " " (localized(&agency.name, t.code, default)) }
                    }
                }
                fieldset.languages {
                    legend { (a.languages_legend) }
                    @for language in building.site.languages.iter().filter(|l| *l != default) {
                        label { input type="checkbox" name="language" value=(language); " " (t.language_name(language)) }
                    }
                }
                button type="submit" { (a.create) }
            }
        }
        section {
            h2 { (a.devices) }
            table {
                thead { tr { th { (a.device_type) } th { (t.name) } th { (a.printer) } th { (a.status) } th {} } }
                tbody {
                    @for device in &devices {
                        tr {
                            td { (device.kind.parse::<DeviceKind>().map_or(device.kind.as_str(), |k| kind_name(k, a))) }
                            td { (device.name) }
                            td { (device.printer.as_deref().unwrap_or("")) }
                            td { (if device.revoked { a.revoked } else { a.active }) }
                            td {
                                @if !device.revoked {
                                    form method="post" action="/staff/admin/devices/revoke" {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="hidden" name="id" value=(device.id);
                                        button type="submit" { (a.revoke) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form.create method="post" action="/staff/admin/devices" {
                input type="hidden" name="csrf" value=(csrf);
                h3 { (a.add_device) }
                label { (a.device_type) select name="kind" {
                    @for kind in DeviceKind::iter() {
                        option value=(kind.as_str()) { (kind_name(kind, a)) }
                    }
                } }
                label { (t.name) input name="name" required maxlength=(MAX_NAME_CHARS); }
                button type="submit" { (a.generate_token) }
            }
        }
        section {
            h2 { (a.voice_recordings) }
            p { (a.voices_lead) " "
                a href="/staff/admin/voices" { (a.record_and_manage) } }
        }
        section {
            h2 { (a.audit_log) }
            table.audit {
                thead { tr { th { (a.time) } th { (a.who) } th { (a.action) } th { (a.details) } } }
                tbody {
                    @for entry in &entries {
                        tr {
                            td { (entry.at.with_timezone(&zone).format(a.audit_time_format)) }
                            td { (entry.actor) }
                            td { (entry.action) }
                            td { (entry.detail) }
                        }
                    }
                }
            }
        }
    };
    html_response(status, staff_page(t.nav_admin, Some(page), None, content))
}

/// The admin's answer to a change: the page with `done` after it went through (a redirect,
/// so a reload does not send it again), else the page with the reason or the plain error.
async fn answer(
    state: &AppState,
    page: &StaffPage,
    result: Result<(), Failure>,
    done: &str,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/staff/admin?done={done}")).into_response(),
        Err(failure) => refusal(state, page, failure).await,
    }
}

async fn refusal(state: &AppState, page: &StaffPage, failure: Failure) -> Response {
    match failure {
        Failure::Refused(status, reason) => {
            let shown = Shown {
                refused: Some(reason),
                ..Shown::default()
            };
            admin_page(state, page, status, shown).await
        }
        Failure::Plain(response) => response,
    }
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    csrf: String,
    name: String,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

/// Runs an admin change (a command writing its audit entry) after the CSRF check (the role
/// was checked by `AdminPage`).
async fn admin_change<F>(
    state: &AppState,
    page: &StaffPage,
    csrf: &str,
    change: F,
) -> Result<(), Failure>
where
    F: FnOnce(&rusqlite::Connection, DateTime<Utc>, &str) -> Result<(), ServiceError>
        + Send
        + 'static,
{
    page.check(csrf)?;
    let (now, actor) = (state.now(), page.name.clone());
    state
        .store
        .run(move |c| change(c, now, &actor))
        .await
        .map_err(Failure::from)
}

/// A new password's hash, made within the server's bounded password work (as logins are).
async fn password_hash(state: &AppState, password: Option<String>) -> Result<String, Failure> {
    let password = password.unwrap_or_default();
    check_password(&password)?;
    state
        .passwords
        .hash(password)
        .await
        .map_err(|error| Failure::from(error.into_response()))
}

/// The fields of the "create account" form; `agency` may repeat (one per checkbox).
fn user_fields(body: &[u8]) -> (UserForm, Vec<String>) {
    let mut form = UserForm {
        csrf: String::new(),
        name: String::new(),
        role: None,
        password: None,
    };
    let mut agencies = Vec::new();
    for (key, value) in url::form_urlencoded::parse(body) {
        match key.as_ref() {
            "csrf" => form.csrf = value.into_owned(),
            "name" => form.name = value.into_owned(),
            "role" => form.role = Some(value.into_owned()),
            "password" => form.password = Some(value.into_owned()),
            "agency" => agencies.push(value.into_owned()),
            _ => {}
        }
    }
    (form, agencies)
}

/// The `language` fields of the account form (the account rule checks them).
fn form_languages(body: &[u8]) -> Vec<String> {
    url::form_urlencoded::parse(body)
        .filter(|(key, _)| key == "language")
        .map(|(_, value)| value.into_owned())
        .collect()
}

pub async fn add_user(
    State(state): State<AppState>,
    AdminPage(page): AdminPage,
    body: Bytes,
) -> Response {
    let (form, agencies) = user_fields(&body);
    let result = async {
        page.check(&form.csrf)?;
        let role = form
            .role
            .as_deref()
            .and_then(|role| role.parse::<Role>().ok())
            .ok_or_else(|| Failure::refused(Reason::UnknownChoice))?;
        let account = account_commands::NewAccount {
            name: form.name,
            role,
            agencies: if agencies.is_empty() {
                AgencyScope::All
            } else {
                AgencyScope::Only(agencies)
            },
            languages: form_languages(&body),
        };
        let building = state.config.building.clone();
        account.check(&building)?;
        let hash = password_hash(&state, form.password).await?;
        admin_change(&state, &page, &form.csrf, move |c, now, actor| {
            account_commands::add_user(c, &building, now, actor, &account, &hash)
        })
        .await
    };
    answer(&state, &page, result.await, "user-added").await
}

/// "all" or the agencies' names, in the page's language.
fn agencies_text(
    building: &lotse_protocol::Building,
    scope: &AgencyScope,
    t: &StaffTexts,
) -> String {
    let default = building.site.default_language.as_str();
    match scope {
        AgencyScope::All => t.admin.all_agencies.to_owned(),
        AgencyScope::Only(ids) => ids
            .iter()
            .map(|id| {
                building
                    .agency(id)
                    .map_or(id.as_str(), |a| localized(&a.name, t.code, default))
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

pub async fn disable_user(
    State(state): State<AppState>,
    AdminPage(page): AdminPage,
    Form(form): Form<UserForm>,
) -> Response {
    let result = if form.name == page.name {
        Err(Failure::refused(Reason::OwnAccount))
    } else {
        let name = form.name.clone();
        admin_change(&state, &page, &form.csrf, move |c, now, actor| {
            account_commands::set_disabled(c, now, actor, &name, true)
        })
        .await
    };
    answer(&state, &page, result, "user-disabled").await
}

pub async fn enable_user(
    State(state): State<AppState>,
    AdminPage(page): AdminPage,
    Form(form): Form<UserForm>,
) -> Response {
    let name = form.name.clone();
    let result = admin_change(&state, &page, &form.csrf, move |c, now, actor| {
        account_commands::set_disabled(c, now, actor, &name, false)
    })
    .await;
    answer(&state, &page, result, "user-enabled").await
}

pub async fn reset_password(
    State(state): State<AppState>,
    AdminPage(page): AdminPage,
    Form(form): Form<UserForm>,
) -> Response {
    let result = async {
        page.check(&form.csrf)?;
        let hash = password_hash(&state, form.password).await?;
        let name = form.name.clone();
        admin_change(&state, &page, &form.csrf, move |c, now, actor| {
            account_commands::reset_password(c, now, actor, &name, &hash)
        })
        .await
    };
    answer(&state, &page, result.await, "password-reset").await
}

#[derive(Debug, Deserialize)]
pub struct DeviceForm {
    csrf: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    id: Option<i64>,
}

pub async fn add_device(
    State(state): State<AppState>,
    AdminPage(page): AdminPage,
    Form(form): Form<DeviceForm>,
) -> Response {
    let checked = async {
        page.check(&form.csrf)?;
        let kind = form
            .kind
            .as_deref()
            .and_then(|kind| kind.parse::<DeviceKind>().ok())
            .ok_or_else(|| Failure::refused(Reason::UnknownChoice))?;
        Ok::<_, Failure>((kind, account_name(&form.name.clone().unwrap_or_default())?))
    };
    let (kind, name) = match checked.await {
        Ok(checked) => checked,
        Err(failure) => return refusal(&state, &page, failure).await,
    };
    let token = new_secret();
    let hash = token_hash(&token);
    let stored_name = name.clone();
    let added = admin_change(&state, &page, &form.csrf, move |c, now, actor| {
        account_commands::add_device(c, now, actor, (kind, &stored_name), &hash)
    })
    .await;
    match added {
        Ok(()) => {
            let shown = Shown {
                done: Some(texts(page.lang).admin.device_added),
                new_token: Some((&name, &token)),
                ..Shown::default()
            };
            admin_page(&state, &page, StatusCode::OK, shown).await
        }
        Err(failure) => refusal(&state, &page, failure).await,
    }
}

pub async fn revoke_device(
    State(state): State<AppState>,
    AdminPage(page): AdminPage,
    Form(form): Form<DeviceForm>,
) -> Response {
    let result = match form.id {
        None => Err(Failure::from(AppError::InvalidInput(
            "which device?".into(),
        ))),
        Some(id) => {
            admin_change(&state, &page, &form.csrf, move |c, now, actor| {
                account_commands::revoke_device(c, now, actor, id)
            })
            .await
        }
    };
    answer(&state, &page, result, "device-revoked").await
}
