//! The status-page QR code as an image for the screen (the same code as on paper).

use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

/// Dots per QR module on screen.
const SCALE: u32 = 8;

pub fn qr_image(data: &str) -> Image {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
    else {
        return Image::default();
    };
    let modules = code.width() as u32;
    let quiet = 4;
    let size = (modules + 2 * quiet) * SCALE;
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(size, size);
    let colors = code.to_colors();
    let pixels = buffer.make_mut_slice();
    for y in 0..size {
        for x in 0..size {
            let (mx, my) = (
                (x / SCALE).checked_sub(quiet),
                (y / SCALE).checked_sub(quiet),
            );
            let dark = match (mx, my) {
                (Some(mx), Some(my)) if mx < modules && my < modules => {
                    colors[(my * modules + mx) as usize] == qrcode::Color::Dark
                }
                _ => false,
            };
            let value = if dark { 0 } else { 255 };
            pixels[(y * size + x) as usize] = Rgb8Pixel::new(value, value, value);
        }
    }
    Image::from_rgb8(buffer)
}
