//! `/staff/interpreter`: the interpreter's page. Their current assignment on top (arrived,
//! done), below the open requests of their languages, newest last (accept); reloaded by
//! `staff.js` after every event, with a sound when a request in one of their languages
//! comes in. Also what other staff pages say about a request (`state_text`, `place_text`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lotse_protocol::languages::german_name;
use lotse_protocol::{Building, InterpreterRequest, InterpreterStatus, Role};
use maud::{Markup, html};

use super::html_response;
use super::layout::staff_page;
use super::session::StaffPage;
use crate::domain::interpreter::shown_to;
use crate::http::AppState;
use crate::storage::interpreters;

/// Interpreters see theirs; supervisors and admins see every request of today.
fn allowed(page: &StaffPage) -> Result<(), Response> {
    if page.role == Role::Interpreter {
        Ok(())
    } else {
        page.require(Role::Supervisor)
    }
}

pub async fn page(State(state): State<AppState>, page: StaffPage) -> Response {
    if let Err(denied) = allowed(&page) {
        return denied;
    }
    match panel_markup(&state, &page).await {
        Ok((panel, languages)) => {
            let content = html! {
                div.heading {
                    h1 { "Sprachmittlung" }
                    button.quiet #sound type="button" data-languages=(languages.join(",")) {
                        "Ton einschalten"
                    }
                }
                p.languages {
                    "Ihre Sprachen: "
                    @if languages.is_empty() { "alle (Leitung)" }
                    @for (n, language) in languages.iter().enumerate() {
                        @if n > 0 { ", " }
                        (german_name(language))
                    }
                }
                div #live { (panel) }
            };
            html_response(
                StatusCode::OK,
                staff_page(
                    "Sprachmittlung",
                    Some(&page),
                    Some("/staff/interpreter/panel"),
                    content,
                ),
            )
        }
        Err(response) => response,
    }
}

pub async fn panel(State(state): State<AppState>, page: StaffPage) -> Response {
    if let Err(denied) = allowed(&page) {
        return denied;
    }
    match panel_markup(&state, &page).await {
        Ok((panel, _)) => html_response(StatusCode::OK, panel),
        Err(response) => response,
    }
}

/// The panel and the page holder's languages (none for supervisors, who see all).
async fn panel_markup(
    state: &AppState,
    page: &StaffPage,
) -> Result<(Markup, Vec<String>), Response> {
    let now = state.now();
    let day_start = state.config.day_start(now);
    let (name, role) = (page.name.clone(), page.role);
    let (requests, languages) = state
        .store
        .read(move |c| {
            let mut requests = interpreters::today(c, day_start)?;
            let mut languages = Vec::new();
            if role == Role::Interpreter {
                languages = interpreters::languages_of(c, &name)?;
                requests.retain(|r| shown_to(r, &name, &languages));
            }
            Ok::<_, crate::http::error::AppError>((requests, languages))
        })
        .await
        .map_err(IntoResponse::into_response)?;
    let building = &state.config.building;
    let zone = state.config.time_zone;
    let mine: Vec<&InterpreterRequest> = requests
        .iter()
        .filter(|r| r.interpreter.as_deref() == Some(page.name.as_str()) && r.status.is_live())
        .collect();
    let open: Vec<&InterpreterRequest> = requests
        .iter()
        .filter(|r| r.status == InterpreterStatus::Open)
        .collect();
    let busy = !mine.is_empty();
    let interpreter = page.role == Role::Interpreter;
    let markup = html! {
        @if interpreter {
            section.assignment {
                h2 { "Ihr Einsatz" }
                @if mine.is_empty() { p { "Zurzeit kein Einsatz – Sie können eine Anfrage annehmen." } }
                @for request in &mine {
                    p.ticket { (request.number) }
                    p {
                        strong { (place_text(building, request.desk.as_deref())) }
                        " · " (german_name(&request.language))
                        " · " (state_text(request))
                    }
                    div.actions {
                        @if request.status == InterpreterStatus::Accepted {
                            button.primary data-action="interpreter" data-verb="arrived" data-request=(request.id) { "Angekommen" }
                        }
                        button data-action="interpreter" data-verb="done" data-request=(request.id) { "Erledigt" }
                    }
                }
            }
        }
        section.requests {
            h2 { "Offene Anfragen (" (open.len()) ")" }
            @if open.is_empty() { p { "Keine offenen Anfragen." } }
            @else {
                table {
                    thead { tr { th { "Platz / Raum" } th { "Etage" } th { "Nummer" } th { "Sprache" } th { "wartet seit" } th {} } }
                    tbody {
                        @for request in &open {
                            tr {
                                td { (place_text(building, request.desk.as_deref())) }
                                td { (floor_text(building, request.desk.as_deref())) }
                                td { strong { (request.number) } }
                                td { (german_name(&request.language)) }
                                td { (since_text(request.requested_at, now, zone)) }
                                td {
                                    @if interpreter {
                                        button.primary data-action="interpreter" data-verb="accept"
                                            data-request=(request.id) disabled[busy] { "Annehmen" }
                                    }
                                }
                            }
                        }
                    }
                }
                @if interpreter && busy { p.updated { "Sie sind im Einsatz: erst abschließen, dann annehmen." } }
            }
        }
        p.updated { "Stand " (now.with_timezone(&zone).format("%H:%M:%S")) }
    };
    Ok((markup, languages))
}

/// Where a request's visitor is: "Schalter 2" or "Raum 1.05"; the waiting area before a call.
pub fn place_text(building: &Building, desk: Option<&str>) -> String {
    match desk.and_then(|d| building.desk(d)) {
        Some(desk) => {
            let (place, _) = lotse_protocol::place_caption(desk.kind);
            format!("{place} {}", desk.number)
        }
        None => "Wartebereich".to_owned(),
    }
}

fn floor_text(building: &Building, desk: Option<&str>) -> String {
    match desk.and_then(|d| building.desk(d)) {
        Some(desk) => lotse_protocol::floor_caption(desk.floor).0,
        None => lotse_protocol::floor_caption(0).0,
    }
}

/// "10:42 (12 Min.)".
pub fn since_text(at: DateTime<Utc>, now: DateTime<Utc>, zone: Tz) -> String {
    let minutes = (now - at).num_minutes().max(0);
    format!(
        "{} ({minutes} Min.)",
        at.with_timezone(&zone).format("%H:%M")
    )
}

/// A request's state for staff: "offen", "angenommen von samir", "Sprachmittler/in ist da".
pub fn state_text(request: &InterpreterRequest) -> String {
    let who = request.interpreter.as_deref().unwrap_or("?");
    match request.status {
        InterpreterStatus::Open => "offen – noch niemand angenommen".to_owned(),
        InterpreterStatus::Accepted => format!("angenommen von {who}"),
        InterpreterStatus::Arrived => format!("{who} ist da"),
        InterpreterStatus::Done => format!("erledigt ({who})"),
        InterpreterStatus::Cancelled => "abgesagt".to_owned(),
    }
}
