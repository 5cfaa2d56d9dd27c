//! Typed printer errors: the kiosk matches on them to tell the visitor and the staff.

use std::io;

#[derive(Debug, thiserror::Error)]
pub enum PrinterError {
    #[error("the printer is out of paper")]
    PaperOut,
    #[error("the printer cover is open")]
    CoverOpen,
    #[error("the printer is offline")]
    Offline,
    /// Cutter jam, overheating or another error the printer reports.
    #[error("the printer reports an error")]
    Failure,
    #[error("the printer did not answer in time")]
    Timeout,
    /// The printer answered a status request with bytes that are not a status.
    #[error("the printer sent an invalid status byte 0x{0:02x}")]
    InvalidStatus(u8),
    #[error("printer connection failed: {0}")]
    Io(#[from] io::Error),
    /// The ticket could not be encoded (e.g. a QR code with too much data).
    #[error("the ticket cannot be laid out: {0}")]
    Layout(String),
}

impl PrinterError {
    /// Errors raised from I/O results, with timeouts made explicit.
    pub fn from_io(error: io::Error) -> PrinterError {
        match error.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => PrinterError::Timeout,
            _ => PrinterError::Io(error),
        }
    }
}

impl From<serialport::Error> for PrinterError {
    fn from(error: serialport::Error) -> PrinterError {
        let kind = match error.kind() {
            serialport::ErrorKind::NoDevice => io::ErrorKind::NotFound,
            serialport::ErrorKind::InvalidInput => io::ErrorKind::InvalidInput,
            serialport::ErrorKind::Io(kind) => kind,
            serialport::ErrorKind::Unknown => io::ErrorKind::Other,
        };
        PrinterError::Io(io::Error::new(kind, error.description))
    }
}
