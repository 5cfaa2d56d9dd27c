//! Printer profiles: paper width, dots per line, the code pages a model offers with the `ESC t`
//! number that selects each on that model, and whether it prints QR codes natively, cuts and
//! answers real-time status. The built-in models are data (`profiles.toml`, see
//! [`crate::profiles`]); this file holds the types and the rules that use them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A code page Lotse can encode text in. The declaration order is the order of preference: a
/// line goes out in the first page of the profile that encodes all of it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize
)]
#[serde(rename_all = "snake_case")]
pub enum CodePage {
    /// Windows-1252: German, French, English.
    Wpc1252,
    /// Windows-1251: Cyrillic (Ukrainian, Russian).
    Wpc1251,
    /// Windows-1254: Turkish.
    Wpc1254,
    /// PC866 (DOS Cyrillic): Russian; lacks Ukrainian і and ґ.
    Pc866,
}

impl CodePage {
    pub const ALL: [CodePage; 4] = [
        CodePage::Wpc1252,
        CodePage::Wpc1251,
        CodePage::Wpc1254,
        CodePage::Pc866,
    ];

    pub fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            CodePage::Wpc1252 => encoding_rs::WINDOWS_1252,
            CodePage::Wpc1251 => encoding_rs::WINDOWS_1251,
            CodePage::Wpc1254 => encoding_rs::WINDOWS_1254,
            CodePage::Pc866 => encoding_rs::IBM866,
        }
    }

    /// The name printer manuals use for the page, e.g. `WPC1252`.
    pub fn manual_name(self) -> &'static str {
        match self {
            CodePage::Wpc1252 => "WPC1252",
            CodePage::Wpc1251 => "WPC1251",
            CodePage::Wpc1254 => "WPC1254",
            CodePage::Pc866 => "PC866",
        }
    }

    /// The name used in `profiles.toml` and `kiosk.toml`, e.g. `wpc1252`.
    pub fn key(self) -> &'static str {
        match self {
            CodePage::Wpc1252 => "wpc1252",
            CodePage::Wpc1251 => "wpc1251",
            CodePage::Wpc1254 => "wpc1254",
            CodePage::Pc866 => "pc866",
        }
    }
}

/// One printer model, resolved: every field known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterProfile {
    pub name: String,
    /// Maker and model, e.g. `Epson TM-T20III`.
    pub model: String,
    /// Where the values come from (manual, section) and which of them are assumptions.
    pub source: String,
    pub paper_mm: u32,
    /// Printable dots per line (576 for 80 mm, 384 for 58 mm at 203 dpi).
    pub dots: u32,
    /// Characters per line in font A (12 x 24 dots).
    pub columns: u32,
    /// The code pages for native text, each with the `ESC t` number that selects it on this
    /// model; text no page can encode is printed as a raster strip.
    pub code_pages: BTreeMap<CodePage, u8>,
    /// Prints QR codes itself (`GS ( k`); otherwise the QR code is sent as a raster image.
    pub native_qr: bool,
    pub cutter: bool,
    /// Answers `DLE EOT n`; otherwise the kiosk prints without asking first.
    pub realtime_status: bool,
    /// Prints every line as a raster strip: for printers whose code-page table is unknown.
    pub raster_text: bool,
}

impl PrinterProfile {
    /// An 80 mm Epson-compatible printer (TM-T20/T88 class); the kiosk's default.
    pub fn epson_80mm() -> PrinterProfile {
        crate::profiles::builtin("epson-80mm")
    }

    /// A basic 58 mm printer: Western code page only, no cutter.
    pub fn generic_58mm() -> PrinterProfile {
        crate::profiles::builtin("generic-58mm")
    }

    /// A built-in profile by its name.
    pub fn named(name: &str) -> Option<PrinterProfile> {
        crate::profiles::Catalogue::builtin().get(name).cloned()
    }

    /// The first code page that encodes all of `text`, if any (none when text is rastered).
    pub fn code_page_for(&self, text: &str) -> Option<CodePage> {
        if self.raster_text {
            return None;
        }
        self.code_pages.keys().copied().find(|page| {
            let (_, _, unmappable) = page.encoding().encode(text);
            !unmappable
        })
    }

    /// The `ESC t` number of `page` on this model.
    pub fn table_number(&self, page: CodePage) -> Option<u8> {
        self.code_pages.get(&page).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_pages_are_chosen_by_what_they_can_encode() {
        let profile = PrinterProfile::epson_80mm();
        assert_eq!(
            profile.code_page_for("Größe - Straße"),
            Some(CodePage::Wpc1252)
        );
        assert_eq!(profile.code_page_for("Перед вами"), Some(CodePage::Wpc1251));
        assert_eq!(
            profile.code_page_for("Sıra numaranız"),
            Some(CodePage::Wpc1254)
        );
        assert_eq!(profile.code_page_for("رقمك"), None);
        assert_eq!(profile.code_page_for("ቁጽሪ"), None);
        assert_eq!(PrinterProfile::generic_58mm().code_page_for("Перед"), None);
        let rastered = PrinterProfile {
            raster_text: true,
            ..profile
        };
        assert_eq!(rastered.code_page_for("A-042"), None);
    }

    #[test]
    fn pc866_has_no_ukrainian_i() {
        let russian_only = PrinterProfile {
            code_pages: BTreeMap::from([(CodePage::Pc866, 17)]),
            ..PrinterProfile::epson_80mm()
        };
        assert_eq!(
            russian_only.code_page_for("Перед вами"),
            Some(CodePage::Pc866)
        );
        assert_eq!(russian_only.code_page_for("Відомство"), None);
    }
}
