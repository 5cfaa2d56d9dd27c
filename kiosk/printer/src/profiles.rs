//! The catalogue of printer profiles: the built-in models (embedded `profiles.toml`) and the
//! overrides and new profiles of a kiosk's config, resolved and checked. A problem names the
//! profile and the field so that the config loader can point at the line.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::profile::{CodePage, PC437_TABLE, PrinterProfile};

const BUILTIN: &str = include_str!("profiles.toml");

/// One profile as written: every field optional. Over a built-in of the same name it changes
/// only what it sets; `based_on` starts from another profile; otherwise every field is needed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    pub based_on: Option<String>,
    pub model: Option<String>,
    pub source: Option<String>,
    pub paper_mm: Option<u32>,
    pub dots: Option<u32>,
    pub columns: Option<u32>,
    /// Replaces the whole table (not merged), so that a wrong number can be removed.
    pub code_pages: Option<BTreeMap<CodePage, u8>>,
    /// The pages whose numbers a manual or a print-test confirms; replaces the whole list.
    /// When not given, the base's confirmations stay for the pages whose number is unchanged:
    /// a confirmation is of a number, not of a page.
    pub confirmed: Option<BTreeSet<CodePage>>,
    pub native_qr: Option<bool>,
    pub cutter: Option<bool>,
    pub realtime_status: Option<bool>,
    pub raster_text: Option<bool>,
}

/// A profile that cannot be used, with the field it is about (`None`: the profile's table).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("printer profile \"{profile}\"{}: {message}", field.as_ref().map(|f| format!(", {f}")).unwrap_or_default())]
pub struct ProfileError {
    pub profile: String,
    pub field: Option<String>,
    pub message: String,
}

impl ProfileError {
    fn new(profile: &str, field: Option<&str>, message: impl Into<String>) -> ProfileError {
        ProfileError {
            profile: profile.to_owned(),
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// Resolved profiles by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalogue {
    profiles: BTreeMap<String, PrinterProfile>,
}

impl Catalogue {
    /// The built-in models. The embedded table is checked by a test; should it ever fail to
    /// load, the catalogue is empty and every lookup gets the rastering fallback.
    pub fn builtin() -> &'static Catalogue {
        static BUILTIN_CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        BUILTIN_CATALOGUE.get_or_init(|| match Catalogue::parse_builtin() {
            Ok(catalogue) => catalogue,
            Err(error) => {
                tracing::error!(%error, "the built-in printer profiles do not load");
                Catalogue::default()
            }
        })
    }

    /// Parses and resolves the embedded table (a test runs this directly).
    pub fn parse_builtin() -> Result<Catalogue, BuiltinError> {
        let patches: BTreeMap<String, ProfilePatch> =
            toml::from_str(BUILTIN).map_err(|e| BuiltinError::Toml(e.to_string()))?;
        Catalogue::default()
            .with_patches(&patches)
            .map_err(BuiltinError::Profile)
    }

    pub fn get(&self, name: &str) -> Option<&PrinterProfile> {
        self.profiles.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    pub fn profiles(&self) -> impl Iterator<Item = &PrinterProfile> {
        self.profiles.values()
    }

    /// This catalogue with `patches` applied: a patch of an existing name overrides fields of
    /// it, a new name defines a profile (from `based_on` or from all fields). Patches may
    /// build on each other in any order.
    pub fn with_patches(
        &self,
        patches: &BTreeMap<String, ProfilePatch>,
    ) -> Result<Catalogue, ProfileError> {
        let mut resolved = self.clone();
        let mut pending: Vec<(&String, &ProfilePatch)> = patches.iter().collect();
        while !pending.is_empty() {
            let before = pending.len();
            let mut waiting = Vec::new();
            for (name, patch) in pending {
                let base = match &patch.based_on {
                    Some(base) if base == name => {
                        return Err(ProfileError::new(
                            name,
                            Some("based_on"),
                            "a profile cannot be based on itself",
                        ));
                    }
                    Some(base) => match resolved.profiles.get(base) {
                        Some(profile) => Some(profile.clone()),
                        None if patches.contains_key(base) => {
                            waiting.push((name, patch));
                            continue;
                        }
                        None => {
                            return Err(ProfileError::new(
                                name,
                                Some("based_on"),
                                format!(
                                    "unknown profile \"{base}\" (known: {})",
                                    resolved.names().collect::<Vec<_>>().join(", ")
                                ),
                            ));
                        }
                    },
                    None => resolved.profiles.get(name.as_str()).cloned(),
                };
                let profile = apply(name, base, patch)?;
                check(&profile)?;
                resolved.profiles.insert(name.clone(), profile);
            }
            if waiting.len() == before {
                let names: Vec<&str> = waiting.iter().map(|(n, _)| n.as_str()).collect();
                let first = names.first().copied().unwrap_or_default();
                return Err(ProfileError::new(
                    first,
                    Some("based_on"),
                    format!(
                        "profiles based on each other in a circle: {}",
                        names.join(", ")
                    ),
                ));
            }
            pending = waiting;
        }
        Ok(resolved)
    }
}

/// The embedded table failed to load (a bug caught by the tests).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuiltinError {
    #[error("profiles.toml: {0}")]
    Toml(String),
    #[error("profiles.toml: {0}")]
    Profile(ProfileError),
}

/// A built-in profile by name, or a profile that rasters everything when it is missing.
pub(crate) fn builtin(name: &str) -> PrinterProfile {
    Catalogue::builtin()
        .get(name)
        .cloned()
        .unwrap_or_else(|| raster_fallback(name))
}

/// Prints on any ESC/POS printer: all text and the QR code as raster, no status, no cut.
fn raster_fallback(name: &str) -> PrinterProfile {
    PrinterProfile {
        name: name.to_owned(),
        model: "unknown".into(),
        source: "fallback: the built-in profiles did not load".into(),
        paper_mm: 80,
        dots: 576,
        columns: 48,
        code_pages: BTreeMap::new(),
        confirmed: BTreeSet::new(),
        native_qr: false,
        cutter: false,
        realtime_status: false,
        raster_text: true,
    }
}

fn apply(
    name: &str,
    base: Option<PrinterProfile>,
    patch: &ProfilePatch,
) -> Result<PrinterProfile, ProfileError> {
    let missing = |field: &str| {
        ProfileError::new(
            name,
            None,
            format!("missing field `{field}`: a new profile needs every field, or based_on"),
        )
    };
    let pick = |value: Option<u32>, from: Option<u32>, field: &str| {
        value.or(from).ok_or_else(|| missing(field))
    };
    let flag = |value: Option<bool>, from: Option<bool>, field: &str| {
        value.or(from).ok_or_else(|| missing(field))
    };
    let b = base.as_ref();
    let mut profile = PrinterProfile {
        name: name.to_owned(),
        model: patch
            .model
            .clone()
            .or_else(|| b.map(|b| b.model.clone()))
            .unwrap_or_else(|| name.to_owned()),
        source: patch
            .source
            .clone()
            .or_else(|| b.map(|b| b.source.clone()))
            .unwrap_or_else(|| "kiosk config".to_owned()),
        paper_mm: pick(patch.paper_mm, b.map(|b| b.paper_mm), "paper_mm")?,
        dots: pick(patch.dots, b.map(|b| b.dots), "dots")?,
        columns: pick(patch.columns, b.map(|b| b.columns), "columns")?,
        code_pages: patch
            .code_pages
            .clone()
            .or_else(|| b.map(|b| b.code_pages.clone()))
            .ok_or_else(|| missing("code_pages"))?,
        confirmed: BTreeSet::new(),
        native_qr: flag(patch.native_qr, b.map(|b| b.native_qr), "native_qr")?,
        cutter: flag(patch.cutter, b.map(|b| b.cutter), "cutter")?,
        realtime_status: flag(
            patch.realtime_status,
            b.map(|b| b.realtime_status),
            "realtime_status",
        )?,
        raster_text: flag(patch.raster_text, b.map(|b| b.raster_text), "raster_text")?,
    };
    profile.confirmed = confirmations(patch, b, &profile.code_pages);
    Ok(profile)
}

/// The patch's confirmed pages; without them, the base's confirmations of the numbers the
/// patch left unchanged (a confirmation is of a number: a new number is assumed again).
fn confirmations(
    patch: &ProfilePatch,
    base: Option<&PrinterProfile>,
    code_pages: &BTreeMap<CodePage, u8>,
) -> BTreeSet<CodePage> {
    match (&patch.confirmed, base) {
        (Some(confirmed), _) => confirmed.clone(),
        (None, Some(base)) => base
            .confirmed
            .iter()
            .copied()
            .filter(|page| base.code_pages.get(page) == code_pages.get(page))
            .collect(),
        (None, None) => BTreeSet::new(),
    }
}

/// Rules a profile must satisfy: values that contradict each other are refused.
fn check(p: &PrinterProfile) -> Result<(), ProfileError> {
    let fail = |field: &str, message: String| Err(ProfileError::new(&p.name, Some(field), message));
    if !(40..=112).contains(&p.paper_mm) {
        return fail(
            "paper_mm",
            format!("{} mm is not a receipt paper width (40-112)", p.paper_mm),
        );
    }
    // 203 dpi is 8 dots per mm, the densest receipt printers have.
    if p.dots == 0 || !p.dots.is_multiple_of(8) || p.dots > p.paper_mm * 8 {
        return fail(
            "dots",
            format!(
                "{} dots do not fit {} mm paper (a multiple of 8, at most {})",
                p.dots,
                p.paper_mm,
                p.paper_mm * 8
            ),
        );
    }
    // Font A is 12 dots wide.
    if p.columns == 0 || p.columns * 12 > p.dots {
        return fail(
            "columns",
            format!(
                "{} columns of 12 dots do not fit {} dots",
                p.columns, p.dots
            ),
        );
    }
    let mut seen: BTreeMap<u8, CodePage> = BTreeMap::new();
    for (page, number) in &p.code_pages {
        if *page == CodePage::Pc437 {
            return fail(
                "code_pages",
                format!("pc437 is ESC t {PC437_TABLE} on every ESC/POS printer: leave it out"),
            );
        }
        if *number == PC437_TABLE {
            return fail(
                "code_pages",
                format!(
                    "ESC t {PC437_TABLE} is PC437 on every ESC/POS printer, not {}",
                    page.key()
                ),
            );
        }
        if let Some(other) = seen.insert(*number, *page) {
            return fail(
                "code_pages",
                format!(
                    "ESC t {number} cannot select both {} and {}",
                    other.key(),
                    page.key()
                ),
            );
        }
    }
    if let Some(page) = p
        .confirmed
        .iter()
        .find(|page| **page != CodePage::Pc437 && !p.code_pages.contains_key(page))
    {
        return fail(
            "confirmed",
            format!(
                "{} is confirmed but has no number in code_pages",
                page.key()
            ),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patches(text: &str) -> BTreeMap<String, ProfilePatch> {
        toml::from_str(text).expect("valid TOML")
    }

    #[test]
    fn every_builtin_profile_loads_and_cites_a_source() {
        let catalogue = Catalogue::parse_builtin().expect("profiles.toml loads");
        let names: Vec<&str> = catalogue.names().collect();
        for expected in [
            "epson-tm-t20iii",
            "epson-tm-t88vi",
            "epson-tm-m30",
            "star-escpos",
            "bixolon-srp-350",
            "citizen-ct-s310",
            "xprinter-xp80",
            "rongta-rp326",
            "generic-58mm",
            "epson-80mm",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        for profile in catalogue.profiles() {
            assert!(
                profile.source.len() > 20,
                "{} cites no source",
                profile.name
            );
        }
        // Confirmed numbers name their evidence; the transcriptions without a manual do not
        // count as confirmation (issue 21, finding 13).
        for profile in catalogue.profiles() {
            if !profile.confirmed.is_empty() {
                assert!(
                    profile.source.contains("CONFIRMED"),
                    "{} confirms pages without saying by what",
                    profile.name
                );
            }
        }
        for name in [
            "rongta-rp326",
            "xprinter-xp80",
            "generic-58mm",
            "epson-tm-t88vi",
        ] {
            let profile = catalogue.get(name).expect("built in");
            assert!(
                profile.confirmed.is_empty(),
                "{name}: nothing was confirmed"
            );
        }
        let epson = catalogue.get("epson-tm-t20iii").expect("epson");
        assert!(epson.is_confirmed(CodePage::Wpc1252));
        let t88 = catalogue.get("epson-tm-t88vi").expect("t88");
        assert_eq!((t88.dots, t88.columns), (512, 42));
        assert_eq!(t88.table_number(CodePage::Wpc1251), Some(46), "inherited");
    }

    #[test]
    fn overrides_change_only_what_they_say_and_new_profiles_need_everything() {
        let builtin = Catalogue::parse_builtin().expect("loads");
        let catalogue = builtin
            .with_patches(&patches(
                "[rongta-rp326]\ncode_pages = { wpc1252 = 16 }\n\
                 [my-printer]\nbased_on = \"xprinter-xp80\"\nraster_text = true\n",
            ))
            .expect("valid overrides");
        let rongta = catalogue.get("rongta-rp326").expect("rongta");
        assert_eq!(rongta.code_pages, BTreeMap::from([(CodePage::Wpc1252, 16)]));
        assert!(rongta.native_qr, "untouched fields stay");
        let mine = catalogue.get("my-printer").expect("new");
        assert!(mine.raster_text && mine.dots == 576);

        let incomplete = builtin
            .with_patches(&patches("[new]\npaper_mm = 80\n"))
            .expect_err("missing fields");
        assert_eq!(incomplete.profile, "new");
        assert!(incomplete.message.contains("dots"), "{incomplete}");
    }

    #[test]
    fn a_print_test_confirms_a_page_and_a_changed_number_is_assumed_again() {
        let builtin = Catalogue::parse_builtin().expect("loads");
        let rongta = builtin.get("rongta-rp326").expect("rongta");
        assert!(
            rongta.confirmed.is_empty(),
            "a transcription without a manual"
        );
        let catalogue = builtin
            .with_patches(&patches(
                "[rongta-rp326]\nconfirmed = [\"wpc1252\", \"wpc1251\"]\n\
                 [epson-tm-t20iii]\ncode_pages = { wpc1252 = 16, wpc1251 = 17, pc866 = 18 }\n",
            ))
            .expect("valid overrides");
        let rongta = catalogue.get("rongta-rp326").expect("rongta");
        assert_eq!(
            rongta.confirmed,
            BTreeSet::from([CodePage::Wpc1252, CodePage::Wpc1251])
        );
        assert_eq!(rongta.code_page_for("Größe"), Some(CodePage::Wpc1252));
        assert_eq!(rongta.code_page_for("Перед"), Some(CodePage::Wpc1251));
        assert_eq!(rongta.code_page_for("Sıra"), None, "wpc1254 still assumed");
        // Epson's confirmations stay for the unchanged 16 and go for the new numbers.
        let epson = catalogue.get("epson-tm-t20iii").expect("epson");
        assert!(epson.is_confirmed(CodePage::Wpc1252));
        assert!(!epson.is_confirmed(CodePage::Wpc1251));
        assert!(!epson.is_confirmed(CodePage::Pc866));
    }

    #[test]
    fn contradictory_values_are_refused_with_their_field() {
        let builtin = Catalogue::parse_builtin().expect("loads");
        let check = |text: &str, field: &str| {
            let error = builtin.with_patches(&patches(text)).expect_err("refused");
            assert_eq!(error.field.as_deref(), Some(field), "{error}");
        };
        check(
            "[rongta-rp326]\ncode_pages = { wpc1252 = 16, wpc1251 = 16 }\n",
            "code_pages",
        );
        check("[generic-58mm]\ndots = 576\n", "dots");
        check(
            "[generic-58mm]\ncode_pages = { wpc1252 = 0 }\n",
            "code_pages",
        );
        check("[generic-58mm]\ncode_pages = { pc437 = 0 }\n", "code_pages");
        check("[generic-58mm]\nconfirmed = [\"wpc1251\"]\n", "confirmed");
        check("[generic-58mm]\ncolumns = 48\n", "columns");
        check("[generic-58mm]\npaper_mm = 500\n", "paper_mm");
        check("[x]\nbased_on = \"nope\"\n", "based_on");
        check("[x]\nbased_on = \"y\"\n[y]\nbased_on = \"x\"\n", "based_on");
        let unknown_page: Result<BTreeMap<String, ProfilePatch>, _> =
            toml::from_str("[x]\ncode_pages = { wpc9999 = 3 }\n");
        assert!(unknown_page.is_err());
    }
}
