//! A pictogram on its agency's colour, inline in a page (no extra request); the agency's
//! letter where there is no pictogram. Used by the status page and the browser display.
//!
//! The badge is one SVG whose colours are presentation attributes: the pages' Content Security
//! Policy (`style-src 'self'`) refuses inline `style` attributes, not SVG's `fill`.

use lotse_protocol::{Agency, Building};
use maud::{Markup, PreEscaped, html};

/// The badge of a service (its pictogram, else its agency's); nothing for a service the
/// building no longer has.
pub fn service_badge(building: &Building, service: &str) -> Markup {
    match building.agency(building.agency_of(service)) {
        Some(agency) => badge(agency, building.service_pictogram(service)),
        None => html! {},
    }
}

/// The badge of an agency.
pub fn agency_badge(building: &Building, agency: &Agency) -> Markup {
    badge(agency, building.agency_pictogram(&agency.id))
}

fn badge(agency: &Agency, pictogram: Option<&str>) -> Markup {
    // The colour and the SVG were checked when the building was loaded (`#RRGGBB`, an SVG
    // without scripts), so both may go into the page as they are.
    html! {
        svg.badge viewBox="0 0 24 24" aria-hidden="true" {
            circle cx="12" cy="12" r="12" fill=(agency.colour) {}
            @match pictogram {
                // The pictogram's own 24×24 box, shrunk into the circle; `currentColor` is white.
                Some(svg) => g transform="translate(5 5) scale(0.5833)" color="#fff" {
                    (PreEscaped(svg.trim()))
                },
                None => text x="12" y="16.5" text-anchor="middle" font-size="13" font-weight="800" fill="#fff" {
                    (agency.prefix)
                },
            }
        }
    }
}
