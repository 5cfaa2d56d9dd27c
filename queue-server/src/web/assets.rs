//! `GET /assets/…`: the scripts, stylesheets and fonts of the pages, embedded in the binary
//! (no CDN, no build step).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const SCRIPT: &str = "text/javascript; charset=utf-8";
const STYLE: &str = "text/css; charset=utf-8";
const FONT: &str = "font/ttf";

/// Path below `/assets/`, content type, body. The Noto fonts are under the SIL Open Font
/// License (`assets/fonts/OFL.txt`); served so Arabic and Ethiopic text renders on screens
/// that have no such fonts installed.
const ASSETS: [(&str, &str, &[u8]); 15] = [
    ("display.js", SCRIPT, include_bytes!("assets/display.js")),
    ("display.css", STYLE, include_bytes!("assets/display.css")),
    ("staff.js", SCRIPT, include_bytes!("assets/staff.js")),
    ("staff.css", STYLE, include_bytes!("assets/staff.css")),
    ("status.js", SCRIPT, include_bytes!("assets/status.js")),
    ("status.css", STYLE, include_bytes!("assets/status.css")),
    ("feedback.css", STYLE, include_bytes!("assets/feedback.css")),
    ("voices.js", SCRIPT, include_bytes!("assets/voices.js")),
    ("fonts.css", STYLE, include_bytes!("assets/fonts.css")),
    (
        "fonts/NotoSans-Regular.ttf",
        FONT,
        include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf"),
    ),
    (
        "fonts/NotoSans-Bold.ttf",
        FONT,
        include_bytes!("../../../assets/fonts/NotoSans-Bold.ttf"),
    ),
    (
        "fonts/NotoSansArabic-Regular.ttf",
        FONT,
        include_bytes!("../../../assets/fonts/NotoSansArabic-Regular.ttf"),
    ),
    (
        "fonts/NotoSansArabic-Bold.ttf",
        FONT,
        include_bytes!("../../../assets/fonts/NotoSansArabic-Bold.ttf"),
    ),
    (
        "fonts/NotoSansEthiopic-Regular.ttf",
        FONT,
        include_bytes!("../../../assets/fonts/NotoSansEthiopic-Regular.ttf"),
    ),
    (
        "fonts/NotoSansEthiopic-Bold.ttf",
        FONT,
        include_bytes!("../../../assets/fonts/NotoSansEthiopic-Bold.ttf"),
    ),
];

pub async fn asset(Path(path): Path<String>) -> Response {
    let Some((_, content_type, body)) = ASSETS.iter().find(|(name, _, _)| *name == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Fonts never change; scripts and styles are revalidated after an hour so an update
    // reaches screens that stay open for days.
    let cache = if *content_type == FONT {
        "public, max-age=604800, immutable"
    } else {
        "public, max-age=3600"
    };
    (
        [
            (header::CONTENT_TYPE, *content_type),
            (header::CACHE_CONTROL, cache),
        ],
        *body,
    )
        .into_response()
}
