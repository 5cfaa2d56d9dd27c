//! `GET /t/{token}`: the visitor's status page, opened from the QR code on the ticket. It shows
//! only that ticket, in the ticket's language (right to left for Arabic script), large and
//! readable on a phone. `status.js` reloads the panel (`/t/{token}/panel`) every few seconds;
//! when the visitor is called it changes the title, tells screen readers, vibrates and, if
//! the visitor allowed it, shows a notification (through `status-worker.js`). Without
//! JavaScript the page refreshes itself.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono_tz::Tz;
use lotse_protocol::{Building, DeskKind, InterpreterStatus, StopStatus, Ticket, localized};
use maud::{DOCTYPE, Markup, html};

use super::assets::{head_links, url as asset_url};
use super::pictogram::service_badge;
use super::{html_response, revalidated_html};
use lotse_protocol::plural::Counted;

use crate::domain::DomainError;
use crate::http::AppState;
use crate::http::error::AppError;

/// Per language, the page's texts (`status_texts.toml`).
static TEXTS: LazyLock<HashMap<String, HashMap<String, Counted>>> = LazyLock::new(|| {
    toml::from_str(include_str!("status_texts.toml")).unwrap_or_else(|error| {
        tracing::error!(%error, "status_texts.toml is invalid");
        HashMap::new()
    })
});

/// A text in `language`, else English, else the key itself (never a panic).
pub(super) fn text(language: &str, key: &str) -> String {
    lookup(language, key).map_or_else(|| key.to_owned(), |(_, found)| found.other().to_owned())
}

/// A text that counts `n`, in the plural form `language` uses for it (`about_minutes`).
fn counted(language: &str, key: &str, n: u64) -> String {
    lookup(language, key).map_or_else(
        || key.to_owned(),
        |(language, found)| found.form(language, n).to_owned(),
    )
}

/// The text of `key` in `language`, else in English, with the language it is in.
fn lookup<'a>(language: &'a str, key: &str) -> Option<(&'a str, &'static Counted)> {
    match TEXTS.get(language).and_then(|texts| texts.get(key)) {
        Some(found) => Some((language, found)),
        None => TEXTS
            .get("en")
            .and_then(|texts| texts.get(key))
            .map(|f| ("en", f)),
    }
}

pub async fn page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    match load(&state, token).await {
        Ok(ticket) => {
            let panel = panel_markup(&state, &ticket, feedback_markup(&state, &ticket).await);
            revalidated_html(
                &headers,
                page_markup(&state.config.building, &ticket, panel),
            )
        }
        Err(AppError::Domain(DomainError::TicketNotFound)) => not_found(&state.config.building),
        Err(error) => axum::response::IntoResponse::into_response(error),
    }
}

pub async fn panel(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    match load(&state, token).await {
        Ok(ticket) => {
            let feedback = feedback_markup(&state, &ticket).await;
            revalidated_html(&headers, panel_markup(&state, &ticket, feedback))
        }
        Err(AppError::Domain(DomainError::TicketNotFound)) => not_found(&state.config.building),
        Err(error) => axum::response::IntoResponse::into_response(error),
    }
}

/// The feedback question or thanks (`web/feedback.rs`) once the visit is finished; nothing
/// before (no read for the polls of waiting visitors) or if it cannot be read.
async fn feedback_markup(state: &AppState, ticket: &Ticket) -> Markup {
    if !matches!(moment(ticket), Moment::Finished) {
        return html! {};
    }
    match super::feedback::question(state, &ticket.token).await {
        Ok(question) => super::feedback::markup(&ticket.language, &ticket.token, question),
        Err(error) => {
            tracing::warn!(%error, "feedback state unreadable");
            html! {}
        }
    }
}

async fn load(state: &AppState, token: String) -> Result<Ticket, AppError> {
    crate::http::visitor::visitor_view(state, token).await
}

fn direction(language: &str) -> &'static str {
    if lotse_protocol::languages::is_rtl(language) {
        "rtl"
    } else {
        "ltr"
    }
}

fn page_markup(building: &Building, ticket: &Ticket, panel: Markup) -> Markup {
    let language = ticket.language.as_str();
    let default = building.site.default_language.as_str();
    html! {
        (DOCTYPE)
        html lang=(language) dir=(direction(language)) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (ticket.number) " · " (localized(&building.site.name, language, default)) }
                (head_links("status.css", Some("status.js")))
                link rel="stylesheet" href=(asset_url("feedback.css"));
                // A finished visit does not change (and a refresh would lose a comment).
                @if !matches!(moment(ticket), Moment::Finished) {
                    noscript { meta http-equiv="refresh" content="20"; }
                }
            }
            body {
                header {
                    p.site { (localized(&building.site.name, language, default)) }
                }
                main #status { (panel) }
                // What changed, said once by screen readers (the panel is replaced on each
                // poll, so a live region inside it would repeat itself); filled by status.js.
                p #announcer.visually-hidden aria-live="assertive" aria-atomic="true" {}
                // Offered by status.js once, where the browser can show notifications.
                p #notify.notify hidden data-worker=(asset_url("status-worker.js")) {
                    (text(language, "notify_reason")) " "
                    button type="button" { (text(language, "notify_button")) }
                }
                footer { p { (text(language, "live_hint")) } }
            }
        }
    }
}

/// What the visit needs from the visitor now.
enum Moment<'a> {
    Waiting,
    Called(&'a str),
    Serving(&'a str),
    Parked,
    NoShow,
    Finished,
}

fn moment(ticket: &Ticket) -> Moment<'_> {
    let Some(stop) = ticket.current_stop.and_then(|i| ticket.stops.get(i)) else {
        return Moment::Finished;
    };
    let desk = ticket
        .called_to
        .as_deref()
        .or(stop.desk.as_deref())
        .unwrap_or("");
    match stop.status {
        StopStatus::Called => Moment::Called(desk),
        StopStatus::Serving => Moment::Serving(desk),
        StopStatus::Parked => Moment::Parked,
        StopStatus::NoShow => Moment::NoShow,
        StopStatus::Waiting | StopStatus::Pending => Moment::Waiting,
        StopStatus::Done | StopStatus::Cancelled | StopStatus::Transferred => Moment::Finished,
    }
}

fn panel_markup(state: &AppState, ticket: &Ticket, feedback: Markup) -> Markup {
    let building = &state.config.building;
    let language = ticket.language.as_str();
    let default = building.site.default_language.as_str();
    let t = |key: &str| text(language, key);
    let moment = moment(ticket);
    let state_name = match moment {
        Moment::Waiting => "waiting",
        Moment::Called(_) => "called",
        Moment::Serving(_) => "serving",
        Moment::Parked => "parked",
        Moment::NoShow => "no-show",
        Moment::Finished => "finished",
    };
    let updated = state
        .now()
        .with_timezone::<Tz>(&state.config.time_zone)
        .format("%H:%M")
        .to_string();
    let service_name = |id: &str| {
        building
            .service(id)
            .map(|s| localized(&s.name, language, default).to_owned())
            .unwrap_or_else(|| id.to_owned())
    };
    html! {
        section.panel data-state=(state_name) {
            div.number {
                span.label { (t("your_number")) }
                strong dir="ltr" { (ticket.number) }
            }
            @match moment {
                Moment::Called(desk) => {
                    div.moment.called {
                        h1 { (t("your_turn")) }
                        (place_markup(building, language, desk))
                    }
                }
                Moment::Serving(desk) => {
                    div.moment.serving {
                        h1 { (t("serving")) }
                        (place_markup(building, language, desk))
                    }
                }
                Moment::Parked => { div.moment.parked { h1 { (t("parked")) } } }
                Moment::NoShow => { div.moment.no-show { h1 { (t("no_show")) } } }
                Moment::Finished => { div.moment.finished { h1 { (t("finished")) } } }
                Moment::Waiting => {
                    div.moment.waiting {
                        @if let Some(stop) = ticket.current_stop.and_then(|i| ticket.stops.get(i)) {
                            p.concern {
                                span.label { (t("current_concern")) }
                                (service_badge(building, &stop.service))
                                strong { (service_name(&stop.service)) }
                            }
                        }
                        dl {
                            @if let Some(ahead) = ticket.people_ahead {
                                dt { (t("people_ahead")) }
                                // Nobody ahead has words of its own: "0 people" reads wrong.
                                @if ahead == 0 { dd.ahead { (t("you_are_next")) } }
                                @else { dd.ahead { (ahead) } }
                            }
                            @if let Some(minutes) = ticket.estimated_wait_minutes {
                                dt { (t("estimated_wait")) }
                                dd { (about_minutes(language, minutes)) }
                            }
                        }
                        p.hint { (t("wait_in_lobby")) }
                    }
                }
            }
            @if matches!(ticket.interpreter, Some(InterpreterStatus::Open | InterpreterStatus::Accepted)) {
                p.interpreter { (t("interpreter_arranged")) }
            }
            @if ticket.stops.len() > 1 {
                h2 { (t("your_concerns")) }
                // No order is promised: each concern is called when its line calls.
                p.each-concern { (t("each_concern_called")) }
                ul.stops {
                    @for (index, stop) in ticket.stops.iter().enumerate() {
                        @let label = match stop.status {
                            StopStatus::Done | StopStatus::Transferred => t("done"),
                            _ if Some(index) == ticket.current_stop => t("now"),
                            StopStatus::Waiting | StopStatus::Parked => t("in_line"),
                            _ => t("later"),
                        };
                        li.current[Some(index) == ticket.current_stop] {
                            (service_badge(building, &stop.service))
                            span { (service_name(&stop.service)) }
                            small { (label) }
                        }
                    }
                }
                @if let Some(minutes) = ticket.visit_estimate_minutes {
                    dl.visit {
                        dt { (t("visit_estimate")) }
                        dd { (about_minutes(language, minutes)) }
                    }
                }
            }
            (feedback)
            p.updated { (t("updated_at").replace("{time}", &updated)) }
        }
    }
}

/// "about 12 min" (or "less than a minute") in `language`'s plural form.
fn about_minutes(language: &str, minutes: u32) -> String {
    if minutes == 0 {
        text(language, "less_than_minute")
    } else {
        counted(language, "about_minutes", u64::from(minutes))
            .replace("{minutes}", &minutes.to_string())
    }
}

/// "Please go to desk 3", the floor and the way there, in the visitor's language.
fn place_markup(building: &Building, language: &str, desk: &str) -> Markup {
    let default = building.site.default_language.as_str();
    let Some(desk) = building.desk(desk) else {
        return html! {};
    };
    let go = match desk.kind {
        DeskKind::Desk => text(language, "go_to_desk"),
        DeskKind::Room => text(language, "go_to_room"),
    };
    let floor = lotse_protocol::floors::written(language, desk.floor);
    html! {
        p.go { (go.replace("{number}", &desk.number)) }
        p.floor { (floor) }
        @if let Some(direction) = &desk.direction {
            p.direction { (localized(direction, language, default)) }
        }
    }
}

fn not_found(building: &Building) -> Response {
    let default = building.site.default_language.as_str();
    let markup = html! {
        (DOCTYPE)
        html lang=(default) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (text(default, "not_found_title")) }
                (head_links("status.css", None))
            }
            body {
                main.not-found {
                    @for language in [default, "en"] {
                        section lang=(language) {
                            h1 { (text(language, "not_found_title")) }
                            p { (text(language, "not_found_text")) }
                        }
                    }
                }
            }
        }
    };
    html_response(StatusCode::NOT_FOUND, markup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_text_with_its_placeholders() {
        let english = TEXTS.get("en").expect("English texts");
        for language in lotse_protocol::languages::codes() {
            let texts = TEXTS
                .get(language)
                .unwrap_or_else(|| panic!("no status texts for {language}"));
            for (key, value) in english {
                let translated = texts
                    .get(key)
                    .unwrap_or_else(|| panic!("{language} lacks {key}"));
                assert!(translated.is_complete(), "{language}.{key} lacks other");
                let english_form = value.forms()[0];
                for form in translated.forms() {
                    for placeholder in ["{minutes}", "{number}", "{n}", "{time}"] {
                        // A form may spell a count out ("دقيقتين"), never add a placeholder.
                        assert!(
                            english_form.contains(placeholder) || !form.contains(placeholder),
                            "{language}.{key}: {placeholder}"
                        );
                    }
                }
                let script = lotse_protocol::languages::language(language)
                    .map(|l| l.script)
                    .expect("a language of the table");
                for form in translated.forms() {
                    assert!(
                        form.chars().any(|c| script.has_letter(c)),
                        "{language}.{key}: {form:?} is not in the language's script"
                    );
                }
                let other = translated.form(language, 100);
                for placeholder in ["{minutes}", "{number}", "{n}", "{time}"] {
                    assert_eq!(
                        english_form.contains(placeholder),
                        other.contains(placeholder),
                        "{language}.{key}: {placeholder}"
                    );
                }
            }
        }
    }

    #[test]
    fn minutes_take_the_languages_plural_form() {
        assert_eq!(counted("ar", "about_minutes", 2), "حوالي دقيقتين");
        assert_eq!(counted("ar", "about_minutes", 7), "حوالي {minutes} دقائق");
        assert_eq!(counted("ar", "about_minutes", 12), "حوالي {minutes} دقيقة");
        assert_eq!(counted("de", "about_minutes", 1), "etwa {minutes} Min.");
        assert_eq!(counted("xx", "about_minutes", 2), "about {minutes} min");
        assert_eq!(text("ar", "about_minutes"), "حوالي {minutes} دقيقة");
    }
}
