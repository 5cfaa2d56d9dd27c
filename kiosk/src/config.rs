//! Kiosk configuration: a TOML file, overridable from the command line, with defaults that
//! fit the demo (local server, printer emulator on TCP 9100).

use std::collections::BTreeMap;
use std::path::Path;

use lotse_printer::PrinterProfile;
use lotse_printer::profiles::{Catalogue, ProfilePatch};
use lotse_printer::transport::{
    DeviceFileTransport, FlowControl, SerialSettings, SerialTransport, TcpTransport, Timeouts,
    Transport,
};
use lotse_protocol::toml_location::{FieldPath, line_of};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KioskConfig {
    pub server_url: String,
    /// A PEM file of the CA that signed the server's HTTPS certificate (the county's PKI);
    /// when set, only it is trusted.
    pub server_ca: Option<std::path::PathBuf>,
    /// The device token from `queue-server device add --kind kiosk`.
    pub device_token: String,
    pub printer: PrinterConfig,
    /// Printer model: a built-in profile (`kiosk print-test --list`) or one of
    /// `printer_profiles`.
    pub printer_profile: String,
    /// Overrides of built-in profiles (only the fields given) and new profiles, by name.
    pub printer_profiles: BTreeMap<String, ProfilePatch>,
    pub scanner: Option<ScannerConfig>,
    /// Languages offered, in order; empty = all languages of the building.
    pub languages: Vec<String>,
    pub idle_seconds: u32,
    pub done_seconds: u32,
    pub landscape: bool,
    /// Read every screen aloud from the start of each visit (the speaker control on the
    /// Welcome screen switches it for one visit either way).
    pub read_aloud: bool,
    /// The voices that read aloud: `[speech]` as on the display board (espeak-ng, a
    /// command, recorded clip packs; `volume`, `enabled`).
    pub speech: lotse_voices::SpeechConfig,
    /// The program that plays a WAV from standard input: the kiosk's speaker or its
    /// headphone jack (`aplay -q -D DEVICE -`).
    pub audio_player: Vec<String>,
}

impl Default for KioskConfig {
    fn default() -> Self {
        KioskConfig {
            server_url: "http://127.0.0.1:8080".into(),
            device_token: String::new(),
            server_ca: None,
            printer: PrinterConfig::Tcp {
                host: "127.0.0.1".into(),
                port: 9100,
            },
            printer_profile: "epson-80mm".into(),
            printer_profiles: BTreeMap::new(),
            scanner: None,
            languages: Vec::new(),
            idle_seconds: crate::flow::DEFAULT_IDLE_SECONDS,
            done_seconds: crate::flow::DEFAULT_DONE_SECONDS,
            landscape: false,
            read_aloud: false,
            speech: lotse_voices::SpeechConfig::default(),
            audio_player: vec!["aplay".into(), "-q".into(), "-".into()],
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "transport", rename_all = "snake_case", deny_unknown_fields)]
pub enum PrinterConfig {
    Serial {
        path: String,
        baud: u32,
        #[serde(default)]
        flow_control: FlowControl,
    },
    Tcp {
        host: String,
        #[serde(default = "port_9100")]
        port: u16,
    },
    /// A USB printer-class device (`/dev/usb/lp0`) or a file.
    Device {
        path: String,
    },
    None,
}

fn port_9100() -> u16 {
    9100
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScannerConfig {
    /// A serial barcode scanner; keyboard-wedge scanners need no configuration.
    pub path: String,
    #[serde(default = "baud_9600")]
    pub baud: u32,
}

fn baud_9600() -> u32 {
    9600
}

/// A kiosk config that cannot be used; `line` points into the file where known.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax, an unknown field or a wrong type (the message names the line).
    #[error("{file}: invalid kiosk config: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}{}: {field}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Invalid {
        file: String,
        field: String,
        line: Option<usize>,
        message: String,
    },
}

impl KioskConfig {
    pub fn load(path: &Path) -> Result<KioskConfig, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            file: file.clone(),
            source,
        })?;
        KioskConfig::parse(&file, &text)
    }

    /// Parses and checks a kiosk config; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<KioskConfig, ConfigError> {
        let config: KioskConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        config.resolve_profile(file, Some(text))?;
        Ok(config)
    }

    /// The printer profile: the built-in table with this config's overrides applied.
    pub fn profile(&self) -> Result<PrinterProfile, ConfigError> {
        self.resolve_profile("kiosk config", None)
    }

    /// The built-in profiles with this config's overrides and new profiles.
    pub fn profiles(&self) -> Result<Catalogue, ConfigError> {
        self.catalogue("kiosk config", None)
    }

    fn catalogue(&self, file: &str, text: Option<&str>) -> Result<Catalogue, ConfigError> {
        Catalogue::builtin()
            .with_patches(&self.printer_profiles)
            .map_err(|error| {
                let mut path = FieldPath::default()
                    .key("printer_profiles")
                    .key(&error.profile);
                if let Some(field) = &error.field {
                    path = path.key(field);
                }
                invalid(file, text, &path, error.message)
            })
    }

    fn resolve_profile(
        &self,
        file: &str,
        text: Option<&str>,
    ) -> Result<PrinterProfile, ConfigError> {
        let catalogue = self.catalogue(file, text)?;
        catalogue
            .get(&self.printer_profile)
            .cloned()
            .ok_or_else(|| {
                let known: Vec<&str> = catalogue.names().collect();
                invalid(
                    file,
                    text,
                    &FieldPath::default().key("printer_profile"),
                    format!(
                        "unknown printer profile \"{}\" (known: {})",
                        self.printer_profile,
                        known.join(", ")
                    ),
                )
            })
    }

    /// Opens the printer transport; `None` when no printer is configured.
    pub fn transport(&self) -> Result<Option<Box<dyn Transport>>, lotse_printer::PrinterError> {
        self.printer.open()
    }
}

impl PrinterConfig {
    /// A printer from the command line: `tcp:HOST[:PORT]`, `serial:PATH[@BAUD]`,
    /// `device:PATH` (USB `/dev/usb/lp0` or a file).
    pub fn parse_spec(spec: &str) -> Result<PrinterConfig, String> {
        let (kind, rest) = spec.split_once(':').ok_or_else(|| {
            format!("\"{spec}\": expected tcp:HOST[:PORT], serial:PATH[@BAUD] or device:PATH")
        })?;
        match kind {
            "tcp" => {
                let (host, port) = match rest.rsplit_once(':') {
                    Some((host, port)) => (
                        host,
                        port.parse()
                            .map_err(|_| format!("\"{port}\" is not a port"))?,
                    ),
                    None => (rest, port_9100()),
                };
                Ok(PrinterConfig::Tcp {
                    host: host.to_owned(),
                    port,
                })
            }
            "serial" => {
                let (path, baud) = match rest.split_once('@') {
                    Some((path, baud)) => (
                        path,
                        baud.parse()
                            .map_err(|_| format!("\"{baud}\" is not a baud rate"))?,
                    ),
                    None => (rest, baud_9600()),
                };
                Ok(PrinterConfig::Serial {
                    path: path.to_owned(),
                    baud,
                    flow_control: FlowControl::default(),
                })
            }
            "device" => Ok(PrinterConfig::Device {
                path: rest.to_owned(),
            }),
            other => Err(format!(
                "unknown printer kind \"{other}\" (tcp, serial, device)"
            )),
        }
    }

    /// Opens the transport; `None` for `transport = "none"`.
    pub fn open(&self) -> Result<Option<Box<dyn Transport>>, lotse_printer::PrinterError> {
        let timeouts = Timeouts::default();
        Ok(match self {
            PrinterConfig::Serial {
                path,
                baud,
                flow_control,
            } => {
                let settings = SerialSettings {
                    path: path.clone(),
                    baud: *baud,
                    flow_control: *flow_control,
                };
                Some(Box::new(SerialTransport::open(settings, timeouts)?))
            }
            PrinterConfig::Tcp { host, port } => {
                Some(Box::new(TcpTransport::new(host, *port, timeouts)))
            }
            PrinterConfig::Device { path } => Some(Box::new(DeviceFileTransport::new(path))),
            PrinterConfig::None => None,
        })
    }
}

fn invalid(file: &str, text: Option<&str>, path: &FieldPath, message: String) -> ConfigError {
    ConfigError::Invalid {
        file: file.to_owned(),
        field: path.to_string(),
        line: text.and_then(|text| line_of(text, path)),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> (String, Option<usize>, String) {
        match KioskConfig::parse("kiosk.toml", text) {
            Err(ConfigError::Invalid {
                field,
                line,
                message,
                ..
            }) => (field, line, message),
            other => panic!("expected an invalid config, got {other:?}"),
        }
    }

    #[test]
    fn the_server_ca_file_is_read_from_the_config() {
        let config = KioskConfig::parse(
            "kiosk.toml",
            "server_url = \"https://lotse.example.org\"\n\
             server_ca = \"/etc/lotse/county-ca.pem\"\n",
        )
        .expect("valid");
        assert_eq!(
            config.server_ca.as_deref(),
            Some(Path::new("/etc/lotse/county-ca.pem"))
        );
        assert_eq!(KioskConfig::default().server_ca, None);
    }

    #[test]
    fn printer_profiles_can_be_overridden_and_added() {
        let config = KioskConfig::parse(
            "kiosk.toml",
            "printer_profile = \"front-desk\"\n\
             [printer_profiles.front-desk]\n\
             based_on = \"rongta-rp326\"\n\
             raster_text = true\n",
        )
        .expect("valid");
        let profile = config.profile().expect("resolves");
        assert!(profile.raster_text);
        assert_eq!(profile.dots, 576);
    }

    #[test]
    fn a_print_test_confirms_code_pages_in_the_config() {
        use lotse_printer::profile::CodePage;
        let config = KioskConfig::parse(
            "kiosk.toml",
            "printer_profile = \"rongta-rp326\"\n\
             [printer_profiles.rongta-rp326]\n\
             confirmed = [\"wpc1252\", \"wpc1251\"]\n",
        )
        .expect("valid");
        let profile = config.profile().expect("resolves");
        assert_eq!(profile.code_page_for("Bürgeramt"), Some(CodePage::Wpc1252));
        assert_eq!(profile.code_page_for("Перед"), Some(CodePage::Wpc1251));
        assert_eq!(profile.code_page_for("Sıra"), None, "wpc1254 still assumed");
        let unconfirmed = KioskConfig::parse("kiosk.toml", "printer_profile = \"rongta-rp326\"\n")
            .expect("valid")
            .profile()
            .expect("resolves");
        assert_eq!(
            unconfirmed.code_page_for("Bürgeramt"),
            Some(CodePage::Pc437)
        );

        let (field, line, message) = error_of(
            "printer_profile = \"generic-58mm\"\n\
             [printer_profiles.generic-58mm]\n\
             confirmed = [\"wpc1251\"]\n",
        );
        assert_eq!(field, "printer_profiles.generic-58mm.confirmed");
        assert_eq!(line, Some(3));
        assert!(message.contains("no number"), "{message}");
    }

    #[test]
    fn profile_problems_name_their_line() {
        let (field, line, message) = error_of(
            "printer_profile = \"rongta-rp326\"\n\n\
             [printer_profiles.rongta-rp326]\n\
             cutter = true\n\
             code_pages = { wpc1252 = 16, wpc1254 = 16 }\n",
        );
        assert_eq!(field, "printer_profiles.rongta-rp326.code_pages");
        assert_eq!(line, Some(5));
        assert!(message.contains("ESC t 16"), "{message}");

        let (field, line, _) = error_of("languages = []\nprinter_profile = \"tm-t99\"\n");
        assert_eq!((field.as_str(), line), ("printer_profile", Some(2)));

        let (field, line, message) = error_of("[printer_profiles.mine]\npaper_mm = 80\n");
        assert_eq!((field.as_str(), line), ("printer_profiles.mine", Some(1)));
        assert!(message.contains("missing field"), "{message}");

        // Unknown code pages and fields are syntax errors, with the line from the parser.
        let unknown = KioskConfig::parse(
            "kiosk.toml",
            "[printer_profiles.x]\nbased_on = \"epson-80mm\"\ncode_pages = { cp437 = 0 }\n",
        );
        match unknown {
            Err(ConfigError::Syntax { message, .. }) => {
                assert!(message.contains("line 3"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}
