//! The frame of every staff page: head with our stylesheet and script, the top bar with who
//! is logged in, the desk, and links to what the role may see; for a logged-in page, the
//! place the emergency alarm appears (`#alarms`, filled by `alarm.js`).

use lotse_protocol::Role;
use maud::{DOCTYPE, Markup, html};

use super::assets::{head_links, url};
use super::page_access::StaffArea;
use super::session::StaffPage;
use super::staff_texts::{StaffTexts, texts};
use crate::stats::tables::Lang;

/// A whole staff page around `content`, in the account's language; `live` names the fragment
/// URL `staff.js` reloads into `#live` after each event.
pub fn staff_page(
    title: &str,
    who: Option<&StaffPage>,
    live: Option<&str>,
    content: Markup,
) -> Markup {
    let lang = who.map_or(Lang::De, |w| w.lang);
    staff_page_in(lang, title, who, live, content)
}

/// The same in `lang` (the login page, before there is an account).
pub fn staff_page_in(
    lang: Lang,
    title: &str,
    who: Option<&StaffPage>,
    live: Option<&str>,
    content: Markup,
) -> Markup {
    let t = texts(lang);
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                @if let Some(who) = who { meta name="csrf-token" content=(who.csrf); }
                meta name="staff-messages" content=(t.script_messages());
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
                            @if who.desk.is_some() { a href="/staff" { (t.nav_desk) } }
                            @for area in StaffArea::ALL.into_iter().filter(|a| a.listed_for(who.role)) {
                                a href=(area.path()) { (area.label(t)) }
                            }
                        }
                        span.who { (who.name) " (" (role_name(who.role, t)) ")" }
                        a href="/staff/password" { (t.change_password) }
                        form method="post" action="/staff/logout" {
                            input type="hidden" name="csrf" value=(who.csrf);
                            button.quiet type="submit" { (t.log_out) }
                        }
                    }
                }
                p #connection.banner hidden { (t.connection_lost) }
                p #message.banner hidden role="status" {}
                @if who.is_some() { div #alarms {} }
                main { (content) }
            }
        }
    }
}

pub fn role_name(role: Role, t: &StaffTexts) -> &'static str {
    match role {
        Role::Security => t.role_security,
        Role::Interpreter => t.role_interpreter,
        Role::Staff => t.role_staff,
        Role::Supervisor => t.role_supervisor,
        Role::Admin => t.role_admin,
    }
}
