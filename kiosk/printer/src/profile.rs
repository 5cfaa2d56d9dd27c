//! Printer profiles: paper width, dots per line, the code pages a model offers, and whether it
//! prints QR codes natively and cuts.

use serde::{Deserialize, Serialize};

/// A code page the printer offers for native text, with the `ESC t` number that selects it on
/// this model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodePage {
    /// Windows-1252: German, French, Turkish (partly), English.
    Wpc1252,
    /// Windows-1251: Cyrillic (Ukrainian, Russian).
    Wpc1251,
    /// Windows-1254: Turkish.
    Wpc1254,
}

impl CodePage {
    pub fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            CodePage::Wpc1252 => encoding_rs::WINDOWS_1252,
            CodePage::Wpc1251 => encoding_rs::WINDOWS_1251,
            CodePage::Wpc1254 => encoding_rs::WINDOWS_1254,
        }
    }

    pub fn escpos(self) -> escpos::utils::PageCode {
        match self {
            CodePage::Wpc1252 => escpos::utils::PageCode::WPC1252,
            CodePage::Wpc1251 => escpos::utils::PageCode::WPC1251,
            CodePage::Wpc1254 => escpos::utils::PageCode::WPC1254,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterProfile {
    pub name: String,
    pub paper_mm: u32,
    /// Printable dots per line (576 for 80 mm, 384 for 58 mm at 203 dpi).
    pub dots: u32,
    /// Characters per line in font A (12 x 24 dots).
    pub columns: u32,
    /// Code pages for native text, most preferred first; text no page can encode is printed
    /// as a raster strip.
    pub code_pages: Vec<CodePage>,
    /// Prints QR codes itself (`GS ( k`); otherwise the QR code is sent as a raster image.
    pub native_qr: bool,
    pub cutter: bool,
}

impl PrinterProfile {
    /// An 80 mm Epson-compatible printer (TM-T20/T88 class).
    pub fn epson_80mm() -> PrinterProfile {
        PrinterProfile {
            name: "epson-80mm".into(),
            paper_mm: 80,
            dots: 576,
            columns: 48,
            code_pages: vec![CodePage::Wpc1252, CodePage::Wpc1251, CodePage::Wpc1254],
            native_qr: true,
            cutter: true,
        }
    }

    /// A basic 58 mm printer: Western code page only, no cutter.
    pub fn generic_58mm() -> PrinterProfile {
        PrinterProfile {
            name: "generic-58mm".into(),
            paper_mm: 58,
            dots: 384,
            columns: 32,
            code_pages: vec![CodePage::Wpc1252],
            native_qr: true,
            cutter: false,
        }
    }

    /// A profile by its name.
    pub fn named(name: &str) -> Option<PrinterProfile> {
        [PrinterProfile::epson_80mm(), PrinterProfile::generic_58mm()]
            .into_iter()
            .find(|p| p.name == name)
    }

    /// The first code page that encodes all of `text`, if any.
    pub fn code_page_for(&self, text: &str) -> Option<CodePage> {
        self.code_pages.iter().copied().find(|page| {
            let (_, _, unmappable) = page.encoding().encode(text);
            !unmappable
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
    }
}
