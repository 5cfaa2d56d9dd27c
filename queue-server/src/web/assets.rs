//! `GET /assets/…`: the scripts, stylesheets and fonts of the pages, embedded in the binary
//! (no CDN, no build step). Each is served under a name with its content hash
//! (`status.1a2b3c4d5e.css`) that browsers cache for a year without asking again: a changed
//! file gets a new name. Pages link the hashed names (`url`); a stylesheet's references to
//! other assets (the fonts in `fonts.css`) are rewritten to their hashed names once, when
//! first served. The plain names still answer, revalidated after an hour.

use std::borrow::Cow;
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use sha2::{Digest, Sha256};

use crate::http::error::AppError;

const SCRIPT: &str = "text/javascript; charset=utf-8";
const STYLE: &str = "text/css; charset=utf-8";
const FONT: &str = "font/woff2";

/// A hashed asset: cached for a year, never revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// An asset under its plain name may change with an update: revalidated after an hour.
const HOURLY: &str = "public, max-age=3600";

macro_rules! font {
    ($name:literal) => {
        (
            concat!("fonts/", $name),
            FONT,
            include_bytes!(concat!("assets/fonts/", $name)),
        )
    };
}

/// Path below `/assets/`, content type, body; an asset a stylesheet refers to comes before
/// it. The fonts are subsets and WOFF2 conversions of the Noto fonts in `assets/fonts/` (SIL
/// Open Font License, `assets/fonts/OFL.txt`), made with `fonts.css` by
/// `scripts/subset-fonts`; served so Arabic and Ethiopic text renders on screens without
/// such fonts.
const SOURCES: [(&str, &str, &[u8]); 25] = [
    font!("NotoSans-Regular.subset-latin.woff2"),
    font!("NotoSans-Regular.subset-cyrillic.woff2"),
    font!("NotoSans-Regular.woff2"),
    font!("NotoSans-Bold.subset-latin.woff2"),
    font!("NotoSans-Bold.subset-cyrillic.woff2"),
    font!("NotoSans-Bold.woff2"),
    font!("NotoSansArabic-Regular.subset.woff2"),
    font!("NotoSansArabic-Regular.woff2"),
    font!("NotoSansArabic-Bold.subset.woff2"),
    font!("NotoSansArabic-Bold.woff2"),
    font!("NotoSansEthiopic-Regular.subset.woff2"),
    font!("NotoSansEthiopic-Regular.woff2"),
    font!("NotoSansEthiopic-Bold.subset.woff2"),
    font!("NotoSansEthiopic-Bold.woff2"),
    ("fonts.css", STYLE, include_bytes!("assets/fonts.css")),
    ("display.js", SCRIPT, include_bytes!("assets/display.js")),
    ("display.css", STYLE, include_bytes!("assets/display.css")),
    ("staff.js", SCRIPT, include_bytes!("assets/staff.js")),
    ("alarm.js", SCRIPT, include_bytes!("assets/alarm.js")),
    ("staff.css", STYLE, include_bytes!("assets/staff.css")),
    ("status.js", SCRIPT, include_bytes!("assets/status.js")),
    ("status.css", STYLE, include_bytes!("assets/status.css")),
    ("feedback.css", STYLE, include_bytes!("assets/feedback.css")),
    ("voices.js", SCRIPT, include_bytes!("assets/voices.js")),
    (
        "status-worker.js",
        SCRIPT,
        include_bytes!("assets/status-worker.js"),
    ),
];

/// Fonts for the tests that check what the subsets cover.
#[cfg(test)]
pub fn fonts() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    SOURCES
        .iter()
        .filter(|(_, content_type, _)| *content_type == FONT)
        .map(|(name, _, body)| (*name, *body))
}

struct Asset {
    name: &'static str,
    hashed: String,
    content_type: &'static str,
    body: Cow<'static, [u8]>,
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    let mut assets: Vec<Asset> = Vec::with_capacity(SOURCES.len());
    for (name, content_type, body) in SOURCES {
        let body = if content_type == STYLE {
            Cow::Owned(rewrite_references(body, &assets))
        } else {
            Cow::Borrowed(body)
        };
        let hashed = hashed_name(name, &body);
        assets.push(Asset {
            name,
            hashed,
            content_type,
            body,
        });
    }
    assets
});

/// The first 10 hex digits of the SHA-256 of `body`: names an asset's version, or a page's
/// (its `ETag`).
pub fn content_hash(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    digest[..5]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// `status.css` → `status.<content_hash>.css`.
fn hashed_name(name: &str, body: &[u8]) -> String {
    let hash = content_hash(body);
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{hash}.{extension}"),
        None => format!("{name}.{hash}"),
    }
}

/// The stylesheet with each `"/assets/<name>"` of an earlier asset replaced by its hashed URL.
fn rewrite_references(body: &[u8], earlier: &[Asset]) -> Vec<u8> {
    let mut text = String::from_utf8_lossy(body).into_owned();
    for asset in earlier {
        text = text.replace(
            &format!("\"/assets/{}\"", asset.name),
            &format!("\"/assets/{}\"", asset.hashed),
        );
    }
    text.into_bytes()
}

/// The URL a page links for the asset `name` (`"status.css"`): its hashed name.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|asset| asset.name == name) {
        Some(asset) => format!("/assets/{}", asset.hashed),
        None => format!("/assets/{name}"),
    }
}

/// A page's links in its head: the fonts, its stylesheet and script (hashed URLs), and an
/// empty icon, so that browsers do not ask for `/favicon.ico`.
pub fn head_links(stylesheet: &str, script: Option<&str>) -> Markup {
    html! {
        link rel="icon" href="data:,";
        link rel="stylesheet" href=(url("fonts.css"));
        link rel="stylesheet" href=(url(stylesheet));
        @if let Some(script) = script {
            script src=(url(script)) defer {}
        }
    }
}

pub async fn asset(Path(path): Path<String>) -> Response {
    let found = ASSETS.iter().find_map(|asset| {
        if asset.hashed == path {
            Some((asset, IMMUTABLE))
        } else if asset.name == path {
            Some((asset, HOURLY))
        } else {
            None
        }
    });
    let Some((asset, cache)) = found else {
        return AppError::NotFound.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
        ],
        asset.body.clone(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheets_refer_to_the_hashed_fonts() {
        let fonts = ASSETS
            .iter()
            .find(|asset| asset.name == "fonts.css")
            .expect("fonts.css");
        let css = String::from_utf8_lossy(&fonts.body);
        for font in ASSETS.iter().filter(|asset| asset.content_type == FONT) {
            assert!(
                css.contains(&format!("url(\"/assets/{}\")", font.hashed)),
                "fonts.css refers to {}",
                font.hashed
            );
            assert!(
                !css.contains(&format!("\"/assets/{}\"", font.name)),
                "fonts.css keeps no plain font URL: {}",
                font.name
            );
        }
    }

    #[test]
    fn every_generated_font_is_embedded_and_every_referenced_asset_exists() {
        let directory = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/assets/fonts");
        for entry in std::fs::read_dir(directory).expect("the fonts directory") {
            let file = entry.expect("an entry").file_name();
            let name = format!("fonts/{}", file.to_string_lossy());
            assert!(
                SOURCES.iter().any(|(source, _, _)| *source == name),
                "{name} is not in SOURCES"
            );
        }
        for stylesheet in ASSETS.iter().filter(|asset| asset.content_type == STYLE) {
            let css = String::from_utf8_lossy(&stylesheet.body);
            for reference in css.split("url(\"/assets/").skip(1) {
                let target = reference.split('"').next().unwrap_or_default();
                assert!(
                    ASSETS.iter().any(|asset| asset.hashed == target),
                    "{} refers to {target}, which is no hashed asset",
                    stylesheet.name
                );
            }
        }
    }

    #[test]
    fn a_hashed_name_changes_with_the_content() {
        assert_eq!(hashed_name("a.css", b"x"), hashed_name("a.css", b"x"));
        assert_ne!(hashed_name("a.css", b"x"), hashed_name("a.css", b"y"));
        assert!(hashed_name("status.css", b"x").starts_with("status."));
        assert!(hashed_name("status.css", b"x").ends_with(".css"));
    }
}
