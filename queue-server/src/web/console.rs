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
use lotse_protocol::{
    Building, CallReason, DeskTicket, InterpreterRequest, InterpreterStatus, PassedOver, Role,
    Stop, StopStatus, localized,
};
use maud::{Markup, html};

use super::alarm;
use super::alerts;
use super::html_response;
use super::interpreter::state_text;
use super::layout::staff_page;
use super::session::StaffPage;
use super::staff_texts::{StaffTexts, texts};
use crate::config::Config;
use crate::domain::DomainError;
use crate::domain::alerts::{Audience, desk_services};
use crate::domain::outcomes::OUTCOMES;
use crate::http::AppState;
use crate::services::queries::console::{DeskView, desk_view};

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
    let t = texts(page.lang);
    let Some(desk) = usable_desk(&state, &page) else {
        return html_response(
            StatusCode::OK,
            staff_page(
                t.choose_desk_title,
                Some(&page),
                None,
                desk_picker(&state.config.building, &page),
            ),
        );
    };
    match panel_markup(&state, &page, &desk).await {
        Ok(panel) => {
            let title = desk_title(&state.config.building, &desk, t);
            let content = html! {
                div.console {
                    div.heading {
                        h1 { (title) }
                        div.tools {
                            (alarm::raise_control(t))
                            (alerts::sound_button())
                            form method="post" action="/staff/desk" {
                                input type="hidden" name="csrf" value=(page.csrf);
                                input type="hidden" name="desk" value="";
                                button.quiet type="submit" { (t.change_desk) }
                            }
                        }
                    }
                    div #live { (panel) }
                    (walk_in_form(&state.config.building, t))
                    p.keys {
                        (t.keys) " " kbd { "N" } " " (t.key_next) " · " kbd { "R" } " " (t.key_recall) " · "
                        kbd { "S" } " " (t.key_start) " · " kbd { "F" } " " (t.key_finish) " · " kbd { "X" }
                        " " (t.key_no_show) " · " kbd { "P" } " " (t.key_park) " · " kbd { "T" }
                        " " (t.key_transfer) " · " kbd { "W" } " " (t.key_walk_in)
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
    let waiting_lines = state.store.lines();
    let view = state
        .store
        .read(move |c| {
            let desk = config
                .building
                .desk(&id)
                .ok_or_else(|| DomainError::UnknownDesk(id.clone()))?;
            Ok::<_, crate::http::error::AppError>(desk_view(
                c,
                &waiting_lines,
                &config,
                now,
                desk,
                &agencies,
            )?)
        })
        .await
        .map_err(IntoResponse::into_response)?;
    let services = desk_services(&state.config.building, Some(desk)).unwrap_or_default();
    Ok(desk_panel(
        &state.config,
        now,
        &view,
        services,
        (&page.csrf, texts(page.lang)),
    ))
}

/// "Schalter 3 · EG" or "Raum 1.05 · 1. OG" ("Counter 3 · Ground floor" in English).
pub(super) fn desk_title(building: &Building, desk: &str, t: &StaffTexts) -> String {
    match building.desk(desk) {
        Some(d) => {
            let (de, en) = lotse_protocol::floor_caption(d.floor);
            let (label_de, label_en) = lotse_protocol::desk_label(d);
            format!("{} · {}", t.pick(label_de, label_en), t.pick(de, en))
        }
        None => desk.to_owned(),
    }
}

fn desk_picker(building: &Building, page: &StaffPage) -> Markup {
    html! {
        h1 { (texts(page.lang).choose_desk_question) }
        div.desks {
            @for desk in building.desks.iter().filter(|d| page.agencies.serves_at(building, &d.id)) {
                form method="post" action="/staff/desk" {
                    input type="hidden" name="csrf" value=(page.csrf);
                    input type="hidden" name="desk" value=(desk.id);
                    button.desk type="submit" {
                        strong { (desk_title(building, &desk.id, texts(page.lang))) }
                        small {
                            @for (n, service) in desk.services.iter().enumerate() {
                                @if n > 0 { ", " }
                                (texts(page.lang).service_name(building, service))
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

/// Who a call passes over because they are at another desk with another concern of their
/// visit, for the desk officer: "übersprungen, …: A-012 (gerade an Schalter 7)".
pub fn passed_over_text(
    building: &Building,
    passed_over: &[PassedOver],
    t: &StaffTexts,
) -> Option<String> {
    let names: Vec<String> = passed_over
        .iter()
        .map(|p| {
            format!(
                "{} ({} {})",
                p.number,
                t.now_at,
                desk_name(building, &p.desk)
            )
        })
        .collect();
    (!names.is_empty()).then(|| format!("{} {}", t.passed_over, names.join(", ")))
}

/// "Schalter 7" for a desk id.
fn desk_name(building: &Building, desk: &str) -> String {
    building
        .desk(desk)
        .map_or_else(|| desk.to_owned(), |d| lotse_protocol::desk_label(d).0)
}

/// Where one of the visit's other concerns stands: "wartet dort", "an Schalter 7", "erledigt".
fn concern_state(building: &Building, stop: &Stop, t: &StaffTexts) -> String {
    let text = match stop.status {
        StopStatus::Waiting => t.concern_waiting,
        StopStatus::Pending => t.concern_later,
        StopStatus::Called | StopStatus::Serving => match stop.desk.as_deref() {
            Some(desk) => return format!("{} {}", t.concern_at, desk_name(building, desk)),
            None => t.concern_at_a_desk,
        },
        StopStatus::Parked => t.concern_parked,
        StopStatus::Done => t.concern_done,
        StopStatus::Transferred => t.concern_transferred,
        StopStatus::NoShow => t.concern_no_show,
        StopStatus::Cancelled => t.concern_cancelled,
    };
    text.to_owned()
}

/// Why routing chose a ticket, for the desk officer.
pub fn reason_text(reason: &CallReason, time_zone: Tz, t: &StaffTexts) -> String {
    if t.code == "en" {
        return english_reason(reason, time_zone);
    }
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

/// Why routing chose a ticket, in English.
fn english_reason(reason: &CallReason, time_zone: Tz) -> String {
    match reason {
        CallReason::AppointmentDue { appointment_at } => format!(
            "appointment due at {}",
            appointment_at.with_timezone(&time_zone).format("%H:%M")
        ),
        CallReason::Priority { waited_minutes } => {
            format!("priority, waiting for {waited_minutes} min")
        }
        CallReason::TransferredFront { waited_minutes } => {
            format!("transferred to the front; waiting for {waited_minutes} min")
        }
        CallReason::Overdue {
            waited_minutes,
            target_minutes,
        } => format!("overdue: waiting {waited_minutes} min, target {target_minutes} min"),
        CallReason::LongestWait {
            waited_minutes,
            target_minutes,
        } => format!("waiting {waited_minutes} min, target {target_minutes} min"),
        CallReason::CalledByNumber => "called by number".to_owned(),
        CallReason::LanguageMatch {
            language,
            waited_minutes,
            target_minutes,
        } => format!(
            "speaks {}; waiting {waited_minutes} min, target {target_minutes} min",
            lotse_protocol::languages::english_name(language)
        ),
    }
}

fn desk_panel(
    config: &Config,
    now: DateTime<Utc>,
    view: &DeskView,
    services: &[String],
    (csrf, t): (&str, &StaffTexts),
) -> Markup {
    let building = &config.building;
    html! {
        (alerts::section(building, config.time_zone, &view.alerts, Audience::Desk(services), csrf, "/staff"))
        div.columns {
            section.current {
                @match &view.current {
                    Some(ticket) => { (current_ticket(building, ticket, view, t)) }
                    None => {
                        h2 { (t.no_visitor) }
                        @let waits_for_interpreter = view.next_interpreter.as_ref()
                            .is_some_and(|r| r.status != InterpreterStatus::Arrived);
                        @if let (true, Some(next)) = (waits_for_interpreter, &view.next) {
                            p.alert role="alert" {
                                (t.interpreter_missing) " " (next.number)
                            }
                            div.actions {
                                button.primary data-action="call-next" data-key="n" { (t.call_anyway) }
                                button data-action="call-next-except" data-number=(next.number) {
                                    (t.call_other_instead)
                                }
                            }
                        } @else {
                            button.primary data-action="call-next" data-key="n" { (t.call_next) }
                        }
                        @match &view.next {
                            Some(next) => {
                                p.next {
                                    (t.next_up) " " strong { (next.number) } " · "
                                    (t.service_name(building, &next.service))
                                    @if let Some(reason) = &next.reason {
                                        br; small { (reason_text(reason, config.time_zone, t)) }
                                    }
                                }
                                (interpreter_box(building, next, view.next_interpreter.as_ref(), t))
                            }
                            None => { p.next { (t.nobody_waiting) } }
                        }
                        @if let Some(text) = passed_over_text(building, &view.passed_over, t) {
                            p.passed-over { small { (text) } }
                        }
                        form.inline data-form="call" {
                            label { (t.call_number) input name="number" placeholder="A-042" size="8" required; }
                            button type="submit" { (t.call) }
                        }
                    }
                }
            }
            section.lines {
                h2 { (t.lines) }
                table {
                    thead { tr { th { (t.concern) } th { (t.waiting) } th { (t.longest) } th { (t.estimate) } } }
                    tbody {
                        @for line in &view.lines {
                            tr {
                                td { (t.service_name(building, &line.service)) }
                                td.number { (line.waiting) }
                                td.number { (line.longest_wait_minutes) " " (t.minutes) }
                                td.number { (line.estimated_wait_minutes) " " (t.minutes) }
                            }
                        }
                    }
                }
                @if !view.parked.is_empty() {
                    h2 { (t.parked) }
                    ul.parked {
                        @for number in &view.parked {
                            li {
                                strong { (number) }
                                button data-action="resume" data-number=(number) { (t.resume) }
                                button data-action="call" data-number=(number) { (t.call) }
                            }
                        }
                    }
                }
                p.updated { (t.as_of) " " (now.with_timezone(&config.time_zone).format("%H:%M:%S")) }
            }
        }
    }
}

fn current_ticket(
    building: &Building,
    ticket: &DeskTicket,
    view: &DeskView,
    t: &StaffTexts,
) -> Markup {
    let called = ticket.status == StopStatus::Called;
    html! {
        h2 {
            span.ticket { (ticket.number) }
            " · " (t.service_name(building, &ticket.service))
        }
        p.status {
            @if called { (t.called) @if ticket.recalls > 0 { " (" (ticket.recalls) "×)" } }
            @else { (t.serving) }
            " · " (t.language_of_visitor) " " (t.language_name(&ticket.language))
        }
        @if !view.other_concerns.is_empty() {
            div.other-concerns {
                h3 { (t.other_concerns) }
                ul {
                    @for stop in &view.other_concerns {
                        li data-status=(stop.status.as_str()) {
                            (t.service_name(building, &stop.service)) ": " (concern_state(building, stop, t))
                        }
                    }
                }
            }
        }
        (interpreter_box(building, ticket, view.current_interpreter.as_ref(), t))
        @for note in &view.notes {
            blockquote.note { (note.text) footer { (t.note_by) " " (note.author) } }
        }
        div.actions {
            @if called {
                button data-action="recall" data-key="r" { (t.recall) }
                button.primary data-action="start" data-key="s" { (t.start) }
                button data-action="no-show" data-key="x" { (t.no_show) }
            } @else {
                select #outcome name="outcome" aria-label=(t.outcome) {
                    option value="" { (t.outcome_optional) }
                    @for (code, label) in OUTCOMES {
                        option value=(code) { (label) }
                    }
                }
                button.primary data-action="finish" data-key="f" { (t.finish) }
            }
            button data-action="park" data-key="p" { (t.park) }
        }
        (transfer_form(building, t))
    }
}

/// The interpreter request of `ticket`'s visitor, or the form to ask for one (language preset
/// to the visitor's; the building's default language needs none).
fn interpreter_box(
    building: &Building,
    ticket: &DeskTicket,
    request: Option<&InterpreterRequest>,
    t: &StaffTexts,
) -> Markup {
    let default = building.site.default_language.as_str();
    html! {
        @match request {
            Some(request) => {
                p.interpreter data-interpreter=(request.status.as_str()) {
                    (t.interpreting) " " (t.language_name(&request.language)) ": " (state_text(request, t))
                    " "
                    button.quiet data-action="interpreter" data-verb="cancel" data-request=(request.id) {
                        (t.cancel)
                    }
                }
            }
            None => {
                form.inline.interpreter data-form="interpreter" {
                    input type="hidden" name="number" value=(ticket.number);
                    label { (t.language)
                        select name="language" {
                            @for language in building.site.languages.iter().filter(|l| *l != default) {
                                option value=(language) selected[*language == ticket.language] { (t.language_name(language)) }
                            }
                        }
                    }
                    button type="submit" { (t.request_interpreter) }
                }
            }
        }
    }
}

fn service_options(building: &Building, t: &StaffTexts) -> Markup {
    let default = building.site.default_language.as_str();
    html! {
        @for agency in &building.agencies {
            optgroup label=(localized(&agency.name, t.code, default)) {
                @for service in building.services.iter().filter(|s| s.agency == agency.id) {
                    option value=(service.id) { (localized(&service.name, t.code, default)) }
                }
            }
        }
    }
}

fn transfer_form(building: &Building, t: &StaffTexts) -> Markup {
    html! {
        form.transfer data-form="transfer" {
            h3 { (t.transfer_heading) }
            label { (t.transfer_to) select name="service" required { (service_options(building, t)) } }
            fieldset {
                label { input type="radio" name="position" value="back" checked; " " (t.back_of_line) }
                label { input type="radio" name="position" value="front"; " " (t.front_of_line) }
            }
            label { (t.transfer_note)
                textarea name="note" rows="2" maxlength=(lotse_protocol::limits::MAX_NOTE_CHARS) {} }
            button type="submit" { (t.transfer) }
        }
    }
}

fn walk_in_form(building: &Building, t: &StaffTexts) -> Markup {
    html! {
        form.walk-in data-form="walk-in" {
            h3 { (t.walk_in_heading) }
            label { (t.concern) select name="service" required { (service_options(building, t)) } }
            label { (t.language) select name="language" {
                @for language in &building.site.languages { option value=(language) { (language) } }
            } }
            label.check { input type="checkbox" name="priority"; " " (t.priority) }
            button type="submit" { (t.issue_number) }
        }
    }
}
