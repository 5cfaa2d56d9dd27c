//! Draws a receipt as the paper would look (text in the printer's cell sizes, bold, sizes,
//! alignment, raster images, QR codes), and as plain text.

use cosmic_text::{Attrs, Buffer, Color, Family, FontSystem, Metrics, Shaping, SwashCache};
use image::{GrayImage, Luma};

use super::decoder::{Align, Element, Receipt, Run};
use crate::fonts;

const MARGIN: u32 = 16;

/// Renders `receipt` on paper `dots` wide (plus a small margin), black on white.
pub fn render_png(receipt: &Receipt, dots: u32) -> GrayImage {
    let mut font_system = FontSystem::new_with_locale_and_db("en-US".into(), fonts::database());
    let mut cache = SwashCache::new();
    let mut paper = Paper::new(dots);
    for element in &receipt.elements {
        match element {
            Element::Line { runs, align } => {
                let drawn: Vec<Vec<Vec<bool>>> = runs
                    .iter()
                    .map(|run| draw_run(&mut font_system, &mut cache, run))
                    .collect();
                let width: usize = drawn.iter().map(|d| d.first().map_or(0, Vec::len)).sum();
                let height = drawn.iter().map(Vec::len).max().unwrap_or(0);
                let mut x = paper.start(width as u32, *align);
                for run in &drawn {
                    let offset = height - run.len();
                    paper.blit(run, x, offset as u32);
                    x += run.first().map_or(0, Vec::len) as u32;
                }
                paper.advance(height.max(24) as u32 + 6);
            }
            Element::Raster {
                width_bytes,
                height,
                data,
                align,
                double_width,
                double_height,
            } => {
                let (sx, sy) = (
                    1 + usize::from(*double_width),
                    1 + usize::from(*double_height),
                );
                let rows: Vec<Vec<bool>> = (0..height * sy)
                    .map(|y| {
                        (0..width_bytes * 8 * sx)
                            .map(|x| {
                                let (x, y) = (x / sx, y / sy);
                                data[y * width_bytes + x / 8] & (0x80 >> (x % 8)) != 0
                            })
                            .collect()
                    })
                    .collect();
                let x = paper.start((width_bytes * 8 * sx) as u32, *align);
                paper.blit(&rows, x, 0);
                paper.advance((height * sy) as u32);
            }
            Element::Qr {
                data,
                module,
                ec,
                align,
            } => {
                let level = match ec {
                    'M' => qrcode::EcLevel::M,
                    'Q' => qrcode::EcLevel::Q,
                    'H' => qrcode::EcLevel::H,
                    _ => qrcode::EcLevel::L,
                };
                let Ok(code) = qrcode::QrCode::with_error_correction_level(data.as_bytes(), level)
                else {
                    continue;
                };
                let module = usize::from((*module).max(1));
                let n = code.width();
                let colors = code.to_colors();
                let quiet = 2 * module;
                let size = n * module + 2 * quiet;
                let rows: Vec<Vec<bool>> = (0..size)
                    .map(|y| {
                        (0..size)
                            .map(|x| {
                                let (mx, my) = (x.checked_sub(quiet), y.checked_sub(quiet));
                                match (mx, my) {
                                    (Some(mx), Some(my)) if mx / module < n && my / module < n => {
                                        colors[(my / module) * n + mx / module]
                                            == qrcode::Color::Dark
                                    }
                                    _ => false,
                                }
                            })
                            .collect()
                    })
                    .collect();
                let x = paper.start(size as u32, *align);
                paper.blit(&rows, x, 0);
                paper.advance(size as u32);
            }
            Element::Feed(dots) => paper.advance(*dots),
        }
    }
    paper.finish()
}

/// The receipt as text: one line per printed line, images and codes described.
pub fn render_text(receipt: &Receipt) -> String {
    let mut text = String::new();
    for element in &receipt.elements {
        match element {
            Element::Line { runs, .. } => {
                let line: String = runs.iter().map(|r| r.text.as_str()).collect();
                text.push_str(&line);
                text.push('\n');
            }
            Element::Raster {
                width_bytes,
                height,
                double_width,
                ..
            } => {
                let width = width_bytes * 8 * (1 + usize::from(*double_width));
                text.push_str(&format!("[image {width}x{height}]\n"))
            }
            Element::Qr { data, .. } => text.push_str(&format!("[QR {data}]\n")),
            Element::Feed(_) => {}
        }
    }
    for unknown in &receipt.unknown_commands {
        text.push_str(&format!("[unknown command {unknown}]\n"));
    }
    text
}

/// A run of text in the printer's cells: 12 x 24 dots (font A) or 9 x 17 (font B), scaled.
fn draw_run(font_system: &mut FontSystem, cache: &mut SwashCache, run: &Run) -> Vec<Vec<bool>> {
    let (cell_w, cell_h) = if run.small {
        (9usize, 17usize)
    } else {
        (12, 24)
    };
    let chars = run.text.chars().count();
    let width = chars * cell_w;
    let mut cells = vec![vec![false; width]; cell_h];
    // Noto Sans Mono advances 0.6 em: this size fills the cell width.
    let size = cell_w as f32 / 0.6;
    let mut buffer = Buffer::new(font_system, Metrics::new(size, cell_h as f32));
    buffer.set_size(
        font_system,
        Some(width as f32 + 4.0),
        Some(cell_h as f32 * 2.0),
    );
    let attrs = Attrs::new().family(Family::Name("Noto Sans Mono"));
    buffer.set_text(font_system, &run.text, &attrs, Shaping::Basic);
    buffer.shape_until_scroll(font_system, false);
    buffer.draw(
        font_system,
        cache,
        Color::rgb(0, 0, 0),
        |x, y, w, h, color| {
            if color.a() < 110 || x < 0 || y < 0 {
                return;
            }
            for dy in 0..h as usize {
                for dx in 0..w as usize {
                    let (px, py) = (x as usize + dx, y as usize + dy);
                    if py < cell_h && px < width {
                        cells[py][px] = true;
                        if run.bold && px + 1 < width {
                            cells[py][px + 1] = true;
                        }
                    }
                }
            }
        },
    );
    if run.underline
        && let Some(last) = cells.last_mut()
    {
        last.iter_mut().for_each(|dot| *dot = true);
    }
    // Scale by the character size multipliers.
    let (sw, sh) = (
        usize::from(run.width.max(1)),
        usize::from(run.height.max(1)),
    );
    cells
        .iter()
        .flat_map(|row| {
            let wide: Vec<bool> = row
                .iter()
                .flat_map(|&d| std::iter::repeat_n(d, sw))
                .collect();
            std::iter::repeat_n(wide, sh)
        })
        .collect()
}

/// The growing strip of paper.
struct Paper {
    dots: u32,
    rows: Vec<Vec<bool>>,
    y: u32,
}

impl Paper {
    fn new(dots: u32) -> Paper {
        Paper {
            dots,
            rows: Vec::new(),
            y: 0,
        }
    }

    fn start(&self, width: u32, align: Align) -> u32 {
        let free = self.dots.saturating_sub(width);
        match align {
            Align::Left => 0,
            Align::Center => free / 2,
            Align::Right => free,
        }
    }

    fn blit(&mut self, image: &[Vec<bool>], x: u32, y_offset: u32) {
        for (dy, row) in image.iter().enumerate() {
            let y = (self.y + y_offset) as usize + dy;
            while self.rows.len() <= y {
                self.rows.push(vec![false; self.dots as usize]);
            }
            for (dx, &dot) in row.iter().enumerate() {
                let px = x as usize + dx;
                if dot && px < self.dots as usize {
                    self.rows[y][px] = true;
                }
            }
        }
    }

    fn advance(&mut self, dots: u32) {
        self.y += dots;
    }

    fn finish(self) -> GrayImage {
        let height = self.y.max(self.rows.len() as u32) + 2 * MARGIN;
        let mut image = GrayImage::from_pixel(self.dots + 2 * MARGIN, height, Luma([255]));
        for (y, row) in self.rows.iter().enumerate() {
            for (x, &dot) in row.iter().enumerate() {
                if dot {
                    image.put_pixel(x as u32 + MARGIN, y as u32 + MARGIN, Luma([0]));
                }
            }
        }
        image
    }
}
