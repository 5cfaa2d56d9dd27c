//! Kiosk configuration: a TOML file, overridable from the command line, with defaults that
//! fit the demo (local server, printer emulator on TCP 9100).

use std::path::Path;

use anyhow::Context;
use lotse_printer::PrinterProfile;
use lotse_printer::transport::{
    DeviceFileTransport, FlowControl, SerialSettings, SerialTransport, TcpTransport, Timeouts,
    Transport,
};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KioskConfig {
    pub server_url: String,
    /// The device token from `queue-server device add --kind kiosk`.
    pub device_token: String,
    pub printer: PrinterConfig,
    /// Printer model: `epson-80mm` or `generic-58mm`.
    pub printer_profile: String,
    pub scanner: Option<ScannerConfig>,
    /// Languages offered, in order; empty = all languages of the building.
    pub languages: Vec<String>,
    pub idle_seconds: u32,
    pub done_seconds: u32,
    pub landscape: bool,
}

impl Default for KioskConfig {
    fn default() -> Self {
        KioskConfig {
            server_url: "http://127.0.0.1:8080".into(),
            device_token: String::new(),
            printer: PrinterConfig::Tcp {
                host: "127.0.0.1".into(),
                port: 9100,
            },
            printer_profile: "epson-80mm".into(),
            scanner: None,
            languages: Vec::new(),
            idle_seconds: crate::flow::DEFAULT_IDLE_SECONDS,
            done_seconds: crate::flow::DEFAULT_DONE_SECONDS,
            landscape: false,
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

impl KioskConfig {
    pub fn load(path: &Path) -> anyhow::Result<KioskConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{}: invalid kiosk config", path.display()))
    }

    pub fn profile(&self) -> anyhow::Result<PrinterProfile> {
        PrinterProfile::named(&self.printer_profile)
            .with_context(|| format!("unknown printer profile \"{}\"", self.printer_profile))
    }

    /// Opens the printer transport; `None` when no printer is configured.
    pub fn transport(&self) -> anyhow::Result<Option<Box<dyn Transport>>> {
        let timeouts = Timeouts::default();
        Ok(match &self.printer {
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
