//! The web pages queue-server serves, their assets (embedded in the binary: no CDN, no build
//! step) and the security headers every response gets.

// Page handlers return an axum `Response` as their error (a rendered page or a redirect);
// boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod admin;
mod admin_refusals;
mod admin_texts;
mod alarm;
pub mod alerts;
mod announcement;
pub mod assets;
mod console;
mod display;
mod feedback;
mod feedback_comments;
#[cfg(test)]
mod font_coverage;
mod interpreter;
mod languages;
mod layout;
mod oidc;
mod overview;
mod page_access;
mod password;
mod pictogram;
mod session;
mod staff_texts;
pub mod stats;
mod stats_charts;
mod status;
mod voices;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::http::{AppState, anonymous_body, limited_body};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/staff") }))
        .route("/staff", get(console::page))
        .route("/staff/panel", get(console::panel))
        .route(
            "/staff/login",
            anonymous_body(post(session::login)).get(session::login_page),
        )
        .route("/staff/login/oidc", get(oidc::begin))
        .route("/staff/login/oidc/callback", get(oidc::callback))
        .route("/staff/logout", post(session::logout))
        .route(
            "/staff/password",
            get(password::page).post(password::change),
        )
        .route("/staff/desk", post(session::choose_desk))
        .route("/staff/interpreter", get(interpreter::page))
        .route("/staff/interpreter/panel", get(interpreter::panel))
        .route("/staff/overview", get(overview::overview))
        .route("/staff/overview/panel", get(overview::overview_panel))
        .route("/staff/alarms", get(alarm::page))
        .route("/staff/alarms/panel", get(alarm::panel))
        .route(
            "/staff/alerts/{id}/acknowledge",
            post(alerts::acknowledge_form),
        )
        .route("/staff/admin", get(admin::admin))
        .route("/staff/admin/users", post(admin::add_user))
        .route("/staff/admin/users/disable", post(admin::disable_user))
        .route("/staff/admin/users/enable", post(admin::enable_user))
        .route("/staff/admin/users/password", post(admin::reset_password))
        .route("/staff/admin/devices", post(admin::add_device))
        .route("/staff/admin/devices/revoke", post(admin::revoke_device))
        .route("/staff/admin/voices", get(voices::languages))
        .route("/staff/admin/voices/{language}", get(voices::language))
        .route(
            "/staff/admin/voices/{language}/{key}",
            limited_body(
                post(voices::record),
                crate::domain::voice_clips::MAX_CLIP_BYTES + 64 * 1024,
            )
            .get(voices::play),
        )
        .route(
            "/staff/admin/voices/{language}/{key}/delete",
            post(voices::delete),
        )
        .route("/staff/stats", get(stats::page))
        .route("/staff/stats/export", get(stats::download))
        .route("/display", get(display::page))
        .route("/display/board", get(display::board))
        .route("/display/announcement/{event_id}", get(announcement::wav))
        .route("/t/{token}", get(status::page))
        .route("/t/{token}/panel", get(status::panel))
        .route("/t/{token}/feedback", anonymous_body(post(feedback::give)))
        .route("/assets/{*path}", get(assets::asset))
}

/// A page without personal data that shows live state (the visitor's status page): the
/// browser may keep it but asks each time (`no-cache`), and gets 304 without a body while it
/// is unchanged: a reload, a poll or the no-JavaScript refresh then costs a few hundred bytes.
fn revalidated_html(request: &HeaderMap, markup: maud::Markup) -> Response {
    let body = markup.into_string();
    let hash = assets::content_hash(body.as_bytes());
    // Weak: the compressed and the uncompressed answer carry the same tag.
    let tag = format!("W/\"{hash}\"");
    let unchanged = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value.split(',').map(str::trim).any(|candidate| {
                candidate == "*" || candidate.trim_start_matches("W/").trim_matches('"') == hash
            })
        });
    let headers = [
        (header::CACHE_CONTROL, "no-cache".to_owned()),
        (header::ETAG, tag),
    ];
    if unchanged {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (
        StatusCode::OK,
        headers,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A server-rendered page or fragment; never cached, it shows live state.
fn html_response(status: StatusCode, markup: maud::Markup) -> Response {
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
