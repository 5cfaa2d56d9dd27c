//! The supervisor's overview (`/staff/overview`): every desk and every line, the alerts and
//! the languages waiting, in the account's language.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lotse_protocol::{Availability, localized};
use maud::{Markup, html};

use super::console::reason_text;
use super::html_response;
use super::layout::staff_page;
use super::page_access::StaffArea;
use super::session::StaffPage;
use super::staff_texts::texts;
use crate::domain::alerts::Audience;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::services::queries;
use crate::storage::{alerts, console, desks};
use crate::visit_order::Progress;

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
                queries::queues::queues(c, &config, now)?,
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
    let t = texts(page.lang);
    let languages = super::languages::overview_section(state, t).await?;
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
