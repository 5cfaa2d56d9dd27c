//! The supervisor overview's language part: per line, how many waiting visitors speak which
//! language and which staffed desks speak it; today's interpreter requests with how long each
//! waited for an interpreter; and the day's numbers per language (requests, time to accept,
//! share of visits served in the visitor's language).

use lotse_protocol::languages::german_name;
use lotse_protocol::{Building, InterpreterStatus};
use maud::{Markup, html};

use super::console::service_name;
use super::interpreter::{place_text, since_text, state_text};
use super::staff_texts::GERMAN;
use crate::domain::issuing::day_of;
use crate::domain::language_stats::by_language;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::storage::{console, interpreters};

pub async fn overview_section(state: &AppState) -> Result<Markup, AppError> {
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
            h2 { "Sprachen in den Warteschlangen" }
            @if waiting.is_empty() { p { "Niemand wartet." } }
            @else {
                table {
                    thead { tr { th { "Anliegen" } th { "Sprache" } th { "wartend" } th { "besetzte Plätze, die sie sprechen" } } }
                    tbody {
                        @for (service, language, count) in &waiting {
                            @let speaking = speaking_desks(building, &staffed, service, language);
                            tr {
                                td { (service_name(building, service)) }
                                td { (german_name(language)) }
                                td.number { (count) }
                                td class=[speaking.is_empty().then_some("none")] {
                                    @if speaking.is_empty() { "keiner" } @else { (speaking.join(", ")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.interpreters {
            h2 { "Sprachmittlung heute" }
            @if requests.is_empty() { p { "Keine Anfragen." } }
            @else {
                table {
                    thead { tr { th { "Nummer" } th { "Sprache" } th { "wo" } th { "angefragt" } th { "Stand" } th { "Wartezeit auf Sprachmittlung" } } }
                    tbody {
                        @for request in &requests {
                            @let waited = request.arrived_at.or(request.accepted_at)
                                .filter(|_| request.status != InterpreterStatus::Open)
                                .unwrap_or(now);
                            tr {
                                td { strong { (request.number) } }
                                td { (german_name(&request.language)) }
                                td { (place_text(building, request.desk.as_deref(), &GERMAN)) }
                                td { (since_text(request.requested_at, now, zone, &GERMAN)) }
                                td { (state_text(request, &GERMAN)) }
                                td.number { ((waited - request.requested_at).num_minutes().max(0)) " Min." }
                            }
                        }
                    }
                }
            }
            h3 { "Zahlen des Tages je Sprache" }
            table.stats {
                thead { tr {
                    th { "Sprache" } th { "bediente Besuche" } th { "am Platz gesprochen" }
                    th { "mit Sprachmittlung" } th { "in ihrer Sprache" } th { "Anfragen" }
                    th { "angenommen" } th { "Zeit bis zur Annahme" }
                } }
                tbody {
                    @for row in &stats {
                        tr {
                            td { (german_name(&row.language)) }
                            td.number { (row.served) }
                            td.number { (row.at_speaking_desk) }
                            td.number { (row.with_interpreter) }
                            td.number { @if let Some(share) = row.share_in_language() { (share) " %" } @else { "–" } }
                            td.number { (row.requests) }
                            td.number { (row.accepted) }
                            td.number { @if let Some(minutes) = row.mean_minutes_to_accept { "Ø " (minutes) " Min." } @else { "–" } }
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
) -> Vec<String> {
    building
        .desks
        .iter()
        .filter(|d| staffed.contains(&d.id.as_str()))
        .filter(|d| d.services.iter().any(|s| s == service))
        .filter(|d| d.languages.iter().any(|l| l == language))
        .map(|d| place_text(building, Some(&d.id), &GERMAN))
        .collect()
}
