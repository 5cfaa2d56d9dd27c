//! How bytes reach a printer: serial port, TCP port 9100, a USB printer device file, a plain
//! file, or a recording fake. Blocking I/O; the kiosk uses them through [`crate::service`].

mod device_file;
mod recording;
mod serial;
mod tcp;

use std::time::Duration;

pub use device_file::DeviceFileTransport;
pub use recording::RecordingTransport;
pub use serial::{FlowControl, SerialSettings, SerialTransport};
pub use tcp::TcpTransport;

use crate::error::PrinterError;
use crate::status::{PrinterStatus, status_request};

/// A connection to a printer.
pub trait Transport: Send {
    /// For logs: `serial /dev/ttyUSB0 @ 38400`, `tcp printer-3:9100`, ...
    fn describe(&self) -> String;

    /// Sends all of `bytes` or reports how it failed.
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), PrinterError>;

    /// Sends a real-time request and reads the one-byte answer; `Ok(None)` when this
    /// transport cannot read from the printer.
    fn query(&mut self, request: &[u8]) -> Result<Option<u8>, PrinterError>;
}

/// Timeouts shared by the transports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeouts {
    pub connect: Duration,
    pub write: Duration,
    pub read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(3),
            write: Duration::from_secs(10),
            read: Duration::from_millis(700),
        }
    }
}

/// Asks the printer for its real-time status; `Ok(None)` if the transport cannot read.
pub fn read_status(transport: &mut dyn Transport) -> Result<Option<PrinterStatus>, PrinterError> {
    let mut bytes = [0u8; 4];
    for (n, byte) in bytes.iter_mut().enumerate() {
        match transport.query(&status_request(n as u8 + 1))? {
            Some(answer) => *byte = answer,
            None => return Ok(None),
        }
    }
    PrinterStatus::from_bytes(bytes).map(Some)
}

/// Prints one fully encoded job: checks the status first (where the transport can read), then
/// sends the bytes once. A failed write is reported, never resent, so no half ticket is
/// printed twice.
pub fn print_job(transport: &mut dyn Transport, job: &[u8]) -> Result<(), PrinterError> {
    if let Some(status) = read_status(transport)? {
        status.ready()?;
    }
    transport.write_all(job)
}
