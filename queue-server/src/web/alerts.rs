//! The live alerts on the supervisor's overview and the desk console: the list (rendered on
//! the server, so it shows without JavaScript; `staff.js` reloads it with the panel after
//! each event and sounds once for a new unacknowledged alert) and the acknowledge form
//! (`POST /staff/alerts/{id}/acknowledge`, for pages without JavaScript; `staff.js` uses the
//! JSON API instead).

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono_tz::Tz;
use lotse_protocol::{Alert, AlertKind, Building, PrinterCondition, localized};
use maud::{Markup, html};
use serde::Deserialize;

use super::console::service_name;
use super::session::StaffPage;
use crate::domain::alerts::{Audience, desk_services, shown_to};
use crate::http::AppState;
use crate::services::commands::alerts::{acknowledge, subject};

/// The button that lets `staff.js` sound a new alert (browsers play sound only after a
/// click on the page); the interpreter page's, for every language.
pub fn sound_button() -> Markup {
    html! {
        button.quiet #sound type="button" data-languages="" {
            "Ton einschalten " span lang="en" { "· Sound on" }
        }
    }
}

/// What an alert is about: its kind and what it names (the building's alerts, and the ones
/// a building reports to the county).
pub struct AlertSubject<'a> {
    pub kind: AlertKind,
    pub service: Option<&'a str>,
    pub kiosk: Option<&'a str>,
    pub printer: Option<PrinterCondition>,
}

/// German and English: a printer's condition (`None`: not known).
pub fn printer_words(condition: Option<PrinterCondition>) -> (&'static str, &'static str) {
    match condition {
        Some(PrinterCondition::PaperOut) => ("Papier leer", "paper out"),
        Some(PrinterCondition::CoverOpen) => ("Deckel offen", "cover open"),
        Some(PrinterCondition::Offline) => ("offline", "offline"),
        Some(PrinterCondition::Unreachable) => ("nicht erreichbar", "unreachable"),
        Some(PrinterCondition::Ready) | None => ("gestört", "failed"),
    }
}

/// German and English: what an alert says, naming the service as `building` does, in the
/// building's default language and in English (by id when the building is not known).
pub fn describe(building: Option<&Building>, alert: &AlertSubject<'_>) -> (String, String) {
    let service = alert.service.unwrap_or_default();
    let name = building.map_or(service, |b| service_name(b, service));
    let english = building
        .and_then(|b| {
            let default = b.site.default_language.as_str();
            b.service(service)
                .map(|s| localized(&s.name, "en", default))
        })
        .unwrap_or(name);
    match alert.kind {
        AlertKind::Wait => {
            let Some(service) = building.and_then(|b| b.service(service)) else {
                return (
                    format!("{name}: längste Wartezeit über dem Ziel"),
                    format!("{english}: longest wait past the target"),
                );
            };
            let target = service.target_wait_minutes;
            let factor = service.alert_factor;
            if factor == 1.0 {
                (
                    format!("{name}: längste Wartezeit über dem Ziel von {target} Min."),
                    format!("{english}: longest wait past the {target} min target"),
                )
            } else {
                let german = factor.to_string().replace('.', ",");
                (
                    format!("{name}: längste Wartezeit über {german} × Ziel ({target} Min.)"),
                    format!("{english}: longest wait over {factor} × target ({target} min)"),
                )
            }
        }
        AlertKind::Growth => (
            format!("{name}: Schlange wächst schneller, als aufgerufen wird"),
            format!("{english}: line grows faster than desks call"),
        ),
        AlertKind::Printer => {
            let (german, english) = printer_words(alert.printer);
            match alert.kiosk {
                Some(kiosk) => (
                    format!("Kiosk „{kiosk}“: Drucker {german}"),
                    format!("Kiosk “{kiosk}”: printer {english}"),
                ),
                None => (format!("Drucker {german}"), format!("printer {english}")),
            }
        }
    }
}

/// The alerts shown to `audience`, with an acknowledge button on each not yet acknowledged.
/// `back` is the page the form returns to.
pub fn section(
    building: &Building,
    time_zone: Tz,
    alerts: &[Alert],
    audience: Audience<'_>,
    csrf: &str,
    back: &str,
) -> Markup {
    let shown: Vec<&Alert> = alerts
        .iter()
        .filter(|a| shown_to(building, &subject(a), audience))
        .collect();
    html! {
        section.alerts aria-label="Hinweise / Alerts" {
            @if shown.is_empty() {
                p.quiet { "Keine Hinweise " span lang="en" { "· No alerts" } }
            }
            @for alert in shown {
                @let subject = AlertSubject {
                    kind: alert.kind,
                    service: alert.service.as_deref(),
                    kiosk: alert.kiosk.as_deref(),
                    printer: alert.printer,
                };
                @let (german, english) = describe(Some(building), &subject);
                @let open = alert.acknowledged_by.is_none();
                div.alert-item.unacknowledged[open] data-alert=(alert.id)
                    data-acknowledged=(if open { "no" } else { "yes" })
                    role=[open.then_some("alert")] {
                    p {
                        strong { (german) } " "
                        span lang="en" { "· " (english) } " "
                        small {
                            "seit / since "
                            (alert.raised_at.with_timezone(&time_zone).format("%H:%M"))
                        }
                    }
                    @match &alert.acknowledged_by {
                        Some(by) => p.acknowledged { "quittiert von / acknowledged by " (by) },
                        None => form method="post" action=(format!("/staff/alerts/{}/acknowledge", alert.id)) {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="back" value=(back);
                            button type="submit" data-action="acknowledge-alert" data-alert=(alert.id) {
                                "Quittieren " span lang="en" { "· Acknowledge" }
                            }
                        },
                    }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct AcknowledgeForm {
    csrf: String,
    back: String,
}

/// The acknowledge form of pages without JavaScript; back to the page it came from.
pub async fn acknowledge_form(
    State(state): State<AppState>,
    page: StaffPage,
    Path(id): Path<i64>,
    Form(form): Form<AcknowledgeForm>,
) -> Response {
    if let Err(denied) = page.check(&form.csrf) {
        return denied;
    }
    let back = if form.back == "/staff/overview" {
        "/staff/overview"
    } else {
        "/staff"
    };
    let (now, config) = (state.now(), state.config.clone());
    let result = state
        .store
        .run(move |c| {
            let services = desk_services(&config.building, page.desk.as_deref());
            let audience = Audience::of(page.role, &page.agencies, services);
            acknowledge(c, &config, now, id, &page.name, audience)
        })
        .await;
    match result {
        Ok(_) => Redirect::to(back).into_response(),
        Err(error) => crate::http::error::AppError::from(error).into_response(),
    }
}
