//! Printer profiles: paper width, dots per line, the code pages a model offers with the `ESC t`
//! number that selects each on that model and whether that number is confirmed, and whether
//! it prints QR codes natively, cuts and answers real-time status. The built-in models are
//! data (`profiles.toml`, see [`crate::profiles`]); this file holds the types and the rule
//! that picks a line's code page.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use crate::code_page::{CodePage, PC437_TABLE};

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
    /// model (PC437 is not listed: it is `ESC t 0` everywhere).
    pub code_pages: BTreeMap<CodePage, u8>,
    /// The pages whose number a maker's manual or a print-test on a real unit confirms. Only
    /// these (and PC437) print tickets; an assumed number is only tried on the test print.
    #[serde(default)]
    pub confirmed: BTreeSet<CodePage>,
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

    /// The code page a line of `text` goes out in: the first confirmed page (in
    /// [`CodePage`]'s order of preference) that encodes all of it, PC437 being always
    /// confirmed and last. `None`: a raster strip (also for every line with `raster_text`).
    /// An assumed page is never used: a wrong number prints wrong letters, a raster strip
    /// only costs bytes.
    pub fn code_page_for(&self, text: &str) -> Option<CodePage> {
        if self.raster_text {
            return None;
        }
        CodePage::ALL
            .into_iter()
            .filter(|page| self.is_confirmed(*page))
            .find(|page| page.encodes(text))
    }

    /// The `ESC t` number of `page` on this model (PC437: 0 on every model).
    pub fn table_number(&self, page: CodePage) -> Option<u8> {
        match page {
            CodePage::Pc437 => Some(PC437_TABLE),
            _ => self.code_pages.get(&page).copied(),
        }
    }

    /// Whether `page`'s number on this model is confirmed (PC437 always is).
    pub fn is_confirmed(&self, page: CodePage) -> bool {
        match page {
            CodePage::Pc437 => true,
            _ => self.code_pages.contains_key(&page) && self.confirmed.contains(&page),
        }
    }

    /// Every page of this model with its number and whether it is confirmed, PC437 first.
    pub fn tables(&self) -> impl Iterator<Item = (CodePage, u8, bool)> + '_ {
        std::iter::once(CodePage::Pc437)
            .chain(self.code_pages.keys().copied())
            .filter_map(|page| {
                let number = self.table_number(page)?;
                Some((page, number, self.is_confirmed(page)))
            })
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
    fn assumed_pages_are_not_used_and_latin_falls_back_to_pc437() {
        let assumed = PrinterProfile {
            confirmed: BTreeSet::new(),
            ..PrinterProfile::epson_80mm()
        };
        assert_eq!(
            assumed.code_page_for("Bürgeramt"),
            Some(CodePage::Pc437),
            "WPC1252 is assumed: PC437, which every printer has"
        );
        assert_eq!(assumed.code_page_for("Preis: 5 €"), None, "no € in PC437");
        assert_eq!(assumed.code_page_for("Перед вами"), None);
        assert_eq!(assumed.code_page_for("Sıra"), None);
        assert_eq!(assumed.table_number(CodePage::Pc437), Some(0));
        assert!(assumed.is_confirmed(CodePage::Pc437));
        assert!(!assumed.is_confirmed(CodePage::Wpc1252));
        let tables: Vec<(CodePage, u8, bool)> = assumed.tables().collect();
        assert_eq!(tables[0], (CodePage::Pc437, 0, true));
        assert!(tables.contains(&(CodePage::Wpc1251, 46, false)));

        // A confirmation counts only for a page the profile numbers.
        let dangling = PrinterProfile {
            code_pages: BTreeMap::new(),
            ..PrinterProfile::epson_80mm()
        };
        assert!(!dangling.is_confirmed(CodePage::Wpc1252));
        assert_eq!(dangling.code_page_for("Größe"), Some(CodePage::Pc437));
    }

    #[test]
    fn pc866_has_no_ukrainian_i() {
        let russian_only = PrinterProfile {
            code_pages: BTreeMap::from([(CodePage::Pc866, 17)]),
            confirmed: BTreeSet::from([CodePage::Pc866]),
            ..PrinterProfile::epson_80mm()
        };
        assert_eq!(
            russian_only.code_page_for("Перед вами"),
            Some(CodePage::Pc866)
        );
        assert_eq!(russian_only.code_page_for("Відомство"), None);
    }
}
