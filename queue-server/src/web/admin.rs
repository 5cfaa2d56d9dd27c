//! The supervisor's overview (`/staff/overview`: every desk and every line) and the admin page
//! (`/staff/admin`: staff accounts, device tokens, the audit log). Every handler checks the
//! role and every form its CSRF token; every change is written to the audit log.

use crate::domain::directory::AccountSource;
use axum::body::Bytes;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lotse_protocol::{Availability, Role, localized};
use maud::{Markup, html};
use serde::Deserialize;

use super::console::reason_text;
use super::html_response;
use super::layout::{role_name, staff_page};
use super::page_access::StaffArea;
use super::session::{AdminPage, StaffPage};
use super::staff_texts::texts;
use crate::auth::{AgencyScope, DeviceKind, new_secret, token_hash};
use crate::domain::accounts::{MAX_NAME_CHARS, MIN_PASSWORD_LENGTH, account_name, check_password};
use crate::domain::alerts::Audience;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::services::ServiceError;
use crate::services::commands::accounts as account_commands;
use crate::storage::{accounts, alerts, audit, console, desks, interpreters};
use crate::visit_order::Progress;
use chrono::{DateTime, Utc};

pub async fn overview(State(state): State<AppState>, page: StaffPage) -> Response {
    if let Err(denied) = page.require(StaffArea::Overview) {
        return denied;
    }
    match overview_markup(&state, &page).await {
        Ok(panel) => {
            let t = texts(page.lang);
            let content = html! {
                div.heading { h1 { (t.nav_overview) } (super::alerts::sound_button()) }
                div #live { (panel) }
            };
            html_response(
                StatusCode::OK,
                staff_page(
                    t.nav_overview,
                    Some(&page),
                    Some("/staff/overview/panel"),
                    content,
                ),
            )
        }
        Err(error) => error.into_response(),
    }
}

pub async fn overview_panel(State(state): State<AppState>, page: StaffPage) -> Response {
    if let Err(denied) = page.require(StaffArea::Overview) {
        return denied;
    }
    match overview_markup(&state, &page).await {
        Ok(panel) => html_response(StatusCode::OK, panel),
        Err(error) => error.into_response(),
    }
}

async fn overview_markup(state: &AppState, page: &StaffPage) -> Result<Markup, AppError> {
    let (now, config) = (state.now(), state.config.clone());
    let (desk_rows, queues, active, elsewhere) = state
        .store
        .read(move |c| {
            let day = crate::domain::issuing::day_of(&config, now);
            Ok::<_, AppError>((
                console::overview(c, &config, now)?,
                desks::queues(c, &config, now)?,
                alerts::active(c)?,
                desks::others_in_play(c, &day)?,
            ))
        })
        .await?;
    // Waiting visitors who are at a desk with another concern right now, per line.
    let at_a_desk = |service: &str| {
        elsewhere
            .iter()
            .filter(|o| o.service == service && Progress::of(o.status) == Progress::Busy)
            .count()
    };
    let building = &state.config.building;
    let default = building.site.default_language.as_str();
    let languages = super::languages::overview_section(state).await?;
    let t = texts(page.lang);
    Ok(html! {
        section {
            h2 { "Hinweise " span lang="en" { "· Alerts" } }
            (super::alerts::section(
                building,
                state.config.time_zone,
                &active,
                Audience::Supervisor(&page.agencies),
                &page.csrf,
                "/staff/overview",
            ))
        }
        section {
            h2 { (t.desks) }
            table {
                thead { tr { th { (t.nav_desk) } th { (t.logged_in) } th { (t.current) } th { (t.idle_since) } } }
                tbody {
                    @for row in &desk_rows {
                        @let desk = building.desk(&row.desk);
                        tr.idle[row.staff.is_empty()] {
                            td {
                                (desk.map_or(row.desk.clone(), |d| { let (de, en) = lotse_protocol::desk_label(d); t.pick(de, en) }))
                            }
                            td { (row.staff.join(", ")) }
                            td {
                                @if let Some(ticket) = &row.current {
                                    strong { (ticket.number) } " "
                                    (if ticket.status == lotse_protocol::StopStatus::Called { t.called } else { t.serving })
                                    @if let Some(reason) = &ticket.reason { " · " (reason_text(reason, state.config.time_zone, t)) }
                                }
                            }
                            td.number {
                                @if let Some(minutes) = row.idle_minutes { (minutes) " " (t.minutes) }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 { (t.all_lines) }
            table {
                thead { tr { th { (t.agency) } th { (t.concern) } th { (t.waiting) } th { (t.at_a_desk_now) } th { (t.longest) } th { (t.estimate) } th { (t.state) } } }
                tbody {
                    @for line in &queues.services {
                        tr {
                            td { (building.agency(&line.agency).map_or(line.agency.as_str(), |a| localized(&a.name, t.code, default))) }
                            td { (t.service_name(building, &line.service)) }
                            td.number { (line.waiting) }
                            td.number.at-desk { (at_a_desk(&line.service)) }
                            td.number { (line.longest_wait_minutes) " " (t.minutes) }
                            td.number { (line.estimated_wait_minutes) " " (t.minutes) }
                            td { (match line.availability {
                                Availability::Open => t.open,
                                Availability::Closed => t.closed_now,
                                Availability::AppointmentOnly => t.appointment_only,
                                Availability::FullToday => t.full_today,
                            }) }
                        }
                    }
                }
            }
        }
        (languages)
    })
}

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
    let message = notice.done.as_deref().map(done_text);
    admin_page(&state, &page, message, None).await
}

/// What a finished admin action says (a fixed text per action: nothing from the URL is shown).
fn done_text(done: &str) -> &'static str {
    match done {
        "user-added" => "Konto angelegt.",
        "user-disabled" => "Konto gesperrt; seine Sitzungen sind beendet.",
        "user-enabled" => "Konto entsperrt.",
        "password-reset" => "Passwort gesetzt; die Sitzungen des Kontos sind beendet.",
        "device-revoked" => "Gerät gesperrt.",
        _ => "Erledigt.",
    }
}

async fn admin_page(
    state: &AppState,
    page: &StaffPage,
    message: Option<&str>,
    new_token: Option<(&str, &str)>,
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
    let csrf = page.csrf.as_str();
    let zone = state.config.time_zone;
    let default = state.config.building.site.default_language.as_str();
    let content = html! {
        h1 { "Verwaltung" }
        @if let Some(message) = message { p.done role="status" { (message) } }
        @if let Some((name, token)) = new_token {
            div.token role="status" {
                p { "Neues Geräte-Token für „" (name) "“ – es wird nur jetzt angezeigt:" }
                code { (token) }
            }
        }
        section {
            h2 { "Konten" }
            table.users {
                thead { tr { th { "Name" } th { "Rolle" } th { "Stellen" } th { "Status" } th { "Passwort setzen" } th {} } }
                tbody {
                    @for user in &users {
                        tr {
                            td { (user.name) }
                            td { (role_name(user.role, texts(page.lang))) }
                            td {
                                @if let Some(spoken) = languages.get(&user.name) {
                                    "Sprachen: "
                                    (spoken.iter().map(|l| lotse_protocol::languages::german_name(l)).collect::<Vec<_>>().join(", "))
                                } @else {
                                    (agencies_text(&state.config.building, &user.agencies))
                                }
                            }
                            td { (if user.disabled { "gesperrt" } else { "aktiv" }) }
                            td {
                                @if user.source != AccountSource::Local {
                                    span.source { "Verzeichnis (" (user.source.as_str().to_uppercase()) "), kein lokales Passwort" }
                                } @else {
                                form.inline method="post" action="/staff/admin/users/password" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="name" value=(user.name);
                                    input type="password" name="password" minlength=(MIN_PASSWORD_LENGTH)
                                        autocomplete="new-password" aria-label=(format!("Neues Passwort für {}", user.name)) required;
                                    button type="submit" { "Setzen" }
                                }
                                }
                            }
                            td {
                                form method="post" action=(if user.disabled { "/staff/admin/users/enable" } else { "/staff/admin/users/disable" }) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="name" value=(user.name);
                                    button type="submit" { (if user.disabled { "Entsperren" } else { "Sperren" }) }
                                }
                            }
                        }
                    }
                }
            }
            form.create method="post" action="/staff/admin/users" {
                input type="hidden" name="csrf" value=(csrf);
                h3 { "Konto anlegen" }
                label { "Name" input name="name" required maxlength=(MAX_NAME_CHARS); }
                label { "Rolle" select name="role" {
                    @for role in [Role::Staff, Role::Supervisor, Role::Admin, Role::Interpreter, Role::Security] {
                        option value=(role.as_str()) { (role_name(role, texts(page.lang))) }
                    }
                } }
                label { "Passwort" input type="password" name="password" minlength=(MIN_PASSWORD_LENGTH) autocomplete="new-password" required; }
                fieldset.agencies {
                    legend { "Stellen (keine Auswahl: alle)" }
                    @for agency in &state.config.building.agencies {
                        label { input type="checkbox" name="agency" value=(agency.id); " " (localized(&agency.name, default, default)) }
                    }
                }
                fieldset.languages {
                    legend { "Sprachen (nur Sprachmittlung)" }
                    @for language in state.config.building.site.languages.iter().filter(|l| *l != default) {
                        label { input type="checkbox" name="language" value=(language); " " (lotse_protocol::languages::german_name(language)) }
                    }
                }
                button type="submit" { "Anlegen" }
            }
        }
        section {
            h2 { "Geräte" }
            table {
                thead { tr { th { "Art" } th { "Name" } th { "Drucker" } th { "Status" } th {} } }
                tbody {
                    @for device in &devices {
                        tr {
                            td { (device.kind) }
                            td { (device.name) }
                            td { (device.printer.as_deref().unwrap_or("")) }
                            td { (if device.revoked { "gesperrt" } else { "aktiv" }) }
                            td {
                                @if !device.revoked {
                                    form method="post" action="/staff/admin/devices/revoke" {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="hidden" name="id" value=(device.id);
                                        button type="submit" { "Sperren" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form.create method="post" action="/staff/admin/devices" {
                input type="hidden" name="csrf" value=(csrf);
                h3 { "Gerät anlegen" }
                label { "Art" select name="kind" {
                    option value="kiosk" { "Kiosk" }
                    option value="display" { "Anzeige" }
                    option value="booking" { "Terminsystem" }
                    option value="metrics" { "Überwachung (/metrics)" }
                } }
                label { "Name" input name="name" required maxlength=(MAX_NAME_CHARS); }
                button type="submit" { "Token erzeugen" }
            }
        }
        section {
            h2 { "Sprachaufnahmen" }
            p { "Wörter für Aufrufe in Sprachen ohne Sprachausgabe: "
                a href="/staff/admin/voices" { "aufnehmen und verwalten" } }
        }
        section {
            h2 { "Protokoll (neueste 100)" }
            table.audit {
                thead { tr { th { "Zeit" } th { "Wer" } th { "Was" } th { "Details" } } }
                tbody {
                    @for entry in &entries {
                        tr {
                            td { (entry.at.with_timezone(&zone).format("%d.%m. %H:%M:%S")) }
                            td { (entry.actor) }
                            td { (entry.action) }
                            td { (entry.detail) }
                        }
                    }
                }
            }
        }
    };
    html_response(
        StatusCode::OK,
        staff_page("Verwaltung", Some(page), None, content),
    )
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
) -> Result<(), Response>
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
        .map_err(|error| AppError::from(error).into_response())
}

fn done(what: &str) -> Response {
    Redirect::to(&format!("/staff/admin?done={what}")).into_response()
}

/// A new password's hash, made within the server's bounded password work (as logins are).
async fn password_hash(state: &AppState, password: Option<String>) -> Result<String, Response> {
    let password = password.unwrap_or_default();
    check_password(&password).map_err(|e| AppError::from(e).into_response())?;
    state
        .passwords
        .hash(password)
        .await
        .map_err(IntoResponse::into_response)
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
            .ok_or_else(|| AppError::InvalidInput("unknown role".into()).into_response())?;
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
        account
            .check(&building)
            .map_err(|e| AppError::from(e).into_response())?;
        let hash = password_hash(&state, form.password).await?;
        admin_change(&state, &page, &form.csrf, move |c, now, actor| {
            account_commands::add_user(c, &building, now, actor, &account, &hash)
        })
        .await
    };
    match result.await {
        Ok(()) => done("user-added"),
        Err(response) => response,
    }
}

/// "alle" or the agencies' names.
fn agencies_text(building: &lotse_protocol::Building, scope: &AgencyScope) -> String {
    let default = building.site.default_language.as_str();
    match scope {
        AgencyScope::All => "alle".to_owned(),
        AgencyScope::Only(ids) => ids
            .iter()
            .map(|id| {
                building
                    .agency(id)
                    .map_or(id.as_str(), |a| localized(&a.name, default, default))
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
    if form.name == page.name {
        return AppError::InvalidInput("you cannot lock your own account".into()).into_response();
    }
    let name = form.name.clone();
    match admin_change(&state, &page, &form.csrf, move |c, now, actor| {
        account_commands::set_disabled(c, now, actor, &name, true)
    })
    .await
    {
        Ok(()) => done("user-disabled"),
        Err(response) => response,
    }
}

pub async fn enable_user(
    State(state): State<AppState>,
    AdminPage(page): AdminPage,
    Form(form): Form<UserForm>,
) -> Response {
    let name = form.name.clone();
    match admin_change(&state, &page, &form.csrf, move |c, now, actor| {
        account_commands::set_disabled(c, now, actor, &name, false)
    })
    .await
    {
        Ok(()) => done("user-enabled"),
        Err(response) => response,
    }
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
    match result.await {
        Ok(()) => done("password-reset"),
        Err(response) => response,
    }
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
    let Some(kind) = form
        .kind
        .as_deref()
        .and_then(|kind| kind.parse::<DeviceKind>().ok())
    else {
        return AppError::InvalidInput("unknown device kind".into()).into_response();
    };
    let name = match account_name(&form.name.unwrap_or_default()) {
        Ok(name) => name,
        Err(error) => return AppError::from(error).into_response(),
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
            admin_page(
                &state,
                &page,
                Some("Gerät angelegt."),
                Some((&name, &token)),
            )
            .await
        }
        Err(response) => response,
    }
}

pub async fn revoke_device(
    State(state): State<AppState>,
    AdminPage(page): AdminPage,
    Form(form): Form<DeviceForm>,
) -> Response {
    let Some(id) = form.id else {
        return AppError::InvalidInput("which device?".into()).into_response();
    };
    match admin_change(&state, &page, &form.csrf, move |c, now, actor| {
        account_commands::revoke_device(c, now, actor, id)
    })
    .await
    {
        Ok(()) => done("device-revoked"),
        Err(response) => response,
    }
}
