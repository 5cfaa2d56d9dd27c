//! The fonts bundled in `assets/fonts` (Noto, SIL OFL 1.1), so Arabic, Farsi, Pashto and
//! Tigrinya render the same on every machine.

use cosmic_text::fontdb;

pub const NOTO_SANS: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf");
pub const NOTO_SANS_ARABIC: &[u8] =
    include_bytes!("../../../assets/fonts/NotoSansArabic-Regular.ttf");
pub const NOTO_SANS_ETHIOPIC: &[u8] =
    include_bytes!("../../../assets/fonts/NotoSansEthiopic-Regular.ttf");
pub const NOTO_SANS_MONO: &[u8] = include_bytes!("../../../assets/fonts/NotoSansMono-Regular.ttf");

/// A font database with only the bundled fonts (no system fonts: output is reproducible).
pub fn database() -> fontdb::Database {
    let mut db = fontdb::Database::new();
    for font in [
        NOTO_SANS,
        NOTO_SANS_ARABIC,
        NOTO_SANS_ETHIOPIC,
        NOTO_SANS_MONO,
    ] {
        db.load_font_data(font.to_vec());
    }
    db.set_sans_serif_family("Noto Sans");
    db.set_monospace_family("Noto Sans Mono");
    db
}

/// The family to shape a line of `language` with (from the language table); others are
/// found by fallback.
pub fn family_for(language: &str) -> &'static str {
    lotse_protocol::languages::font_family(language)
}
