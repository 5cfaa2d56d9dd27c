//! `kiosk print-test`: prints the test print of a printer profile (or writes its bytes to a
//! file), so that an installer sees at once whether umlauts, Cyrillic and Turkish come out
//! right on this printer, and says which code pages are confirmed or assumed and how to
//! confirm one. See README, "Setting up a printer".

use std::path::PathBuf;

use anyhow::Context;
use lotse_printer::PrinterProfile;
use lotse_printer::raster::TextRenderer;
use lotse_printer::test_print::{code_page_report, encode_test_print, how_to_confirm};
use lotse_printer::transport;
use lotse_protocol::languages;

use crate::config::{KioskConfig, PrinterConfig};

/// What to print and where.
#[derive(Debug, Clone, Default)]
pub struct PrintTest {
    /// A profile name; the config's `printer_profile` when none.
    pub profile: Option<String>,
    /// A language code or `all`.
    pub language: Option<String>,
    /// Write the bytes to this file instead of printing.
    pub out: Option<PathBuf>,
    /// `tcp:HOST[:PORT]`, `serial:PATH[@BAUD]`, `device:PATH`; the config's printer when none.
    pub printer: Option<String>,
}

/// Runs the test print; returns what to tell the installer.
pub fn run(config: &KioskConfig, test: &PrintTest) -> anyhow::Result<String> {
    let catalogue = config.profiles()?;
    let name = test.profile.as_deref().unwrap_or(&config.printer_profile);
    let profile = catalogue.get(name).with_context(|| {
        let known: Vec<&str> = catalogue.names().collect();
        format!(
            "unknown printer profile \"{name}\" (known: {})",
            known.join(", ")
        )
    })?;
    let languages: Vec<&str> = match test.language.as_deref() {
        None | Some("all") => languages::codes().collect(),
        Some(language) => match languages::language(language) {
            Some(known) => vec![known.code],
            None => anyhow::bail!(
                "unknown language \"{language}\" (one of {} or all)",
                languages::codes().collect::<Vec<_>>().join(", ")
            ),
        },
    };
    let bytes = encode_test_print(profile, &languages, &mut TextRenderer::new())?;
    if let Some(path) = &test.out {
        std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(with_code_pages(
            format!(
                "{} bytes of the test print for {} written to {}",
                bytes.len(),
                profile.name,
                path.display()
            ),
            profile,
        ));
    }
    let printer = match &test.printer {
        Some(spec) => PrinterConfig::parse_spec(spec).map_err(anyhow::Error::msg)?,
        None => config.printer.clone(),
    };
    let mut transport = printer
        .open()?
        .context("no printer configured: give --printer or --out")?;
    let description = transport.describe();
    if profile.realtime_status {
        transport::print_job(transport.as_mut(), &bytes)
    } else {
        transport.write_all(&bytes)
    }
    .with_context(|| format!("printing on {description}"))?;
    Ok(with_code_pages(
        format!(
            "test print for {} sent to {description} ({} bytes)",
            profile.name,
            bytes.len()
        ),
        profile,
    ))
}

/// `message`, then the profile's code pages, confirmed or assumed, and how to confirm one.
fn with_code_pages(message: String, profile: &PrinterProfile) -> String {
    let mut lines = vec![message, format!("code pages of {}:", profile.name)];
    lines.extend(
        code_page_report(profile)
            .iter()
            .map(|line| format!("  {line}")),
    );
    lines.extend(how_to_confirm(profile));
    lines.join("\n")
}

/// One line per profile: name, model, and whether its values are assumptions (code pages
/// not confirmed, or other values the source marks as assumed).
pub fn list(config: &KioskConfig) -> anyhow::Result<String> {
    let catalogue = config.profiles()?;
    Ok(catalogue
        .profiles()
        .map(|p| {
            let assumed_pages: Vec<&str> = p
                .tables()
                .filter(|(_, _, confirmed)| !confirmed)
                .map(|(page, _, _)| page.key())
                .collect();
            let assumed = if !assumed_pages.is_empty() {
                format!(
                    " (assumed code pages: {}; check with print-test)",
                    assumed_pages.join(", ")
                )
            } else if p.source.contains("ASSUM") {
                " (some values assumed: check with print-test)".to_owned()
            } else {
                String::new()
            };
            format!("{:<18} {}{assumed}", p.name, p.model)
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_test_print_of_a_profile_to_a_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("test.bin");
        let config = KioskConfig::default();
        let message = run(
            &config,
            &PrintTest {
                profile: Some("rongta-rp326".into()),
                language: Some("uk".into()),
                out: Some(out.clone()),
                printer: None,
            },
        )
        .expect("runs");
        assert!(message.contains("rongta-rp326"), "{message}");
        // Confirmed and assumed pages, and how to confirm one.
        assert!(
            message.contains("pc437   = ESC t 0   confirmed (every ESC/POS printer)"),
            "{message}"
        );
        assert!(
            message.contains("wpc1252 = ESC t 16  ASSUMED: not used on tickets until confirmed"),
            "{message}"
        );
        assert!(
            message.contains("[printer_profiles.rongta-rp326]"),
            "{message}"
        );
        assert!(message.contains("confirmed = [\"wpc1252\""), "{message}");
        let bytes = std::fs::read(&out).expect("written");
        // Rongta's WPC1251 is ESC t 6, not Epson's 46.
        assert!(bytes.windows(3).any(|w| w == [0x1B, b't', 6]));
        assert!(!bytes.windows(3).any(|w| w == [0x1B, b't', 46]));
        let refused = run(
            &config,
            &PrintTest {
                language: Some("xx".into()),
                out: Some(out),
                ..PrintTest::default()
            },
        );
        assert!(refused.is_err());
        let listed = list(&config).expect("lists");
        assert!(listed.contains("xprinter-xp80"), "{listed}");
        assert!(
            listed.contains("Rongta RP326 (assumed code pages: wpc1252, wpc1251, wpc1254, pc866;"),
            "{listed}"
        );
    }

    #[test]
    fn printer_specs_parse() {
        assert!(matches!(
            PrinterConfig::parse_spec("tcp:printer-3"),
            Ok(PrinterConfig::Tcp { port: 9100, .. })
        ));
        assert!(matches!(
            PrinterConfig::parse_spec("serial:/dev/ttyUSB0@38400"),
            Ok(PrinterConfig::Serial { baud: 38400, .. })
        ));
        assert!(PrinterConfig::parse_spec("lpt1").is_err());
    }
}
