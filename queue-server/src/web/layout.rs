//! The frame of every staff page: head with our stylesheet and script, the top bar with who
//! is logged in, the desk, and links to what the role may see; for a logged-in page, the
//! place the emergency alarm appears (`#alarms`, filled by `alarm.js`).

use lotse_protocol::Role;
use maud::{DOCTYPE, Markup, html};

use super::assets::{head_links, url};
use super::session::StaffPage;

/// A whole staff page around `content`; `live` names the fragment URL `staff.js` reloads
/// into `#live` after each event.
pub fn staff_page(
    title: &str,
    who: Option<&StaffPage>,
    live: Option<&str>,
    content: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="de" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                @if let Some(who) = who { meta name="csrf-token" content=(who.csrf); }
                title { (title) " · Lotse" }
                (head_links("staff.css", Some("staff.js")))
                @if who.is_some() { script src=(url("alarm.js")) defer {} }
            }
            body data-desk=(who.and_then(|w| w.desk.as_deref()).unwrap_or(""))
                data-live=(live.unwrap_or("")) {
                header.bar {
                    a.brand href="/staff" { "Lotse" }
                    @if let Some(who) = who {
                        nav {
                            @if who.desk.is_some() { a href="/staff" { "Platz" } }
                            @if who.role == Role::Interpreter || who.role >= Role::Supervisor {
                                a href="/staff/interpreter" { "Sprachmittlung" }
                            }
                            @if who.role >= Role::Supervisor { a href="/staff/overview" { "Übersicht" } }
                            @if who.role >= Role::Supervisor || who.role == Role::Security {
                                a href="/staff/alarms" { "Notrufe" }
                            }
                            @if who.role >= Role::Supervisor { a href="/staff/stats" { "Statistik" } }
                            @if who.role >= Role::Admin { a href="/staff/admin" { "Verwaltung" } }
                        }
                        span.who { (who.name) " (" (role_name(who.role)) ")" }
                        a href="/staff/password" { "Passwort ändern" }
                        form method="post" action="/staff/logout" {
                            input type="hidden" name="csrf" value=(who.csrf);
                            button.quiet type="submit" { "Abmelden" }
                        }
                    }
                }
                p #connection.banner hidden { "Live-Verbindung unterbrochen – die Anzeige wird nicht aktualisiert." }
                p #message.banner hidden role="status" {}
                @if who.is_some() { div #alarms {} }
                main { (content) }
            }
        }
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Security => "Sicherheitsdienst",
        Role::Interpreter => "Sprachmittlung",
        Role::Staff => "Mitarbeiter/in",
        Role::Supervisor => "Leitung",
        Role::Admin => "Administration",
    }
}
