//! The web pages queue-server serves, their assets (embedded in the binary: no CDN, no build
//! step) and the security headers every response gets.

// Page handlers return an axum `Response` as their error (a rendered page or a redirect);
// boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod admin;
mod console;
mod display;
mod layout;
mod session;
mod status;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::api::AppState;

/// Scripts and styles only from our own files: no inline scripts or styles, no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/staff") }))
        .route("/staff", get(console::page))
        .route("/staff/panel", get(console::panel))
        .route(
            "/staff/login",
            get(session::login_page).post(session::login),
        )
        .route("/staff/logout", post(session::logout))
        .route("/staff/desk", post(session::choose_desk))
        .route("/staff/overview", get(admin::overview))
        .route("/staff/overview/panel", get(admin::overview_panel))
        .route("/staff/admin", get(admin::admin))
        .route("/staff/admin/users", post(admin::add_user))
        .route("/staff/admin/users/disable", post(admin::disable_user))
        .route("/staff/admin/users/enable", post(admin::enable_user))
        .route("/staff/admin/users/password", post(admin::reset_password))
        .route("/staff/admin/devices", post(admin::add_device))
        .route("/staff/admin/devices/revoke", post(admin::revoke_device))
        .route("/assets/staff.js", get(staff_js))
        .route("/assets/staff.css", get(staff_css))
        .route("/display", get(display::page))
        .route("/display/board", get(display::board))
        .route("/assets/display.js", get(display_js))
        .route("/assets/display.css", get(display_css))
        .route("/t/{token}", get(status::page))
        .route("/t/{token}/panel", get(status::panel))
        .route("/assets/status.js", get(status_js))
        .route("/assets/status.css", get(status_css))
        .route("/assets/fonts/{name}", get(font))
}

/// Adds the headers every response carries, pages and API alike.
pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
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

/// An embedded asset; browsers revalidate it after an hour so an update reaches displays.
fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

async fn display_js() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/display.js"),
    )
}

async fn display_css() -> impl IntoResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("assets/display.css"),
    )
}

/// The bundled Noto fonts (SIL Open Font License, `assets/fonts/OFL.txt`), so Arabic and
/// Ethiopic text renders on screens that have no such fonts installed.
const FONTS: [(&str, &[u8]); 6] = [
    (
        "NotoSans-Regular.ttf",
        include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf"),
    ),
    (
        "NotoSans-Bold.ttf",
        include_bytes!("../../../assets/fonts/NotoSans-Bold.ttf"),
    ),
    (
        "NotoSansArabic-Regular.ttf",
        include_bytes!("../../../assets/fonts/NotoSansArabic-Regular.ttf"),
    ),
    (
        "NotoSansArabic-Bold.ttf",
        include_bytes!("../../../assets/fonts/NotoSansArabic-Bold.ttf"),
    ),
    (
        "NotoSansEthiopic-Regular.ttf",
        include_bytes!("../../../assets/fonts/NotoSansEthiopic-Regular.ttf"),
    ),
    (
        "NotoSansEthiopic-Bold.ttf",
        include_bytes!("../../../assets/fonts/NotoSansEthiopic-Bold.ttf"),
    ),
];

async fn font(Path(name): Path<String>) -> Response {
    match FONTS.iter().find(|(file, _)| *file == name) {
        Some((_, bytes)) => (
            [
                (header::CONTENT_TYPE, "font/ttf"),
                (header::CACHE_CONTROL, "public, max-age=604800, immutable"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn staff_js() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/staff.js"),
    )
}

async fn staff_css() -> impl IntoResponse {
    asset("text/css; charset=utf-8", include_str!("assets/staff.css"))
}

async fn status_js() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/status.js"),
    )
}

async fn status_css() -> impl IntoResponse {
    asset("text/css; charset=utf-8", include_str!("assets/status.css"))
}
