//! Resolves the pictograms a building names: the file `pictograms/<name>.svg` in the building
//! config's folder replaces the built-in one of that name; a name with neither is a config
//! problem that names it.

use std::collections::BTreeMap;
use std::path::Path;

use lotse_protocol::Building;
use lotse_protocol::pictograms::{built_in, named};

use super::locate::FieldPath;

/// The largest pictogram accepted: each is sent in the building and inlined in status pages.
pub const MAX_PICTOGRAM_BYTES: usize = 16 * 1024;

/// The SVG text per name, or the problems found, each with the field that names the pictogram.
pub fn resolve(
    building: &Building,
    folder: Option<&Path>,
) -> Result<BTreeMap<String, String>, Vec<(FieldPath, String)>> {
    let mut found = BTreeMap::new();
    let mut problems = Vec::new();
    if !building.pictograms.is_empty() {
        problems.push((
            FieldPath::default().key("pictograms"),
            "is filled in from the files; name a pictogram with `icon` instead".to_owned(),
        ));
    }
    for (path, name) in named(building) {
        if found.contains_key(name) {
            continue;
        }
        match svg_named(name, folder) {
            Ok(svg) => {
                found.insert(name.to_owned(), svg);
            }
            Err(message) => problems.push((path, message)),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

fn svg_named(name: &str, folder: Option<&Path>) -> Result<String, String> {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !plain {
        return Err(format!(
            "pictogram \"{name}\" must be lowercase letters, digits and '-' (a file name without .svg)"
        ));
    }
    let file = folder.map(|f| f.join("pictograms").join(format!("{name}.svg")));
    match file {
        Some(file) if file.exists() => read_svg(&file),
        _ => built_in(name)
            .map(str::to_owned)
            .ok_or_else(|| match folder {
                Some(folder) => format!(
                    "no pictogram \"{name}\": neither {} nor a built-in one",
                    folder
                        .join("pictograms")
                        .join(format!("{name}.svg"))
                        .display()
                ),
                None => format!("no built-in pictogram \"{name}\""),
            }),
    }
}

fn read_svg(file: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| format!("cannot read {}: {error}", file.display()))?;
    if !text.contains("<svg") {
        return Err(format!("{} is not an SVG image", file.display()));
    }
    if scripted(&text) {
        return Err(format!(
            "{} contains a script or event handler (it is shown inside visitors' pages)",
            file.display()
        ));
    }
    if text.len() > MAX_PICTOGRAM_BYTES {
        return Err(format!(
            "{} has {} bytes; at most {MAX_PICTOGRAM_BYTES} (it is sent to every status page)",
            file.display(),
            text.len()
        ));
    }
    Ok(text)
}

/// Whether an SVG could run code in a page: a script, embedded HTML, a `javascript:` link or an
/// `on…=` event attribute.
fn scripted(svg: &str) -> bool {
    let lower = svg.to_ascii_lowercase();
    if ["<script", "<foreignobject", "javascript:"]
        .iter()
        .any(|bad| lower.contains(bad))
    {
        return true;
    }
    let bytes = lower.as_bytes();
    lower.match_indices("on").any(|(at, _)| {
        let after_space = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let name_end = bytes[at + 2..]
            .iter()
            .position(|b| !b.is_ascii_lowercase())
            .map_or(bytes.len(), |n| at + 2 + n);
        let rest = lower[name_end..].trim_start();
        after_space && name_end > at + 2 && rest.starts_with('=')
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Config, ConfigError, EMBEDDED_BUILDING};

    fn building_in(folder: &std::path::Path, text: &str) -> std::path::PathBuf {
        let file = folder.join("building.toml");
        std::fs::write(&file, text).unwrap();
        file
    }

    #[test]
    fn every_agency_and_service_of_the_sample_building_has_a_pictogram() {
        let building = Config::embedded().unwrap().building;
        for agency in &building.agencies {
            let svg = building.agency_pictogram(&agency.id);
            assert!(svg.is_some_and(|s| s.contains("<svg")), "{}", agency.id);
        }
        for service in &building.services {
            assert!(service.icon.is_some(), "{} names its own", service.id);
            assert!(building.service_pictogram(&service.id).is_some());
        }
    }

    #[test]
    fn a_missing_pictogram_is_refused_with_its_name_and_line() {
        let folder = tempfile::tempdir().unwrap();
        let text = EMBEDDED_BUILDING.replacen("icon = \"coins\"", "icon = \"our-coins\"", 1);
        let error = Config::load(&building_in(folder.path(), &text)).unwrap_err();
        let ConfigError::Invalid { problems, .. } = error else {
            panic!("expected validation problems, got {error}");
        };
        let problem = problems
            .iter()
            .find(|p| p.message.contains("\"our-coins\""))
            .expect("the missing pictogram is named");
        assert_eq!(problem.field, "agencies[1].icon");
        assert!(problem.message.contains("pictograms/our-coins.svg"));
        let line = problem.line.unwrap();
        assert!(text.lines().nth(line - 1).unwrap().contains("our-coins"));
    }

    #[test]
    fn a_file_in_the_config_folder_replaces_the_built_in_one() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::create_dir(folder.path().join("pictograms")).unwrap();
        let ours = "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>";
        std::fs::write(folder.path().join("pictograms/coins.svg"), ours).unwrap();
        let config = Config::load(&building_in(folder.path(), EMBEDDED_BUILDING)).unwrap();
        let building = &config.building;
        assert_eq!(building.agency_pictogram("asylum-benefits"), Some(ours));
        assert_ne!(building.agency_pictogram("jobcenter"), Some(ours));
    }

    #[test]
    fn a_file_that_is_no_svg_or_a_path_as_name_is_refused() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::create_dir(folder.path().join("pictograms")).unwrap();
        std::fs::write(folder.path().join("pictograms/coins.svg"), "GIF89a").unwrap();
        let traversal = EMBEDDED_BUILDING.replacen("icon = \"home\"", "icon = \"../x\"", 1);
        let error = Config::load(&building_in(folder.path(), &traversal)).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("coins.svg is not an SVG image"), "{text}");
        assert!(text.contains("\"../x\" must be lowercase"), "{text}");
    }

    #[test]
    fn an_svg_that_could_run_code_is_refused() {
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=\"alert(1)\"></svg>",
            "<svg><a href=\"javascript:x\"/></svg>",
        ] {
            assert!(super::scripted(bad), "{bad}");
        }
        for (name, svg) in lotse_protocol::pictograms::BUILT_IN {
            assert!(!super::scripted(svg), "{name}");
        }
    }

    #[test]
    fn pictograms_are_not_written_in_the_file() {
        let text = format!("{EMBEDDED_BUILDING}\n[pictograms]\ncoins = \"<svg/>\"\n");
        let error = Config::parse("b.toml", &text).unwrap_err();
        assert!(error.to_string().contains("pictograms:"), "{error}");
    }
}
