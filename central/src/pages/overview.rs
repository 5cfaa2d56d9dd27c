//! The live county overview: per building its lines (people waiting, longest wait per
//! service), alerts, printers that need someone, and how long ago it last reported; a
//! building silent for longer than `offline_after_seconds` (30 s unless configured) shows
//! "offline since 10:42".
//! A supervisor sees the buildings of their account only.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lotse_protocol::central::LiveSummary;
use lotse_protocol::central::{LiveAlert, LivePrinter, PRINTER_NOT_REPORTED};
use lotse_protocol::{AlertKind, Building, PrinterCondition, localized};
use lotse_queue_server::stats::tables::Lang;
use lotse_queue_server::web::alerts::{AlertSubject, describe, printer_words};
use maud::{Markup, html};
use serde::Deserialize;

use super::session::CountyUser;
use super::{county_page, html_response, lang_of};
use crate::config::BuildingEntry;
use crate::db::{live, profiles};
use crate::error::CentralError;
use crate::state::CentralState;

#[derive(Deserialize)]
pub struct OverviewQuery {
    lang: Option<String>,
}

/// One building's row: the configured entry, its latest summary and profile, if any.
pub struct Row<'a> {
    pub entry: &'a BuildingEntry,
    pub latest: Option<(&'a LiveSummary, DateTime<Utc>)>,
    pub profile: Option<&'a Building>,
}

pub async fn page(
    State(state): State<CentralState>,
    user: CountyUser,
    Query(query): Query<OverviewQuery>,
) -> Response {
    let lang = lang_of(query.lang.as_deref());
    let (latest, profiles) =
        match tokio::try_join!(live::latest(&state.pool), profiles::all(&state.pool)) {
            Ok(read) => read,
            Err(error) => return CentralError::from(error).into_response(),
        };
    let rows: Vec<Row> = state
        .config
        .buildings
        .iter()
        .filter(|entry| user.sees(&entry.id))
        .map(|entry| Row {
            entry,
            latest: latest
                .iter()
                .find(|l| l.building == entry.id)
                .map(|l| (&l.summary, l.received_at)),
            profile: profiles.get(&entry.id),
        })
        .collect();
    let silent = state.config.offline_after_seconds;
    let content = render(&rows, state.now(), state.config.time_zone, silent, lang);
    let title = lang.pick("Landkreis live", "County live");
    html_response(
        StatusCode::OK,
        county_page(title, Some(&user), lang, content),
    )
}

/// The overview's content. Pure: rows, `now`, the county's time zone and the silence that
/// counts as offline in, markup out.
pub fn render(
    rows: &[Row],
    now: DateTime<Utc>,
    zone: Tz,
    offline_after: i64,
    lang: Lang,
) -> Markup {
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    html! {
        h1 { (l("Landkreis live", "County live")) }
        table.overview {
            thead { tr {
                th scope="col" { (l("Haus", "Building")) }
                th scope="col" { (l("Stand", "Last report")) }
                th scope="col" { (l("Wartende", "Waiting")) }
                th scope="col" { (l("Längste Wartezeit", "Longest wait")) }
                th scope="col" { (l("Plätze besetzt", "Desks staffed")) }
                th scope="col" { (l("Warnungen", "Alerts")) }
                th scope="col" { (l("Drucker", "Printers")) }
            } }
            tbody {
                @for row in rows {
                    tr data-building=(row.entry.id) {
                        th scope="row" { (row.entry.name) br; small { (row.entry.town) } }
                        @match row.latest {
                            None => { td.offline colspan="6" { (l("hat noch nie gemeldet", "has never reported")) } }
                            Some((summary, received)) => {
                                td.status { (freshness(received, now, zone, offline_after, lang)) }
                                td.number { (summary.services.iter().map(|s| s.waiting).sum::<u32>()) }
                                td { (longest(summary, row.profile, lang)) }
                                td.number { (summary.desks_staffed) }
                                td { @for alert in &summary.alerts { p.alert { (alert_text(alert, row.profile, lang)) } } }
                                td { @for p in summary.printers.iter().filter(|p| needs_someone(p)) { p.alert { (printer_text(p, lang)) } } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What a reported alert says, with the building's service names (a printer alert carries
/// its kiosk where others carry the service); a kind this centre does not know (a newer
/// building) as sent.
fn alert_text(alert: &LiveAlert, profile: Option<&Building>, lang: Lang) -> String {
    let Ok(kind) = alert.kind.parse::<AlertKind>() else {
        return alert.kind.clone();
    };
    let named = alert.service.as_deref();
    let printer = kind == AlertKind::Printer;
    let subject = AlertSubject {
        kind,
        service: named.filter(|_| !printer),
        kiosk: named.filter(|_| printer),
        printer: None,
    };
    let (german, english) = describe(profile, &subject);
    lang.pick_owned(german, english)
}

/// Whether a kiosk's printer needs someone (not ready; a condition this centre does not know
/// counts).
fn needs_someone(printer: &LivePrinter) -> bool {
    printer.condition.parse::<PrinterCondition>() != Ok(PrinterCondition::Ready)
        && printer.condition != PRINTER_NOT_REPORTED
}

/// "eingang: Papier leer".
fn printer_text(printer: &LivePrinter, lang: Lang) -> String {
    let condition = printer.condition.parse::<PrinterCondition>().ok();
    let (german, english) = printer_words(condition);
    lang.pick_owned(
        format!("{}: {german}", printer.kiosk),
        format!("{}: {english}", printer.kiosk),
    )
}

/// "vor 4 s" while the building reports; "offline seit 10:42" once it has been silent.
pub fn freshness(
    received: DateTime<Utc>,
    now: DateTime<Utc>,
    zone: Tz,
    offline_after: i64,
    lang: Lang,
) -> Markup {
    let silent = (now - received).num_seconds().max(0);
    let since = received.with_timezone(&zone).format("%H:%M").to_string();
    html! {
        @if silent > offline_after {
            strong.offline { (lang.pick("offline seit ", "offline since ")) (since) }
        } @else {
            span.online { (lang.pick("vor ", "")) (silent) " s" (lang.pick("", " ago")) }
        }
    }
}

fn longest(summary: &LiveSummary, profile: Option<&Building>, lang: Lang) -> Markup {
    let Some(service) = summary
        .services
        .iter()
        .filter(|s| s.waiting > 0)
        .max_by_key(|s| s.longest_wait_seconds)
    else {
        return html! { "–" };
    };
    let name = profile
        .and_then(|p| {
            let default = p.site.default_language.as_str();
            p.service(&service.service)
                .map(|s| localized(&s.name, lang.code(), default).to_owned())
        })
        .unwrap_or_else(|| service.service.clone());
    html! { (service.longest_wait_seconds / 60) " min · " (name) }
}
