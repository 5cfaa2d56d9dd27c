//! The staff pages in German or English: chosen on the login page, stored for the account
//! (the next login without a choice keeps it), and the page's `html lang` and texts follow
//! (desk choice, password page, overview, interpreter page, statistics).

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lotse_protocol::Role;
use lotse_queue_server::http::{AppState, app};
use tower::ServiceExt;

async fn send(state: &AppState, request: Request<Body>) -> axum::response::Response {
    app(state.clone()).oneshot(request).await.unwrap()
}

/// Logs in through the login form (with `lang`, if given); returns the session cookie.
async fn log_in(state: &AppState, name: &str, lang: Option<&str>) -> String {
    let page = send(
        state,
        Request::get("/staff/login").body(Body::empty()).unwrap(),
    )
    .await;
    let pairing = support::set_cookie_pair(page.headers());
    let token = pairing.split_once('=').unwrap().1.to_owned();
    let mut body = format!("csrf={token}&name={name}&password=a+long+enough+password");
    if let Some(lang) = lang {
        body.push_str(&format!("&lang={lang}"));
    }
    let request = Request::post("/staff/login")
        .header(header::COOKIE, &pairing)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let response = send(state, request).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    support::set_cookie_pair(response.headers())
}

async fn page(state: &AppState, cookie: &str, path: &str) -> String {
    let request = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let response = send(state, request).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    String::from_utf8(support::body_bytes(response).await.to_vec()).unwrap()
}

#[tokio::test]
async fn an_account_chooses_english_at_login_and_keeps_it() {
    let state = support::always_open_state();
    support::add_user(&state, "kim", Role::Supervisor, "*").await;
    let login = String::from_utf8(
        support::body_bytes(
            send(
                &state,
                Request::get("/staff/login?lang=en")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await,
        )
        .await
        .to_vec(),
    )
    .unwrap();
    assert!(
        login.contains(r#"<html lang="en">"#) && login.contains("Log in"),
        "{login}"
    );

    let cookie = log_in(&state, "kim", Some("en")).await;
    let desks = page(&state, &cookie, "/staff").await;
    assert!(desks.contains(r#"<html lang="en">"#), "{desks}");
    assert!(
        desks.contains("Which desk are you working at today?"),
        "{desks}"
    );
    assert!(
        desks.contains("Log out") && !desks.contains("Abmelden"),
        "{desks}"
    );
    let password = page(&state, &cookie, "/staff/password").await;
    assert!(password.contains("Current password"), "{password}");
    let overview = page(&state, &cookie, "/staff/overview").await;
    assert!(
        overview.contains("Waiting lines of all agencies"),
        "{overview}"
    );
    // Its language part too.
    for english in [
        "Languages in the waiting lines",
        "Interpreting today",
        "Today's figures per language",
        "visits served",
    ] {
        assert!(overview.contains(english), "{english}: {overview}");
    }
    for german in [
        "Sprachen in den Warteschlangen",
        "Sprachmittlung heute",
        "bediente Besuche",
    ] {
        assert!(!overview.contains(german), "{german}: {overview}");
    }
    let interpreting = page(&state, &cookie, "/staff/interpreter").await;
    assert!(interpreting.contains("No open requests."), "{interpreting}");
    let stats = page(&state, &cookie, "/staff/stats").await;
    assert!(
        stats.contains("<h1>Statistics"),
        "the statistics follow the account"
    );

    // The next login without a choice keeps English; choosing German switches back.
    let again = log_in(&state, "kim", None).await;
    assert!(
        page(&state, &again, "/staff")
            .await
            .contains(r#"<html lang="en">"#)
    );
    let german = log_in(&state, "kim", Some("de")).await;
    let desks = page(&state, &german, "/staff").await;
    assert!(desks.contains(r#"<html lang="de">"#) && desks.contains("Abmelden"));
}

/// German words of the admin and voice recording pages (and of the frame); none may show on
/// an English account's page.
const GERMAN_WORDS: &[&str] = &[
    "Verwaltung",
    "Konten",
    "Konto anlegen",
    "Rolle",
    "Stellen",
    "Passwort",
    "Setzen",
    "Sperren",
    "Geräte",
    "Gerät anlegen",
    "Anzeige",
    "Terminsystem",
    "Überwachung",
    "Token erzeugen",
    "Sprachaufnahmen",
    "Sprachen",
    "Protokoll",
    "Zeit",
    "Wer",
    "Was",
    "aktiv",
    "gesperrt",
    "alle",
    "Aufnehmen",
    "Aufgenommen",
    "Hochladen",
    "Löschen",
    "fehlt",
    "Wörter",
    "Aufruf",
    "lautet",
    "Sekunden",
    "Stopp",
    "nicht möglich",
    "Kein Zugriff",
    "Abmelden",
    "Arabisch",
    "Paschtu",
];

/// The German words of `GERMAN_WORDS` that `html` contains as words ("alle", not "called").
fn german_in(html: &str) -> Vec<&'static str> {
    let letter_at = |i: usize| html[i..].chars().next().is_some_and(char::is_alphabetic);
    let letter_before = |i: usize| {
        html[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic)
    };
    GERMAN_WORDS
        .iter()
        .copied()
        .filter(|word| {
            html.match_indices(word)
                .any(|(at, _)| !letter_before(at) && !letter_at(at + word.len()))
        })
        .collect()
}

async fn post_form(
    state: &AppState,
    cookie: &str,
    path: &str,
    body: String,
) -> (StatusCode, String) {
    let request = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let response = send(state, request).await;
    let status = response.status();
    let body = String::from_utf8(support::body_bytes(response).await.to_vec()).unwrap();
    (status, body)
}

/// The session's CSRF token, as the page carries it.
fn csrf_of(html: &str) -> String {
    let start = html.find(r#"name="csrf-token" content=""#).unwrap() + 27;
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn an_english_admin_sees_the_admin_and_voice_pages_in_english() {
    let state = support::always_open_state();
    support::add_user(&state, "ada", Role::Admin, "*").await;
    support::add_user(&state, "kim", Role::Staff, "*").await;
    let cookie = log_in(&state, "ada", Some("en")).await;

    // An interpreter account, made on the admin page, shows its languages in English.
    let admin = page(&state, &cookie, "/staff/admin").await;
    let csrf = csrf_of(&admin);
    let body = format!(
        "csrf={csrf}&name=nadia&role=interpreter&password=a+long+enough+password&language=ar&language=ps"
    );
    let (status, _) = post_form(&state, &cookie, "/staff/admin/users", body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let admin = page(&state, &cookie, "/staff/admin?done=user-added").await;
    for english in [
        "<h1>Administration",
        "Account created.",
        "Accounts",
        "Create account",
        "Languages: Arabic, Pashto",
        "Agencies (none ticked: all)",
        "Devices",
        "Generate token",
        "Booking system",
        "Voice recordings",
        "Audit log (latest 100)",
        "Lock",
    ] {
        assert!(admin.contains(english), "{english}: {admin}");
    }
    assert_eq!(german_in(&admin), Vec::<&str>::new(), "{admin}");

    // A refused change says why on the admin page, in English.
    let body = format!("csrf={csrf}&name=kim&role=staff&password=a+long+enough+password");
    let (status, refused) = post_form(&state, &cookie, "/staff/admin/users", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("An account with this name already exists."),
        "{refused}"
    );
    let body = format!("csrf={csrf}&name=ada");
    let (status, refused) = post_form(&state, &cookie, "/staff/admin/users/disable", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("You cannot lock your own account."),
        "{refused}"
    );
    assert_eq!(german_in(&refused), Vec::<&str>::new(), "{refused}");

    // A new device's token.
    let body = format!("csrf={csrf}&kind=display&name=hall");
    let (status, added) = post_form(&state, &cookie, "/staff/admin/devices", body).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        added.contains("Device added.") && added.contains("New device token for “hall”"),
        "{added}"
    );

    let voices = page(&state, &cookie, "/staff/admin/voices").await;
    assert!(
        voices.contains("Voice recordings for calls") && voices.contains("Pashto"),
        "{voices}"
    );
    assert_eq!(german_in(&voices), Vec::<&str>::new(), "{voices}");
    let pashto = page(&state, &cookie, "/staff/admin/voices/ps").await;
    for english in [
        "words recorded.",
        "Upload",
        "missing",
        r#"data-stop="Stop""#,
    ] {
        assert!(pashto.contains(english), "{english}: {pashto}");
    }
    assert_eq!(german_in(&pashto), Vec::<&str>::new(), "{pashto}");

    // A page the role may not see, and the statistics.
    let staff = log_in(&state, "kim", Some("en")).await;
    let request = Request::get("/staff/admin")
        .header(header::COOKIE, &staff)
        .body(Body::empty())
        .unwrap();
    let denied = send(&state, request).await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    let denied = String::from_utf8(support::body_bytes(denied).await.to_vec()).unwrap();
    assert!(denied.contains("No access"), "{denied}");
    let stats = page(&state, &cookie, "/staff/stats").await;
    assert_eq!(german_in(&stats), Vec::<&str>::new(), "{stats}");
}

#[tokio::test]
async fn a_german_admin_keeps_the_german_admin_and_voice_pages() {
    let state = support::always_open_state();
    support::add_user(&state, "ada", Role::Admin, "*").await;
    let cookie = log_in(&state, "ada", Some("de")).await;
    let admin = page(&state, &cookie, "/staff/admin?done=user-added").await;
    for german in [
        "<h1>Verwaltung",
        "Konto angelegt.",
        "Konten",
        "Konto anlegen",
        "Stellen (keine Auswahl: alle)",
        "Gerät anlegen",
        "Terminsystem",
        "Protokoll (neueste 100)",
        "Sperren",
    ] {
        assert!(admin.contains(german), "{german}: {admin}");
    }
    let pashto = page(&state, &cookie, "/staff/admin/voices/ps").await;
    for german in [
        "Wörtern aufgenommen.",
        "Hochladen",
        "fehlt",
        r#"data-stop="Stopp""#,
    ] {
        assert!(pashto.contains(german), "{german}: {pashto}");
    }
}
