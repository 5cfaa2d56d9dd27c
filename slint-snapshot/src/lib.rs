//! Renders Slint windows to PNG files without a display: a platform whose only window is a
//! software-rendered [`MinimalSoftwareWindow`]. The kiosk and the display board use it for
//! their `--screenshot` modes.

use std::path::Path;
use std::rc::Rc;

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{PhysicalSize, Rgb8Pixel};

struct SnapshotPlatform {
    window: Rc<MinimalSoftwareWindow>,
}

impl Platform for SnapshotPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }
}

/// The headless window of this thread.
pub struct Snapshotter {
    window: Rc<MinimalSoftwareWindow>,
    size: PhysicalSize,
}

impl Snapshotter {
    /// Makes every Slint window of this process render into memory. Call it before the first
    /// component is created; then `set_size` and `show()` the component.
    pub fn install(width: u32, height: u32) -> anyhow::Result<Snapshotter> {
        let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        slint::platform::set_platform(Box::new(SnapshotPlatform {
            window: window.clone(),
        }))
        .map_err(|e| anyhow::anyhow!("cannot set the Slint platform: {e:?}"))?;
        Ok(Snapshotter {
            window,
            size: PhysicalSize::new(width, height),
        })
    }

    /// Sizes the window; call after the component exists.
    pub fn set_size(&mut self, width: u32, height: u32) {
        self.size = PhysicalSize::new(width, height);
        self.window.set_size(self.size);
    }

    /// Runs due timers and animations, renders the window and saves it; `scale` below 1
    /// shrinks the image (for documentation).
    pub fn save_png(&self, path: &Path, scale: f32) -> anyhow::Result<()> {
        let (width, height) = (self.size.width, self.size.height);
        slint::platform::update_timers_and_animations();
        self.window.request_redraw();
        let mut buffer = vec![Rgb8Pixel::default(); (width * height) as usize];
        self.window.draw_if_needed(|renderer| {
            renderer.render(&mut buffer, width as usize);
        });
        let bytes: Vec<u8> = buffer.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
        let mut image = image::RgbImage::from_raw(width, height, bytes)
            .ok_or_else(|| anyhow::anyhow!("the frame buffer has the wrong size"))?;
        if scale < 1.0 {
            let scaled = (
                (width as f32 * scale) as u32,
                (height as f32 * scale) as u32,
            );
            image = image::imageops::resize(
                &image,
                scaled.0,
                scaled.1,
                image::imageops::FilterType::Triangle,
            );
        }
        image.save(path)?;
        Ok(())
    }
}
