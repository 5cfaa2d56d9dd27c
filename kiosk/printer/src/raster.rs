//! 1-bit images for the printer: text lines shaped with a real shaping engine (cosmic-text:
//! joined Arabic letters, right-to-left order, bidi) and QR codes, encoded as `GS v 0`.

use cosmic_text::{Align, Attrs, Buffer, Color, Family, FontSystem, Metrics, Shaping, SwashCache};

use crate::error::PrinterError;
use crate::fonts;

/// A black-and-white image, row-major, `true` = a printed dot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    pub width: u32,
    pub height: u32,
    dots: Vec<bool>,
}

impl Bitmap {
    pub fn new(width: u32, height: u32) -> Bitmap {
        Bitmap {
            width,
            height,
            dots: vec![false; (width as usize) * (height as usize)],
        }
    }

    pub fn get(&self, x: u32, y: u32) -> bool {
        x < self.width && y < self.height && self.dots[(y * self.width + x) as usize]
    }

    pub fn set(&mut self, x: u32, y: u32) {
        if x < self.width && y < self.height {
            self.dots[(y * self.width + x) as usize] = true;
        }
    }

    /// The smallest part that holds every dot, with `pad` blank rows above and below; `None`
    /// when the image is blank.
    pub fn cropped(&self, pad: u32) -> Option<Bitmap> {
        let (mut left, mut right, mut top, mut bottom) = (u32::MAX, 0, u32::MAX, 0);
        for y in 0..self.height {
            for x in 0..self.width {
                if self.get(x, y) {
                    left = left.min(x);
                    right = right.max(x);
                    top = top.min(y);
                    bottom = bottom.max(y);
                }
            }
        }
        if left == u32::MAX {
            return None;
        }
        let width = right - left + 1;
        let height = bottom - top + 1 + 2 * pad;
        let mut out = Bitmap::new(width, height);
        for y in top..=bottom {
            for x in left..=right {
                if self.get(x, y) {
                    out.set(x - left, y - top + pad);
                }
            }
        }
        Some(out)
    }

    /// `GS v 0`: print raster bit image, normal density; width padded to whole bytes.
    pub fn to_gs_v0(&self) -> Vec<u8> {
        self.encode_gs_v0(0, self.width, |x, y| self.get(x, y))
    }

    /// `GS v 0` in double-width mode: every second column is sent and the printer prints each
    /// dot twice as wide. Half the bytes; a sent dot is set where either of its two columns
    /// has ink, so thin strokes survive.
    pub fn to_gs_v0_double_width(&self) -> Vec<u8> {
        let half = self.width.div_ceil(2);
        self.encode_gs_v0(1, half, |x, y| self.get(2 * x, y) || self.get(2 * x + 1, y))
    }

    fn encode_gs_v0(&self, mode: u8, width: u32, dot: impl Fn(u32, u32) -> bool) -> Vec<u8> {
        let width_bytes = width.div_ceil(8);
        let mut out = Vec::with_capacity(8 + (width_bytes * self.height) as usize);
        out.extend_from_slice(&[0x1D, 0x76, 0x30, mode]);
        out.extend_from_slice(&(width_bytes as u16).to_le_bytes());
        out.extend_from_slice(&(self.height as u16).to_le_bytes());
        for y in 0..self.height {
            for byte in 0..width_bytes {
                let mut value = 0u8;
                for bit in 0..8 {
                    let x = byte * 8 + bit;
                    if x < width && dot(x, y) {
                        value |= 0x80 >> bit;
                    }
                }
                out.push(value);
            }
        }
        out
    }
}

/// Shapes and rasterises text with the bundled fonts. Creating one loads the fonts; reuse it.
pub struct TextRenderer {
    font_system: FontSystem,
    cache: SwashCache,
}

impl Default for TextRenderer {
    fn default() -> Self {
        TextRenderer::new()
    }
}

impl TextRenderer {
    pub fn new() -> TextRenderer {
        TextRenderer {
            font_system: FontSystem::new_with_locale_and_db("en-US".into(), fonts::database()),
            cache: SwashCache::new(),
        }
    }

    /// Renders `text` wrapped to `max_width` dots, `size` dots tall per line, right-aligned
    /// when `rtl`. Returns the image cropped to its dots.
    pub fn render(
        &mut self,
        text: &str,
        family: &str,
        size: f32,
        max_width: u32,
        rtl: bool,
    ) -> Option<Bitmap> {
        let line_height = (size * 1.45).ceil();
        let mut buffer = Buffer::new(&mut self.font_system, Metrics::new(size, line_height));
        buffer.set_size(&mut self.font_system, Some(max_width as f32), None);
        let attrs = Attrs::new().family(Family::Name(family));
        buffer.set_text(&mut self.font_system, text, &attrs, Shaping::Advanced);
        let align = if rtl { Align::Right } else { Align::Left };
        for line in buffer.lines.iter_mut() {
            line.set_align(Some(align));
        }
        buffer.shape_until_scroll(&mut self.font_system, false);
        let lines = buffer.layout_runs().count().max(1) as u32;
        let height = lines * line_height as u32 + 4;
        let mut image = Bitmap::new(max_width, height);
        buffer.draw(
            &mut self.font_system,
            &mut self.cache,
            Color::rgb(0, 0, 0),
            |x, y, w, h, color| {
                // Thermal dots are on or off: keep pixels more than ~40 % covered.
                if color.a() < 100 || x < 0 || y < 0 {
                    return;
                }
                for dy in 0..h {
                    for dx in 0..w {
                        image.set(x as u32 + dx, y as u32 + dy);
                    }
                }
            },
        );
        image.cropped(1)
    }
}

/// A QR code (model 2, error correction M) as an image with `module` dots per module and a
/// quiet zone of four modules.
pub fn qr_bitmap(data: &str, module: u32) -> Result<Bitmap, PrinterError> {
    let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| PrinterError::Layout(format!("QR code: {e}")))?;
    let modules = code.width() as u32;
    let quiet = 4;
    let size = (modules + 2 * quiet) * module;
    let mut image = Bitmap::new(size, size);
    let colors = code.to_colors();
    for my in 0..modules {
        for mx in 0..modules {
            if colors[(my * modules + mx) as usize] == qrcode::Color::Dark {
                for dy in 0..module {
                    for dx in 0..module {
                        image.set((mx + quiet) * module + dx, (my + quiet) * module + dy);
                    }
                }
            }
        }
    }
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs_v0_packs_bits_msb_first() {
        let mut image = Bitmap::new(10, 2);
        image.set(0, 0);
        image.set(9, 1);
        let bytes = image.to_gs_v0();
        assert_eq!(&bytes[..8], &[0x1D, 0x76, 0x30, 0x00, 2, 0, 2, 0]);
        assert_eq!(&bytes[8..], &[0x80, 0x00, 0x00, 0x40]);
        let double = image.to_gs_v0_double_width();
        assert_eq!(&double[..8], &[0x1D, 0x76, 0x30, 0x01, 1, 0, 2, 0]);
        // Columns 0 and 9 land in sent columns 0 and 4.
        assert_eq!(&double[8..], &[0x80, 0x08]);
    }

    #[test]
    fn arabic_and_ethiopic_text_produce_compact_strips() {
        let mut renderer = TextRenderer::new();
        let arabic = renderer
            .render("رقمك", fonts::family_for("ar"), 28.0, 576, true)
            .expect("Arabic is drawn");
        assert!(arabic.width > 30 && arabic.width < 200, "{}", arabic.width);
        let tigrinya = renderer
            .render("ቁጽርኹም", fonts::family_for("ti"), 28.0, 576, false)
            .expect("Ethiopic is drawn");
        assert!(tigrinya.width > 30, "{}", tigrinya.width);
        assert!(
            renderer
                .render("   ", "Noto Sans", 28.0, 576, false)
                .is_none()
        );
    }
}
