//! `GET /display?zone=…`: the call display for any browser or smart TV. The page shows the
//! same board as the display-board app; `display.js` keeps it live over `EventSource` by
//! reloading the board fragment (`/display/board`) when an event arrives.
//!
//! Sound: browsers play nothing before a gesture, so the page offers "Ton einschalten ·
//! Enable sound" once; after it, each call plays its announcement
//! (`/display/announcement/{event_id}`, see `announcement.rs`), one after another.
//!
//! A browser registers once with `/display?token=<display token>`: the token moves into an
//! HttpOnly cookie (EventSource cannot send headers) and the address bar loses it.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::DateTime;
use chrono_tz::Tz;
use lotse_protocol::{
    Building, DisplayCall, DisplaySnapshot, date_caption, floor_caption, localized, place_caption,
    waiting_by_agency,
};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use super::assets::head_links;
use super::html_response;
use super::pictogram::{agency_badge, service_badge};
use crate::auth::Caller;
use crate::http::AppState;
use crate::http::cookies;
use crate::http::display::load;
use crate::http::error::AppError;
use crate::http::extract::{DISPLAY_COOKIE, display_device};

/// Calls shown large; the others go to the history column.
const CURRENT_CALLS: usize = 3;
/// How long the browser keeps the display cookie.
const COOKIE_MAX_AGE_SECONDS: i64 = 365 * 24 * 3600;

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    zone: Option<String>,
    #[serde(default)]
    token: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
    caller: Result<Caller, AppError>,
) -> Response {
    if let Some(token) = &query.token {
        return register(&state, &headers, token, query.zone.as_deref()).await;
    }
    if caller.is_err() {
        return not_registered();
    }
    match load(&state, query.zone.clone(), None).await {
        Ok(snapshot) => {
            let zone = query.zone.filter(|z| !z.is_empty());
            let now = state.now().with_timezone(&state.config.time_zone);
            let markup = page_markup(&state.config.building, zone.as_deref(), &snapshot, now);
            html_response(StatusCode::OK, markup)
        }
        Err(AppError::InvalidInput(message)) => html_response(
            StatusCode::NOT_FOUND,
            message_page("Unbekannte Zone", &message),
        ),
        Err(error) => error.into_response(),
    }
}

/// The board fragment the page's script swaps in after each event.
pub async fn board(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    _caller: Caller,
) -> Result<Response, AppError> {
    let snapshot = load(&state, query.zone, None).await?;
    Ok(html_response(
        StatusCode::OK,
        board_markup(&state.config.building, &snapshot),
    ))
}

/// Checks a display token, keeps it in a cookie and sends the browser on to the page.
async fn register(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    zone: Option<&str>,
) -> Response {
    let valid = token.len() <= 128 && matches!(display_device(state, token).await, Ok(Some(_)));
    if !valid {
        return not_registered();
    }
    let mut target = url::form_urlencoded::Serializer::new(String::new());
    if let Some(zone) = zone.filter(|z| !z.is_empty()) {
        target.append_pair("zone", zone);
    }
    let target = format!("/display?{}", target.finish());
    match cookies::set(DISPLAY_COOKIE, token, "/", COOKIE_MAX_AGE_SECONDS, headers) {
        Ok(cookie) => ([(header::SET_COOKIE, cookie)], Redirect::to(&target)).into_response(),
        Err(error) => error.into_response(),
    }
}

fn not_registered() -> Response {
    html_response(
        StatusCode::UNAUTHORIZED,
        message_page(
            "Anzeige nicht registriert · Display not registered",
            "Open /display?token=TOKEN once on this screen, with a token from \
             `queue-server device add --kind display NAME`.",
        ),
    )
}

fn message_page(title: &str, message: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang="de" {
            head {
                meta charset="utf-8";
                title { (title) }
                (head_links("display.css", None))
            }
            body.message {
                h1 { (title) }
                p { (message) }
            }
        }
    }
}

fn page_markup(
    building: &Building,
    zone: Option<&str>,
    snapshot: &DisplaySnapshot,
    local: DateTime<Tz>,
) -> Markup {
    let site = &building.site;
    let default = site.default_language.as_str();
    let lines = rotating_lines(building);
    html! {
        (DOCTYPE)
        html lang=(default) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Aufrufe · " (localized(&site.name, default, default)) }
                (head_links("display.css", Some("display.js")))
            }
            body data-zone=(zone.unwrap_or("")) data-time-zone=(site.time_zone)
                data-server-time=(local.timestamp_millis()) {
                header.top {
                    h1 { (localized(&site.name, default, default)) }
                    div.when {
                        span #clock { (local.format("%H:%M")) }
                        span #date { (date_caption(local.date_naive())) }
                    }
                }
                button #sound type="button" {
                    "Ton einschalten" span.en { " · Enable sound" }
                }
                p #connection hidden {
                    "Verbindung unterbrochen seit " span.since {} " · Connection lost since "
                    span.since {}
                }
                main #board { (board_markup(building, snapshot)) }
                footer #lines {
                    @for (index, (language, line, notice)) in lines.iter().enumerate() {
                        div.line.shown[index == 0] lang=(language)
                            dir=(if lotse_protocol::languages::is_rtl(language) { "rtl" } else { "ltr" }) {
                            p.watch { (line) }
                            @if let Some(notice) = notice { p.notice { (notice) } }
                        }
                    }
                }
            }
        }
    }
}

/// Per language: "watch for your number" and the notices in that language.
fn rotating_lines(building: &Building) -> Vec<(String, String, Option<String>)> {
    let signage = &building.signage;
    let default = building.site.default_language.as_str();
    building
        .site
        .languages
        .iter()
        .filter_map(|language| {
            let line = signage.watch_for_number.get(language)?;
            let notices: Vec<&str> = signage
                .notices
                .iter()
                .map(|n| localized(n, language, default))
                .collect();
            let notice = (!notices.is_empty()).then(|| notices.join(" · "));
            Some((language.clone(), line.clone(), notice))
        })
        .collect()
}

/// The calls and the waiting lines: what `display.js` reloads.
fn board_markup(building: &Building, snapshot: &DisplaySnapshot) -> Markup {
    let default = building.site.default_language.as_str();
    let (current, history) = snapshot
        .calls
        .split_at(snapshot.calls.len().min(CURRENT_CALLS));
    html! {
        section.calls {
            h2 { "Aufruf" span.en { "Now calling" } }
            @if current.is_empty() {
                p.empty { "Zurzeit kein Aufruf" span.en { "No calls at the moment" } }
            }
            ol {
                @for call in current { (call_markup(building, call)) }
            }
        }
        section.history {
            h2 { "Zuletzt aufgerufen" span.en { "Recently called" } }
            ol {
                @for call in history { (call_markup(building, call)) }
            }
        }
        section.waiting {
            h2 { "Wartende" span.en { "Waiting" } }
            ul {
                @for line in waiting_by_agency(building, &snapshot.queues) {
                    @if let Some(agency) = building.agency(&line.agency) {
                        li {
                            (agency_badge(building, agency))
                            span.agency { (localized(&agency.name, default, default)) }
                            span.count { (line.waiting) }
                            span.estimate {
                                @match line.estimated_wait_minutes {
                                    Some(minutes) if line.waiting > 0 => { "ca. " (minutes) " min" }
                                    Some(_) => { "–" }
                                    None => { "geschlossen · closed" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn call_markup(building: &Building, call: &DisplayCall) -> Markup {
    let default = building.site.default_language.as_str();
    let desk = building.desk(&call.desk);
    let agency = building
        .service(&call.service)
        .and_then(|s| building.agency(&s.agency));
    let colour = agency.map_or("#444444", |a| a.colour.as_str());
    html! {
        li.call data-key=(format!("{}/{}", call.number, call.recall)) {
            (swatch(colour))
            (service_badge(building, &call.service))
            span.number { (call.number) }
            span.arrow aria-hidden="true" { "→" }
            @if let Some(desk) = desk {
                @let (de, en) = place_caption(desk.kind);
                @let (floor_de, floor_en) = floor_caption(desk.floor);
                span.place {
                    small { (de) " · " (en) }
                    b { (desk.number) }
                }
                span.floor {
                    (floor_de) " · " (floor_en)
                    @if let Some(direction) = &desk.direction {
                        br; small { (localized(direction, default, default)) }
                    }
                }
            } @else {
                span.place { b { (call.desk) } }
            }
        }
    }
}

/// A coloured block drawn as SVG: the content security policy forbids inline styles, and an
/// SVG `fill` attribute is not a style.
fn swatch(colour: &str) -> Markup {
    html! {
        svg.swatch viewBox="0 0 10 10" preserveAspectRatio="none" aria-hidden="true" {
            rect width="10" height="10" rx="2" fill=(colour) {}
        }
    }
}
