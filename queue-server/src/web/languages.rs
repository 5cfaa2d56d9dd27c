//! The supervisor overview's language part: per line, how many waiting visitors speak which
//! language and which staffed desks speak it; today's interpreter requests with how long each
//! waited for an interpreter; and the day's numbers per language (requests, time to accept,
//! share of visits served in the visitor's language).

use lotse_protocol::{Building, InterpreterStatus};
use maud::{Markup, html};

use super::interpreter::{place_text, since_text, state_text};
use super::staff_texts::StaffTexts;
use crate::domain::issuing::day_of;
use crate::domain::language_stats::by_language;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::storage::{console, interpreters};

/// The section in the language of `t`.
pub async fn overview_section(state: &AppState, t: &StaffTexts) -> Result<Markup, AppError> {
    let (now, config) = (state.now(), state.config.clone());
    let (waiting, desks, requests, served) = state
        .store
        .read(move |c| {
            let day = day_of(&config, now);
            Ok::<_, AppError>((
                interpreters::waiting_by_language(c, &day)?,
                console::overview(c, &config, now)?,
                interpreters::today(c, config.day_start(now))?,
                interpreters::served_today(c, &day)?,
            ))
        })
        .await?;
    let building = &state.config.building;
    let staffed: Vec<&str> = desks
        .iter()
        .filter(|d| !d.staff.is_empty())
        .map(|d| d.desk.as_str())
        .collect();
    let stats = by_language(building, &served, &requests);
    let zone = state.config.time_zone;
    Ok(html! {
        section.languages {
            h2 { (t.languages_in_lines) }
            @if waiting.is_empty() { p { (t.nobody_in_any_line) } }
            @else {
                table {
                    thead { tr { th { (t.concern) } th { (t.language) } th { (t.waiting) } th { (t.staffed_desks_speaking) } } }
                    tbody {
                        @for (service, language, count) in &waiting {
                            @let speaking = speaking_desks(building, &staffed, service, language, t);
                            tr {
                                td { (t.service_name(building, service)) }
                                td { (t.language_name(language)) }
                                td.number { (count) }
                                td class=[speaking.is_empty().then_some("none")] {
                                    @if speaking.is_empty() { (t.no_desk) } @else { (speaking.join(", ")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.interpreters {
            h2 { (t.interpreting_today) }
            @if requests.is_empty() { p { (t.no_requests) } }
            @else {
                table {
                    thead { tr { th { (t.number) } th { (t.language) } th { (t.where_) } th { (t.requested) } th { (t.state) } th { (t.wait_for_interpreter) } } }
                    tbody {
                        @for request in &requests {
                            @let waited = request.arrived_at.or(request.accepted_at)
                                .filter(|_| request.status != InterpreterStatus::Open)
                                .unwrap_or(now);
                            tr {
                                td { strong { (request.number) } }
                                td { (t.language_name(&request.language)) }
                                td { (place_text(building, request.desk.as_deref(), t)) }
                                td { (since_text(request.requested_at, now, zone, t)) }
                                td { (state_text(request, t)) }
                                td.number { ((waited - request.requested_at).num_minutes().max(0)) " " (t.minutes) }
                            }
                        }
                    }
                }
            }
            h3 { (t.figures_per_language) }
            table.stats {
                thead { tr {
                    th { (t.language) } th { (t.served_visits) } th { (t.spoken_at_desk) }
                    th { (t.with_interpreter) } th { (t.in_their_language) } th { (t.requests) }
                    th { (t.accepted) } th { (t.time_to_accept) }
                } }
                tbody {
                    @for row in &stats {
                        tr {
                            td { (t.language_name(&row.language)) }
                            td.number { (row.served) }
                            td.number { (row.at_speaking_desk) }
                            td.number { (row.with_interpreter) }
                            td.number { @if let Some(share) = row.share_in_language() { (share) " %" } @else { "–" } }
                            td.number { (row.requests) }
                            td.number { (row.accepted) }
                            td.number { @if let Some(minutes) = row.mean_minutes_to_accept { "Ø " (minutes) " " (t.minutes) } @else { "–" } }
                        }
                    }
                }
            }
        }
    })
}

/// "Schalter 2, Raum 1.05": staffed desks serving `service` whose staff speak `language`.
fn speaking_desks(
    building: &Building,
    staffed: &[&str],
    service: &str,
    language: &str,
    t: &StaffTexts,
) -> Vec<String> {
    building
        .desks
        .iter()
        .filter(|d| staffed.contains(&d.id.as_str()))
        .filter(|d| d.services.iter().any(|s| s == service))
        .filter(|d| d.languages.iter().any(|l| l == language))
        .map(|d| place_text(building, Some(&d.id), t))
        .collect()
}
