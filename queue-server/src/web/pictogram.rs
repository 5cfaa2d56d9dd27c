//! A service's pictogram on its agency's colour, inline in a page (no extra request); the
//! agency's letter where there is no pictogram.

use lotse_protocol::Building;
use maud::{Markup, PreEscaped, html};

/// The badge of a service; nothing for a service the building no longer has.
pub fn service_badge(building: &Building, service: &str) -> Markup {
    let Some(agency) = building.agency(building.agency_of(service)) else {
        return html! {};
    };
    // The colour and the SVG were checked when the building was loaded (`#RRGGBB`, an SVG
    // without scripts), so both may go into the page as they are.
    let style = format!("background:{}", agency.colour);
    html! {
        span.badge style=(style) aria-hidden="true" {
            @match building.service_pictogram(service) {
                Some(svg) => (PreEscaped(svg.trim())),
                None => (agency.prefix),
            }
        }
    }
}
