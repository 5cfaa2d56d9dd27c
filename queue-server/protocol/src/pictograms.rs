//! The built-in pictograms (`assets/pictograms/`, Tabler Icons, MIT; see `SOURCES.md` there)
//! and the names a building's agencies and services give them.

use crate::building::Building;
use crate::toml_location::FieldPath;

/// Defines the built-in set once: each name is the file `assets/pictograms/<name>.svg`.
macro_rules! built_in {
    ($($name:literal),* $(,)?) => {
        /// Every built-in pictogram: name and SVG text.
        pub const BUILT_IN: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../assets/pictograms/", $name, ".svg")))),*
        ];
    };
}

built_in!(
    "baby-carriage",
    "backpack",
    "briefcase",
    "cash",
    "certificate",
    "coins",
    "credit-card",
    "file-euro",
    "files",
    "flag",
    "friends",
    "heart-handshake",
    "home",
    "home-move",
    "home-search",
    "id",
    "id-badge-2",
    "key",
    "language",
    "license",
    "message-language",
    "messages",
    "school",
    "shield-heart",
    "stethoscope",
    "tool",
    "user-search",
    "user-shield",
);

/// The SVG text of a built-in pictogram.
pub fn built_in(name: &str) -> Option<&'static str> {
    BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, svg)| *svg)
}

/// Every pictogram name the building uses, with the field that names it.
pub fn named(building: &Building) -> Vec<(FieldPath, &str)> {
    let root = FieldPath::default();
    let agencies = building.agencies.iter().enumerate().filter_map(|(i, a)| {
        let name = a.icon.as_deref()?;
        Some((root.key("agencies").index(i).key("icon"), name))
    });
    let services = building.services.iter().enumerate().filter_map(|(i, s)| {
        let name = s.icon.as_deref()?;
        Some((root.key("services").index(i).key("icon"), name))
    });
    agencies.chain(services).collect()
}

/// Fills in the built-in pictograms the building names (demo data of the kiosk and board,
/// which read the TOML file without a server); names with none stay missing.
pub fn fill_built_in(building: &mut Building) {
    let found: Vec<(String, &str)> = named(building)
        .into_iter()
        .filter_map(|(_, name)| Some((name.to_owned(), built_in(name)?)))
        .collect();
    for (name, svg) in found {
        building.pictograms.insert(name, svg.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_is_an_svg() {
        for (name, svg) in BUILT_IN {
            assert!(svg.contains("<svg"), "{name}");
        }
    }
}
