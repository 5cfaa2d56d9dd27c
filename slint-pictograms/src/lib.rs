//! The building's pictograms (SVG text from `GET /config`) as Slint images, each made once.

use std::cell::RefCell;
use std::collections::HashMap;

/// Images by SVG text, so a changed building shows its new pictograms and an unchanged one
/// costs nothing per frame.
#[derive(Default)]
pub struct PictogramImages {
    made: RefCell<HashMap<String, Option<slint::Image>>>,
}

impl PictogramImages {
    /// The image of an SVG pictogram; none when there is none or it cannot be drawn (the
    /// screen then shows the agency's letter).
    pub fn image(&self, svg: Option<&str>) -> Option<slint::Image> {
        let svg = svg?;
        self.made
            .borrow_mut()
            .entry(svg.to_owned())
            .or_insert_with(|| match slint::Image::load_from_svg_data(svg.as_bytes()) {
                Ok(image) => Some(image),
                Err(error) => {
                    tracing::warn!(%error, "a pictogram cannot be drawn");
                    None
                }
            })
            .clone()
    }
}
