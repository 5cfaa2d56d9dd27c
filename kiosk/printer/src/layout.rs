//! The ticket layout: a pure function from what to print to the ESC/POS bytes of the whole
//! ticket. Latin and Cyrillic text goes out as native text in a confirmed code page of the
//! printer (or PC437, which every printer has); the rest as compact raster strips; the QR
//! code natively (`GS ( k`, model 2).

use std::cell::RefCell;
use std::rc::Rc;

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

use crate::error::PrinterError;
use crate::fonts;
use crate::labels::Labels;
use crate::profile::{CodePage, PrinterProfile};
use crate::raster::{Bitmap, TextRenderer, qr_bitmap};
use lotse_protocol::languages::is_rtl;

/// Everything printed on one ticket, already in the visitor's language.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketPrint {
    pub language: String,
    /// The building's name as on its sign (usually German), printed as a heading.
    pub site_name: String,
    pub number: String,
    /// The agency of the first concern, which the number's letter stands for.
    pub agency: String,
    pub concerns: Vec<Concern>,
    pub people_ahead: Option<u32>,
    pub wait_minutes: Option<u32>,
    /// Local time of an appointment, e.g. `10:30`.
    pub appointment_time: Option<String>,
    /// Short list of documents to bring.
    pub documents: Option<String>,
    /// Local date and time of issue, e.g. `21.11.2026 09:14`.
    pub issued: String,
    pub status_url: String,
    /// The visitor asked for an interpreter: the ticket says one will be arranged.
    pub interpreter: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Concern {
    /// The service's name in the visitor's language.
    pub name: String,
    /// The German name, printed small below for staff when the visitor reads another language.
    pub name_de: Option<String>,
}

/// Text size of raster strips in dots (3 mm at 203 dpi); hints are smaller, headings larger.
/// Strips go out in double-width mode (half the bytes) so that a ticket with raster lines
/// stays within 6 KB (0.5 s at 115200 baud).
const RASTER_TEXT_DOTS: f32 = 24.0;
/// Dots fed after a raster strip when all text is raster.
const RASTER_LINE_GAP: u8 = 10;
/// QR module size in dots: about 30 mm for a 60-character URL.
const QR_MODULE_DOTS: u8 = 6;

/// A driver that only records bytes: the layout never talks to a printer.
#[derive(Clone, Default)]
pub(crate) struct Recorder(Rc<RefCell<Vec<u8>>>);

impl Driver for Recorder {
    fn name(&self) -> String {
        "recorder".into()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

pub(crate) fn layout_error(error: escpos::errors::PrinterError) -> PrinterError {
    PrinterError::Layout(error.to_string())
}

/// Writes lines in the best form the printer supports.
pub(crate) struct Writer<'a> {
    pub(crate) printer: Printer<Recorder>,
    recorder: Recorder,
    pub(crate) profile: &'a PrinterProfile,
    renderer: &'a mut TextRenderer,
    /// Chooses the font and direction of raster strips.
    pub(crate) language: &'a str,
    page: Option<CodePage>,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Style {
    Normal,
    /// The ticket number, very large.
    Number,
    Bold,
    Small,
}

impl<'a> Writer<'a> {
    /// A writer for one receipt; the printer is initialised (`ESC @`).
    pub(crate) fn new(
        profile: &'a PrinterProfile,
        renderer: &'a mut TextRenderer,
        language: &'a str,
    ) -> Result<Writer<'a>, PrinterError> {
        let recorder = Recorder::default();
        let printer = Printer::new(recorder.clone(), Protocol::default(), None);
        let mut writer = Writer {
            printer,
            recorder,
            profile,
            renderer,
            language,
            page: None,
        };
        writer.printer.init().map_err(layout_error)?;
        Ok(writer)
    }

    /// Feeds the paper past the tear bar, cuts where the printer can, and returns the bytes.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>, PrinterError> {
        if self.profile.cutter {
            self.printer.feeds(4).map_err(layout_error)?;
            self.printer.print_cut().map_err(layout_error)?;
        } else {
            self.printer.feeds(6).map_err(layout_error)?;
            self.printer.print().map_err(layout_error)?;
        }
        let bytes = self.recorder.0.borrow().clone();
        Ok(bytes)
    }

    fn rtl(&self) -> bool {
        is_rtl(self.language)
    }

    pub(crate) fn justify(&mut self, mode: JustifyMode) -> Result<(), PrinterError> {
        self.printer.justify(mode).map_err(layout_error)?;
        Ok(())
    }

    /// Centre for headings, start of line (left, or right for RTL scripts) for the rest.
    pub(crate) fn align_start(&mut self) -> Result<(), PrinterError> {
        let mode = if self.rtl() {
            JustifyMode::RIGHT
        } else {
            JustifyMode::LEFT
        };
        self.justify(mode)
    }

    pub(crate) fn line(&mut self, text: &str, style: Style) -> Result<(), PrinterError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        match self.native_page(text) {
            Some(page) => self.native(text, page, style),
            None => self.raster(text, style),
        }
    }

    /// How `text` can go out as native text: in the page [`PrinterProfile::code_page_for`]
    /// picks, or (plain ASCII, which every table shares) in whatever table is selected.
    /// `None`: as a raster strip.
    fn native_page(&self, text: &str) -> Option<Option<CodePage>> {
        if self.profile.raster_text {
            return None;
        }
        if text.is_ascii() {
            return Some(self.page);
        }
        self.profile.code_page_for(text).map(Some)
    }

    pub(crate) fn native(
        &mut self,
        text: &str,
        page: Option<CodePage>,
        style: Style,
    ) -> Result<(), PrinterError> {
        if let Some(page) = page.filter(|p| self.page != Some(*p)) {
            let number = self.profile.table_number(page).ok_or_else(|| {
                PrinterError::Layout(format!("{} is not in the profile", page.key()))
            })?;
            // `ESC t n` with this model's number: the numbers differ between makers.
            self.printer
                .custom(&[0x1B, b't', number])
                .map_err(layout_error)?;
            self.page = Some(page);
        }
        let bold = style == Style::Bold;
        self.printer.bold(bold).map_err(layout_error)?;
        let font = if style == Style::Small {
            escpos::utils::Font::B
        } else {
            escpos::utils::Font::A
        };
        self.printer.font(font).map_err(layout_error)?;
        let columns = match style {
            // Font B is 9 dots wide instead of 12.
            Style::Small => (self.profile.columns * 4 / 3) as usize,
            _ => self.profile.columns as usize,
        };
        for part in textwrap::wrap(text, columns) {
            // With no page selected the text is ASCII, which every table shares.
            let bytes = match self.page {
                Some(page) => page.encode(&part),
                None => part.is_ascii().then(|| part.as_bytes().to_vec()),
            }
            .ok_or_else(|| {
                PrinterError::Layout(format!(
                    "\"{part}\" is not in {}",
                    self.page.map_or("ASCII", |p| p.manual_name())
                ))
            })?;
            self.printer.custom(&bytes).map_err(layout_error)?;
            self.printer.feed().map_err(layout_error)?;
        }
        if bold {
            self.printer.bold(false).map_err(layout_error)?;
        }
        if style == Style::Small {
            self.printer
                .font(escpos::utils::Font::A)
                .map_err(layout_error)?;
        }
        Ok(())
    }

    pub(crate) fn raster(&mut self, text: &str, style: Style) -> Result<(), PrinterError> {
        let size = match style {
            Style::Number => RASTER_TEXT_DOTS * 3.5,
            Style::Bold => RASTER_TEXT_DOTS * 1.1,
            Style::Small => RASTER_TEXT_DOTS * 0.85,
            Style::Normal => RASTER_TEXT_DOTS,
        };
        let family = fonts::family_for(self.language);
        let rtl = self.rtl();
        if let Some(image) = self
            .renderer
            .render(text, family, size, self.profile.dots, rtl)
        {
            self.printer
                .custom(&image.to_gs_v0_double_width())
                .map_err(layout_error)?;
            if self.profile.raster_text {
                // Strips are cropped to their ink: leave the gap a line of text would have.
                self.printer
                    .custom(&[0x1B, b'J', RASTER_LINE_GAP])
                    .map_err(layout_error)?;
            }
        }
        Ok(())
    }

    /// A line that helps but is not essential: printed only where it costs no raster strip.
    fn optional_line(&mut self, text: &str, style: Style) -> Result<(), PrinterError> {
        match self.native_page(text.trim()) {
            Some(page) => self.native(text.trim(), page, style),
            // A printer that prints all text as raster pays for every line anyway.
            None if self.profile.raster_text => self.raster(text, style),
            None => Ok(()),
        }
    }

    /// A QR code (model 2, level M): natively where the printer can, else as raster.
    pub(crate) fn qr(&mut self, data: &str) -> Result<(), PrinterError> {
        if self.profile.native_qr {
            let option = QRCodeOption::new(
                QRCodeModel::Model2,
                QR_MODULE_DOTS,
                QRCodeCorrectionLevel::M,
            );
            self.printer
                .qrcode_option(data, option)
                .map_err(layout_error)?;
        } else {
            let image = qr_bitmap(data, u32::from(QR_MODULE_DOTS))?;
            self.printer
                .custom(&image.to_gs_v0())
                .map_err(layout_error)?;
        }
        Ok(())
    }

    pub(crate) fn separator(&mut self) -> Result<(), PrinterError> {
        self.justify(JustifyMode::CENTER)?;
        if self.profile.raster_text {
            // A printer whose tables are unknown gets a drawn rule.
            let mut rule = Bitmap::new(self.profile.dots, 3);
            for y in 0..3 {
                for x in (0..self.profile.dots).filter(|x| x % 8 < 5) {
                    rule.set(x, y);
                }
            }
            return self
                .printer
                .custom(&rule.to_gs_v0())
                .map(|_| ())
                .map_err(layout_error);
        }
        let rule = "-".repeat(self.profile.columns as usize);
        self.native(&rule, self.page, Style::Normal)
    }
}

/// Encodes a whole ticket for `profile`. Pure: no I/O, same input → same bytes.
pub fn encode_ticket(
    ticket: &TicketPrint,
    profile: &PrinterProfile,
    renderer: &mut TextRenderer,
) -> Result<Vec<u8>, PrinterError> {
    let labels = Labels::of(&ticket.language);
    let mut w = Writer::new(profile, renderer, &ticket.language)?;

    // Header: where, and the number, very large.
    w.justify(JustifyMode::CENTER)?;
    w.line(&ticket.site_name, Style::Bold)?;
    w.printer.feed().map_err(layout_error)?;
    w.optional_line(&labels.your_number, Style::Normal)?;
    w.justify(JustifyMode::CENTER)?;
    if w.profile.raster_text {
        w.raster(&ticket.number, Style::Number)?;
    } else {
        w.printer.size(4, 4).map_err(layout_error)?;
        w.printer.bold(true).map_err(layout_error)?;
        w.line(&ticket.number, Style::Bold)?;
    }
    w.printer.reset_size().map_err(layout_error)?;
    w.justify(JustifyMode::CENTER)?;
    w.line(&ticket.agency, Style::Bold)?;
    w.separator()?;

    // The concerns, where the visitor stands, what to bring.
    w.align_start()?;
    w.optional_line(&labels.your_concerns, Style::Bold)?;
    for concern in &ticket.concerns {
        w.align_start()?;
        w.line(&concern.name, Style::Normal)?;
        if let Some(german) = &concern.name_de {
            w.justify(JustifyMode::LEFT)?;
            w.line(german, Style::Small)?;
        }
    }
    w.printer.feed().map_err(layout_error)?;
    w.align_start()?;
    if let Some(time) = &ticket.appointment_time {
        w.line(&labels.appointment_at(time), Style::Bold)?;
    }
    if let Some(ahead) = ticket.people_ahead {
        w.line(&labels.people_ahead(ahead), Style::Normal)?;
    }
    if let Some(minutes) = ticket.wait_minutes.filter(|m| *m > 0) {
        w.line(
            &labels.about_minutes(&ticket.language, minutes),
            Style::Normal,
        )?;
    }
    if ticket.interpreter {
        w.line(&labels.interpreter_arranged, Style::Normal)?;
    }
    if let Some(documents) = &ticket.documents {
        w.printer.feed().map_err(layout_error)?;
        w.line(
            &format!("{} {documents}", labels.please_bring),
            Style::Small,
        )?;
    }
    w.separator()?;

    // The QR code of the status page, and what it is for.
    w.justify(JustifyMode::CENTER)?;
    w.qr(&ticket.status_url)?;
    w.justify(JustifyMode::CENTER)?;
    w.line(&labels.scan_hint, Style::Small)?;
    w.justify(JustifyMode::CENTER)?;
    // Several concerns are called as their lines call, in no promised order.
    let watch = if ticket.concerns.len() > 1 {
        &labels.each_concern_called
    } else {
        &labels.watch_screen
    };
    w.line(watch, Style::Small)?;
    w.justify(JustifyMode::CENTER)?;
    w.line(&ticket.issued, Style::Small)?;

    w.finish()
}
