//! USB printers through the kernel's printer-class device (`/dev/usb/lp0`), and plain files or
//! standard output for debugging. These cannot answer status requests.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use super::Transport;
use crate::error::PrinterError;

pub struct DeviceFileTransport {
    path: PathBuf,
}

impl DeviceFileTransport {
    /// `-` means standard output.
    pub fn new(path: impl Into<PathBuf>) -> DeviceFileTransport {
        DeviceFileTransport { path: path.into() }
    }
}

impl Transport for DeviceFileTransport {
    fn describe(&self) -> String {
        format!("file {}", self.path.display())
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), PrinterError> {
        if self.path.as_os_str() == "-" {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes)?;
            return Ok(stdout.flush()?);
        }
        // Append, so a plain file collects every job; a device file ignores it.
        let mut file = OpenOptions::new()
            .append(true)
            .create(!self.path.starts_with("/dev"))
            .open(&self.path)?;
        file.write_all(bytes).map_err(PrinterError::from_io)?;
        file.flush().map_err(PrinterError::from_io)
    }

    fn query(&mut self, _request: &[u8]) -> Result<Option<u8>, PrinterError> {
        Ok(None)
    }
}
