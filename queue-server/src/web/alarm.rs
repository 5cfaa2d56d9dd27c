//! The emergency alarm on the staff pages: the control on the desk console (`alarm.js` raises
//! it silently, also with F9), the loud alert every staff page shows to those it notifies
//! (`GET /staff/alarms/panel`, loaded by `alarm.js` on each alarm event), and the alarms page
//! (`GET /staff/alarms`): open alarms to answer or close, the raiser's own, today's closed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use lotse_protocol::{Alarm, Building, localized};
use maud::{Markup, html};

use super::console::desk_title;
use super::html_response;
use super::layout::staff_page;
use super::session::StaffPage;
use super::staff_texts::{StaffTexts, texts};
use crate::config::Config;
use crate::domain::alarm::{self, Person};
use crate::http::AppState;
use crate::services::commands::alarm::{open_for, person, raised};
use crate::storage::alarms;

/// The control on the desk console: clearly marked, and silent (only a small confirmation
/// next to it).
pub fn raise_control(t: &StaffTexts) -> Markup {
    html! {
        span.alarm-raise {
            button.alarm-button type="button" data-alarm-action="raise" title=(t.alarm_control_hint) {
                (t.alarm_control)
            }
            small #alarm-sent role="status" data-sent=(t.alarm_sent) {}
        }
    }
}

/// Where `alarm` is: desk or room and floor, and the way there from the building config.
fn place(building: &Building, alarm: &Alarm, t: &StaffTexts) -> (String, Option<String>) {
    let default = building.site.default_language.as_str();
    let way = building
        .desk(&alarm.desk)
        .and_then(|d| d.direction.as_ref())
        .map(|direction| localized(direction, t.code, default).to_owned());
    (desk_title(building, &alarm.desk, t), way)
}

/// One alarm as its responders see it: loud, with the place, the way, who raised it, who is
/// on the way, and what the viewer may do.
fn responder_view(config: &Config, alarm: &Alarm, viewer: &Person<'_>, t: &StaffTexts) -> Markup {
    let (place, way) = place(&config.building, alarm, t);
    let zone: Tz = config.time_zone;
    let responding = alarm.responders.iter().any(|r| r.name == viewer.name);
    let may_close = alarm::may_close(viewer, &raised(alarm)).is_ok();
    html! {
        section.alarm role="alert" data-alarm=(alarm.id) data-place=(place)
            data-responding=(if responding { "yes" } else { "no" }) {
            h2 { "NOTRUF · EMERGENCY" }
            p.place { strong { (place) } }
            @if let Some(way) = way { p.way { (t.way) " " (way) } }
            p.raised {
                (t.raised_by) " " strong { (alarm.raised_by) } " " (t.at_time) " "
                (alarm.raised_at.with_timezone(&zone).format("%H:%M:%S"))
            }
            (responders(alarm, zone, t))
            div.alarm-actions {
                @if !responding {
                    button.primary type="button" data-alarm-action="acknowledge" data-alarm=(alarm.id) {
                        "Ich bin unterwegs · On my way"
                    }
                }
                @if may_close { (close_form(alarm, t)) }
            }
        }
    }
}

fn responders(alarm: &Alarm, zone: Tz, t: &StaffTexts) -> Markup {
    html! {
        p.responders {
            @if alarm.responders.is_empty() {
                (t.nobody_on_the_way)
            } @else {
                (t.on_the_way) " "
                @for (n, responder) in alarm.responders.iter().enumerate() {
                    @if n > 0 { ", " }
                    span.responder { (responder.name) " (" (responder.at.with_timezone(&zone).format("%H:%M:%S")) ")" }
                }
            }
        }
    }
}

fn close_form(alarm: &Alarm, t: &StaffTexts) -> Markup {
    html! {
        form.alarm-close data-alarm-form="close" data-alarm=(alarm.id) {
            label { (t.closing_note)
                input name="note" required maxlength=(lotse_protocol::limits::MAX_ALARM_NOTE_CHARS)
                    placeholder=(t.closing_example);
            }
            button type="submit" { (t.close_alarm) }
        }
    }
}

/// The raiser's own open alarm: quiet, only the way to close it.
fn own_view(config: &Config, alarm: &Alarm, t: &StaffTexts) -> Markup {
    let zone = config.time_zone;
    html! {
        section.own-alarm data-own-alarm=(alarm.id) {
            p { (t.own_alarm_open) " " (alarm.raised_at.with_timezone(&zone).format("%H:%M")) }
            (responders(alarm, zone, t))
            (close_form(alarm, t))
        }
    }
}

/// The viewer's alarm person, from the page's session.
fn viewer<'a>(state: &AppState, page: &'a StaffPage) -> Person<'a> {
    person(
        &state.config.building,
        &page.name,
        page.role,
        page.desk.as_deref(),
    )
}

async fn open_alarms(state: &AppState, page: &StaffPage) -> Result<Vec<Alarm>, Response> {
    let (config, name, role, desk) = (
        state.config.clone(),
        page.name.clone(),
        page.role,
        page.desk.clone(),
    );
    state
        .store
        .read(move |c| {
            let who = person(&config.building, &name, role, desk.as_deref());
            open_for(c, &who)
        })
        .await
        .map_err(|error| crate::http::error::AppError::from(error).into_response())
}

/// `GET /staff/alarms/panel`: the loud alerts for every open alarm that notifies the viewer
/// (empty for everyone else, the raiser included).
pub async fn panel(State(state): State<AppState>, page: StaffPage) -> Response {
    let open = match open_alarms(&state, &page).await {
        Ok(open) => open,
        Err(response) => return response,
    };
    let who = viewer(&state, &page);
    let markup = html! {
        @for alarm in open.iter().filter(|a| alarm::notified(&who, &raised(a))) {
            (responder_view(&state.config, alarm, &who, texts(page.lang)))
        }
    };
    html_response(StatusCode::OK, markup)
}

/// `GET /staff/alarms`: the open alarms the viewer answers, their own, and today's closed
/// ones the viewer would have been shown.
pub async fn page(State(state): State<AppState>, page: StaffPage) -> Response {
    let open = match open_alarms(&state, &page).await {
        Ok(open) => open,
        Err(response) => return response,
    };
    let today = state.config.day_start(state.now());
    let closed = match state
        .store
        .read(move |c| alarms::closed_since(c, today))
        .await
    {
        Ok(closed) => closed,
        Err(error) => return crate::http::error::AppError::from(error).into_response(),
    };
    let who = viewer(&state, &page);
    let zone = state.config.time_zone;
    let t = texts(page.lang);
    let content = html! {
        h1 { (t.nav_alarms) }
        section.alarms-open {
            @for alarm in &open {
                @if alarm.raised_by == page.name { (own_view(&state.config, alarm, t)) }
                @else { (responder_view(&state.config, alarm, &who, t)) }
            }
            @if open.is_empty() { p.quiet { (t.no_open_alarm) } }
        }
        section.alarms-closed {
            h2 { (t.closed_today) }
            @let shown: Vec<&Alarm> = closed.iter().filter(|a| alarm::visible(&who, &raised(a))).collect();
            @if shown.is_empty() { p.quiet { (t.none) } }
            @else {
                table {
                    thead { tr { th { (t.place) } th { (t.raised) } th { (t.first_response) } th { (t.closed) } th { (t.note) } } }
                    tbody {
                        @for alarm in shown {
                            tr {
                                td { (place(&state.config.building, alarm, t).0) }
                                td { (alarm.raised_at.with_timezone(&zone).format("%H:%M")) " · " (alarm.raised_by) }
                                td { @if let Some(first) = alarm.responders.first() {
                                    (first.at.with_timezone(&zone).format("%H:%M")) " · " (first.name)
                                } @else { "–" } }
                                td { @if let Some(at) = alarm.closed_at { (at.with_timezone(&zone).format("%H:%M")) }
                                     " · " (alarm.closed_by.as_deref().unwrap_or_default()) }
                                td { (alarm.note.as_deref().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
    };
    html_response(
        StatusCode::OK,
        staff_page(t.nav_alarms, Some(&page), None, content),
    )
}

/// The start of `date` in the building's time zone.
fn local_day_start(zone: Tz, date: chrono::NaiveDate) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    zone.from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|start| start.with_timezone(&chrono::Utc))
}

/// The statistics' section on alarms: per month of the period, how many, how many got a
/// response, and the time to the first "on my way" (median and longest). No names.
pub async fn stats_section(
    state: &AppState,
    period: crate::stats::Period,
    lang: crate::stats::tables::Lang,
) -> Result<Markup, Response> {
    let zone = state.config.time_zone;
    let (Some(from), Some(to)) = (
        local_day_start(zone, period.from),
        period
            .to
            .succ_opt()
            .and_then(|next| local_day_start(zone, next)),
    ) else {
        return Ok(html! {});
    };
    let raised = state
        .store
        .read(move |c| alarms::response_times(c, (from, to)))
        .await
        .map_err(|error| crate::http::error::AppError::from(error).into_response())?;
    let by_month: Vec<(String, Option<i64>)> = raised
        .into_iter()
        .map(|(at, first)| (at.with_timezone(&zone).format("%Y-%m").to_string(), first))
        .collect();
    let months = alarm::monthly(&by_month);
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let seconds = |value: Option<i64>| value.map_or("–".to_owned(), |s| format!("{s} s"));
    Ok(html! {
        section.stat #alarms-stats {
            h2 { (l("Notrufe", "Emergency alarms")) }
            @if months.is_empty() {
                p { (l("Keine Notrufe im Zeitraum.", "No alarms in the period.")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (l("Monat", "Month")) }
                        th scope="col" { (l("Notrufe", "Alarms")) }
                        th scope="col" { (l("beantwortet", "answered")) }
                        th scope="col" { (l("erste Antwort (Median)", "first response (median)")) }
                        th scope="col" { (l("erste Antwort (längste)", "first response (longest)")) }
                    } }
                    tbody {
                        @for month in &months {
                            tr {
                                th scope="row" { (month.month) }
                                td.number { (month.count) }
                                td.number { (month.answered) }
                                td.number { (seconds(month.median_first_response_seconds)) }
                                td.number { (seconds(month.longest_first_response_seconds)) }
                            }
                        }
                    }
                }
            }
        }
    })
}
