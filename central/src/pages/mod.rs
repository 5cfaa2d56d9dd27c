//! The county's pages, in German and English, with the building pages' look (their
//! stylesheet and fonts, `lotse_queue_server::web::assets`) and figures
//! (`web::stats::figures`): the live overview (`overview.rs`), the statistics
//! (`stats.rs`), and the login (`session.rs`).

pub mod overview;
pub mod session;
pub mod stats;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lotse_queue_server::stats::tables::Lang;
use lotse_queue_server::web::assets::{asset, head_links};
use maud::{DOCTYPE, Markup, html};

use crate::state::CentralState;
use session::CountyUser;

pub fn routes() -> Router<CentralState> {
    Router::new()
        .route("/county", get(overview::page))
        .route("/county/stats", get(stats::page))
        .route("/county/stats/export", get(stats::download))
        .route("/county/login", get(session::form).post(session::log_in))
        .route("/county/logout", post(session::log_out))
        .route("/assets/{*path}", get(asset))
}

/// The language a page is asked in (`?lang=en`; German otherwise).
pub fn lang_of(asked: Option<&str>) -> Lang {
    match asked {
        Some("en") => Lang::En,
        _ => Lang::De,
    }
}

/// A whole county page around `content`.
pub fn county_page(title: &str, who: Option<&CountyUser>, lang: Lang, content: Markup) -> Markup {
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let q = format!("?lang={}", lang.code());
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) " · Lotse " (l("Landkreis", "County")) }
                (head_links("staff.css", None))
            }
            body {
                header.bar {
                    a.brand href=(format!("/county{q}")) { "Lotse " (l("Landkreis", "County")) }
                    @if let Some(who) = who {
                        nav {
                            a href=(format!("/county{q}")) { (l("Übersicht", "Overview")) }
                            a href=(format!("/county/stats{q}")) { (l("Statistik", "Statistics")) }
                        }
                        span.who { (who.account) }
                        form method="post" action="/county/logout" {
                            input type="hidden" name="csrf" value=(who.csrf);
                            button.quiet type="submit" { (l("Abmelden", "Log out")) }
                        }
                    }
                }
                main { (content) }
            }
        }
    }
}

pub fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        markup.into_string(),
    )
        .into_response()
}
