//! `GET /staff`: the desk console. Without a desk chosen it offers the desks; with one it shows
//! the desk's situation (`/staff/panel`, reloaded by `staff.js` after every event) and the
//! actions: call next or by number, recall, start, finish, no-show, park/resume, transfer
//! with a note for the receiving agency, and walk-in tickets. The actions call the JSON API
//! from `staff.js` with the session's CSRF token.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lotse_protocol::languages::german_name;
use lotse_protocol::{
    Building, CallReason, DeskTicket, InterpreterRequest, InterpreterStatus, Role, StopStatus,
    localized,
};
use maud::{Markup, html};

use super::alarm;
use super::alerts;
use super::html_response;
use super::interpreter::state_text;
use super::layout::staff_page;
use super::session::StaffPage;
use crate::config::Config;
use crate::domain::DomainError;
use crate::domain::alerts::{Audience, desk_services};
use crate::domain::outcomes::OUTCOMES;
use crate::http::AppState;
use crate::storage::console::{DeskView, desk_view};

/// The session's desk, unless the building no longer has it or it no longer serves the
/// account's agencies (then the officer chooses again).
fn usable_desk(state: &AppState, page: &StaffPage) -> Option<String> {
    page.desk
        .clone()
        .filter(|desk| page.agencies.serves_at(&state.config.building, desk))
}

pub async fn page(State(state): State<AppState>, page: StaffPage) -> Response {
    if page.role == Role::Interpreter {
        return Redirect::to("/staff/interpreter").into_response();
    }
    if page.role == Role::Security {
        return Redirect::to("/staff/alarms").into_response();
    }
    let Some(desk) = usable_desk(&state, &page) else {
        return html_response(
            StatusCode::OK,
            staff_page(
                "Platz wählen",
                Some(&page),
                None,
                desk_picker(&state.config.building, &page),
            ),
        );
    };
    match panel_markup(&state, &page, &desk).await {
        Ok(panel) => {
            let title = desk_title(&state.config.building, &desk);
            let content = html! {
                div.console {
                    div.heading {
                        h1 { (title) }
                        div.tools {
                            (alarm::raise_control())
                            (alerts::sound_button())
                            form method="post" action="/staff/desk" {
                                input type="hidden" name="csrf" value=(page.csrf);
                                input type="hidden" name="desk" value="";
                                button.quiet type="submit" { "Platz wechseln" }
                            }
                        }
                    }
                    div #live { (panel) }
                    (walk_in_form(&state.config.building))
                    p.keys {
                        "Tasten: " kbd { "N" } " nächste · " kbd { "R" } " erneut aufrufen · "
                        kbd { "S" } " beginnen · " kbd { "F" } " abschließen · " kbd { "X" }
                        " nicht erschienen · " kbd { "P" } " zurückstellen · " kbd { "T" }
                        " weiterleiten · " kbd { "W" } " Laufkundschaft"
                    }
                }
            };
            html_response(
                StatusCode::OK,
                staff_page(&title, Some(&page), Some("/staff/panel"), content),
            )
        }
        Err(response) => response,
    }
}

pub async fn panel(State(state): State<AppState>, page: StaffPage) -> Response {
    let Some(desk) = usable_desk(&state, &page) else {
        return StatusCode::CONFLICT.into_response();
    };
    match panel_markup(&state, &page, &desk).await {
        Ok(panel) => html_response(StatusCode::OK, panel),
        Err(response) => response,
    }
}

async fn panel_markup(state: &AppState, page: &StaffPage, desk: &str) -> Result<Markup, Response> {
    let (now, config, id) = (state.now(), state.config.clone(), desk.to_owned());
    let agencies = page.agencies.clone();
    let view = state
        .store
        .read(move |c| {
            let desk = config
                .building
                .desk(&id)
                .ok_or_else(|| DomainError::UnknownDesk(id.clone()))?;
            Ok::<_, crate::http::error::AppError>(desk_view(c, &config, now, desk, &agencies)?)
        })
        .await
        .map_err(IntoResponse::into_response)?;
    let services = desk_services(&state.config.building, Some(desk)).unwrap_or_default();
    Ok(desk_panel(&state.config, now, &view, services, &page.csrf))
}

/// "Schalter 3 · EG" or "Raum 1.05 · 1. OG".
pub(super) fn desk_title(building: &Building, desk: &str) -> String {
    match building.desk(desk) {
        Some(d) => {
            let (floor, _) = lotse_protocol::floor_caption(d.floor);
            format!("{} · {floor}", lotse_protocol::desk_label(d).0)
        }
        None => desk.to_owned(),
    }
}

fn desk_picker(building: &Building, page: &StaffPage) -> Markup {
    let default = building.site.default_language.as_str();
    html! {
        h1 { "An welchem Platz arbeiten Sie heute?" }
        div.desks {
            @for desk in building.desks.iter().filter(|d| page.agencies.serves_at(building, &d.id)) {
                form method="post" action="/staff/desk" {
                    input type="hidden" name="csrf" value=(page.csrf);
                    input type="hidden" name="desk" value=(desk.id);
                    button.desk type="submit" {
                        strong { (desk_title(building, &desk.id)) }
                        small {
                            @for (n, service) in desk.services.iter().enumerate() {
                                @if n > 0 { ", " }
                                (building.service(service).map_or(service.as_str(), |s| localized(&s.name, default, default)))
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn service_name<'a>(building: &'a Building, id: &'a str) -> &'a str {
    let default = building.site.default_language.as_str();
    building
        .service(id)
        .map_or(id, |s| localized(&s.name, default, default))
}

/// Why routing chose a ticket, for the desk officer.
pub fn reason_text(reason: &CallReason, time_zone: Tz) -> String {
    match reason {
        CallReason::AppointmentDue { appointment_at } => format!(
            "Termin um {} fällig",
            appointment_at.with_timezone(&time_zone).format("%H:%M")
        ),
        CallReason::Priority { waited_minutes } => {
            format!("Vorrang, wartet seit {waited_minutes} Min.")
        }
        CallReason::TransferredFront { waited_minutes } => {
            format!("weitergeleitet, vorn eingereiht; wartet seit {waited_minutes} Min.")
        }
        CallReason::Overdue {
            waited_minutes,
            target_minutes,
        } => format!("überfällig: wartet {waited_minutes} Min. bei Ziel {target_minutes} Min."),
        CallReason::LongestWait {
            waited_minutes,
            target_minutes,
        } => format!("wartet {waited_minutes} Min. bei Ziel {target_minutes} Min."),
        CallReason::CalledByNumber => "per Nummer aufgerufen".to_owned(),
        CallReason::LanguageMatch {
            language,
            waited_minutes,
            target_minutes,
        } => format!(
            "spricht {}; wartet {waited_minutes} Min. bei Ziel {target_minutes} Min.",
            lotse_protocol::languages::german_name(language)
        ),
    }
}

fn desk_panel(
    config: &Config,
    now: DateTime<Utc>,
    view: &DeskView,
    services: &[String],
    csrf: &str,
) -> Markup {
    let building = &config.building;
    html! {
        (alerts::section(building, config.time_zone, &view.alerts, Audience::Desk(services), csrf, "/staff"))
        div.columns {
            section.current {
                @match &view.current {
                    Some(ticket) => { (current_ticket(building, ticket, view)) }
                    None => {
                        h2 { "Kein Besuch am Platz" }
                        @let waits_for_interpreter = view.next_interpreter.as_ref()
                            .is_some_and(|r| r.status != InterpreterStatus::Arrived);
                        @if let (true, Some(next)) = (waits_for_interpreter, &view.next) {
                            p.alert role="alert" {
                                "Sprachmittler noch nicht da – " (next.number) " wartet auf Sprachmittlung."
                            }
                            div.actions {
                                button.primary data-action="call-next" data-key="n" { "Trotzdem aufrufen (N)" }
                                button data-action="call-next-except" data-number=(next.number) {
                                    "Stattdessen die nächste Person aufrufen"
                                }
                            }
                        } @else {
                            button.primary data-action="call-next" data-key="n" { "Nächste Nummer aufrufen (N)" }
                        }
                        @match &view.next {
                            Some(next) => {
                                p.next {
                                    "Als Nächstes: " strong { (next.number) } " · "
                                    (service_name(building, &next.service))
                                    @if let Some(reason) = &next.reason {
                                        br; small { (reason_text(reason, config.time_zone)) }
                                    }
                                }
                                (interpreter_box(building, next, view.next_interpreter.as_ref()))
                            }
                            None => { p.next { "Niemand wartet auf diesen Platz." } }
                        }
                        form.inline data-form="call" {
                            label { "Nummer aufrufen" input name="number" placeholder="A-042" size="8" required; }
                            button type="submit" { "Aufrufen" }
                        }
                    }
                }
            }
            section.lines {
                h2 { "Warteschlangen" }
                table {
                    thead { tr { th { "Anliegen" } th { "wartend" } th { "längste" } th { "Schätzung" } } }
                    tbody {
                        @for line in &view.lines {
                            tr {
                                td { (service_name(building, &line.service)) }
                                td.number { (line.waiting) }
                                td.number { (line.longest_wait_minutes) " Min." }
                                td.number { (line.estimated_wait_minutes) " Min." }
                            }
                        }
                    }
                }
                @if !view.parked.is_empty() {
                    h2 { "Zurückgestellt" }
                    ul.parked {
                        @for number in &view.parked {
                            li {
                                strong { (number) }
                                button data-action="resume" data-number=(number) { "Wieder einreihen" }
                                button data-action="call" data-number=(number) { "Aufrufen" }
                            }
                        }
                    }
                }
                p.updated { "Stand " (now.with_timezone(&config.time_zone).format("%H:%M:%S")) }
            }
        }
    }
}

fn current_ticket(building: &Building, ticket: &DeskTicket, view: &DeskView) -> Markup {
    let called = ticket.status == StopStatus::Called;
    html! {
        h2 {
            span.ticket { (ticket.number) }
            " · " (service_name(building, &ticket.service))
        }
        p.status {
            @if called { "aufgerufen" @if ticket.recalls > 0 { " (" (ticket.recalls) "× erneut)" } }
            @else { "in Bearbeitung" }
            " · Sprache: " (german_name(&ticket.language))
        }
        (interpreter_box(building, ticket, view.current_interpreter.as_ref()))
        @for note in &view.notes {
            blockquote.note { (note.text) footer { "Notiz von " (note.author) } }
        }
        div.actions {
            @if called {
                button data-action="recall" data-key="r" { "Erneut aufrufen (R)" }
                button.primary data-action="start" data-key="s" { "Beginnen (S)" }
                button data-action="no-show" data-key="x" { "Nicht erschienen (X)" }
            } @else {
                select #outcome name="outcome" aria-label="Ergebnis" {
                    option value="" { "Ergebnis (optional)" }
                    @for (code, label) in OUTCOMES {
                        option value=(code) { (label) }
                    }
                }
                button.primary data-action="finish" data-key="f" { "Abschließen (F)" }
            }
            button data-action="park" data-key="p" { "Zurückstellen (P)" }
        }
        (transfer_form(building))
    }
}

/// The interpreter request of `ticket`'s visitor, or the form to ask for one (language preset
/// to the visitor's; the building's default language needs none).
fn interpreter_box(
    building: &Building,
    ticket: &DeskTicket,
    request: Option<&InterpreterRequest>,
) -> Markup {
    let default = building.site.default_language.as_str();
    html! {
        @match request {
            Some(request) => {
                p.interpreter data-interpreter=(request.status.as_str()) {
                    "Sprachmittlung " (german_name(&request.language)) ": " (state_text(request))
                    " "
                    button.quiet data-action="interpreter" data-verb="cancel" data-request=(request.id) {
                        "Absagen"
                    }
                }
            }
            None => {
                form.inline.interpreter data-form="interpreter" {
                    input type="hidden" name="number" value=(ticket.number);
                    label { "Sprache"
                        select name="language" {
                            @for language in building.site.languages.iter().filter(|l| *l != default) {
                                option value=(language) selected[*language == ticket.language] { (german_name(language)) }
                            }
                        }
                    }
                    button type="submit" { "Sprachmittler anfordern" }
                }
            }
        }
    }
}

fn service_options(building: &Building) -> Markup {
    let default = building.site.default_language.as_str();
    html! {
        @for agency in &building.agencies {
            optgroup label=(localized(&agency.name, default, default)) {
                @for service in building.services.iter().filter(|s| s.agency == agency.id) {
                    option value=(service.id) { (localized(&service.name, default, default)) }
                }
            }
        }
    }
}

fn transfer_form(building: &Building) -> Markup {
    html! {
        form.transfer data-form="transfer" {
            h3 { "Weiterleiten (T)" }
            label { "an" select name="service" required { (service_options(building)) } }
            fieldset {
                label { input type="radio" name="position" value="back" checked; " hinten anstellen" }
                label { input type="radio" name="position" value="front"; " vorn einreihen" }
            }
            label { "Notiz (nur für die empfangende Stelle)"
                textarea name="note" rows="2" maxlength=(lotse_protocol::limits::MAX_NOTE_CHARS) {} }
            button type="submit" { "Weiterleiten" }
        }
    }
}

fn walk_in_form(building: &Building) -> Markup {
    html! {
        form.walk-in data-form="walk-in" {
            h3 { "Laufkundschaft: Nummer ausgeben (W)" }
            label { "Anliegen" select name="service" required { (service_options(building)) } }
            label { "Sprache" select name="language" {
                @for language in &building.site.languages { option value=(language) { (language) } }
            } }
            label.check { input type="checkbox" name="priority"; " Vorrang" }
            button type="submit" { "Nummer ausgeben" }
        }
    }
}
