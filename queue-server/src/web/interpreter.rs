//! `/staff/interpreter`: the interpreter's page. Their current assignment on top (arrived,
//! done), below the open requests of their languages, newest last (accept); reloaded by
//! `staff.js` after every event, with a sound when a request in one of their languages
//! comes in. Also what other staff pages say about a request (`state_text`, `place_text`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lotse_protocol::{Building, InterpreterRequest, InterpreterStatus, Role};
use maud::{Markup, html};

use super::html_response;
use super::layout::staff_page;
use super::page_access::StaffArea;
use super::session::StaffPage;
use super::staff_texts::{StaffTexts, texts};
use crate::domain::interpreter::shown_to;
use crate::http::AppState;
use crate::storage::interpreters;

pub async fn page(State(state): State<AppState>, page: StaffPage) -> Response {
    if let Err(denied) = page.require(StaffArea::Interpreting) {
        return denied;
    }
    match panel_markup(&state, &page).await {
        Ok((panel, languages)) => {
            let t = texts(page.lang);
            let content = html! {
                div.heading {
                    h1 { (t.nav_interpreting) }
                    button.quiet #sound type="button" data-languages=(languages.join(",")) {
                        "Ton einschalten " span lang="en" { "· Sound on" }
                    }
                }
                p.languages {
                    (t.your_languages) " "
                    @if languages.is_empty() { (t.all_languages_lead) }
                    @for (n, language) in languages.iter().enumerate() {
                        @if n > 0 { ", " }
                        (t.language_name(language))
                    }
                }
                div #live { (panel) }
            };
            html_response(
                StatusCode::OK,
                staff_page(
                    t.nav_interpreting,
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
    if let Err(denied) = page.require(StaffArea::Interpreting) {
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
    let t = texts(page.lang);
    let markup = html! {
        @if interpreter {
            section.assignment {
                h2 { (t.your_assignment) }
                @if mine.is_empty() { p { (t.no_assignment) } }
                @for request in &mine {
                    p.ticket { (request.number) }
                    p {
                        strong { (place_text(building, request.desk.as_deref(), t)) }
                        " · " (t.language_name(&request.language))
                        " · " (state_text(request, t))
                    }
                    div.actions {
                        @if request.status == InterpreterStatus::Accepted {
                            button.primary data-action="interpreter" data-verb="arrived" data-request=(request.id) { (t.arrived) }
                        }
                        button data-action="interpreter" data-verb="done" data-request=(request.id) { (t.done) }
                    }
                }
            }
        }
        section.requests {
            h2 { (t.open_requests) " (" (open.len()) ")" }
            @if open.is_empty() { p { (t.no_open_requests) } }
            @else {
                table {
                    thead { tr { th { (t.desk_or_room) } th { (t.floor) } th { (t.number) } th { (t.language) } th { (t.waiting_since) } th {} } }
                    tbody {
                        @for request in &open {
                            tr {
                                td { (place_text(building, request.desk.as_deref(), t)) }
                                td { (floor_text(building, request.desk.as_deref(), t)) }
                                td { strong { (request.number) } }
                                td { (t.language_name(&request.language)) }
                                td { (since_text(request.requested_at, now, zone, t)) }
                                td {
                                    @if interpreter {
                                        button.primary data-action="interpreter" data-verb="accept"
                                            data-request=(request.id) disabled[busy] { (t.accept) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if interpreter && busy { p.updated { (t.busy_finish_first) } }
            }
        }
        p.updated { (t.as_of) " " (now.with_timezone(&zone).format("%H:%M:%S")) }
    };
    Ok((markup, languages))
}

/// Where a request's visitor is: "Schalter 2" or "Raum 1.05"; the waiting area before a call.
pub fn place_text(building: &Building, desk: Option<&str>, t: &StaffTexts) -> String {
    match desk.and_then(|d| building.desk(d)) {
        Some(desk) => {
            let (de, en) = lotse_protocol::place_caption(desk.kind);
            format!("{} {}", t.pick(de, en), desk.number)
        }
        None => t.waiting_area.to_owned(),
    }
}

fn floor_text(building: &Building, desk: Option<&str>, t: &StaffTexts) -> String {
    let floor = desk.and_then(|d| building.desk(d)).map_or(0, |d| d.floor);
    let (de, en) = lotse_protocol::floor_caption(floor);
    t.pick(de, en)
}

/// "10:42 (12 Min.)".
pub fn since_text(at: DateTime<Utc>, now: DateTime<Utc>, zone: Tz, t: &StaffTexts) -> String {
    let minutes = (now - at).num_minutes().max(0);
    format!(
        "{} ({minutes} {})",
        at.with_timezone(&zone).format("%H:%M"),
        t.minutes
    )
}

/// A request's state for staff: "offen", "angenommen von samir", "samir ist da".
pub fn state_text(request: &InterpreterRequest, t: &StaffTexts) -> String {
    let who = request.interpreter.as_deref().unwrap_or("?");
    match request.status {
        InterpreterStatus::Open => t.request_open.to_owned(),
        InterpreterStatus::Accepted => format!("{} {who}", t.accepted_by),
        InterpreterStatus::Arrived => format!("{who} {}", t.is_here),
        InterpreterStatus::Done => format!("{} ({who})", t.request_done),
        InterpreterStatus::Cancelled => t.request_cancelled.to_owned(),
    }
}
