//! Real-time status (`DLE EOT n`): the requests and the meaning of the answers.

use crate::error::PrinterError;

/// `DLE EOT n`: transmit real-time status `n` (1 printer, 2 offline cause, 3 error cause,
/// 4 roll paper sensor). Each answer is one byte.
pub fn status_request(n: u8) -> [u8; 3] {
    [0x10, 0x04, n]
}

/// The printer's state as reported by `DLE EOT 1, 2, 3, 4`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrinterStatus {
    pub offline: bool,
    pub cover_open: bool,
    pub paper_out: bool,
    pub paper_near_end: bool,
    pub error: bool,
}

impl PrinterStatus {
    /// Decodes the four status bytes; every status byte has bit 1 and 4 set, 0 and 7 clear.
    pub fn from_bytes(bytes: [u8; 4]) -> Result<PrinterStatus, PrinterError> {
        for byte in bytes {
            if byte & 0x93 != 0x12 {
                return Err(PrinterError::InvalidStatus(byte));
            }
        }
        let [printer, offline_cause, error_cause, paper] = bytes;
        Ok(PrinterStatus {
            offline: printer & 0x08 != 0,
            cover_open: offline_cause & 0x04 != 0,
            paper_out: offline_cause & 0x20 != 0 || paper & 0x60 != 0,
            paper_near_end: paper & 0x0C != 0,
            error: offline_cause & 0x40 != 0 || error_cause & 0x68 != 0,
        })
    }

    /// The bytes a printer in this state answers to `DLE EOT 1..4` (used by the emulator).
    pub fn to_bytes(self) -> [u8; 4] {
        let offline = self.offline || self.cover_open || self.paper_out || self.error;
        let printer = 0x12 | if offline { 0x08 } else { 0 };
        let offline_cause = 0x12
            | if self.cover_open { 0x04 } else { 0 }
            | if self.paper_out { 0x20 } else { 0 }
            | if self.error { 0x40 } else { 0 };
        let error_cause = 0x12 | if self.error { 0x08 } else { 0 };
        let paper = 0x12
            | if self.paper_near_end { 0x0C } else { 0 }
            | if self.paper_out { 0x60 } else { 0 };
        [printer, offline_cause, error_cause, paper]
    }

    /// Whether a ticket can be printed now; the error names the most useful cause.
    pub fn ready(&self) -> Result<(), PrinterError> {
        if self.paper_out {
            Err(PrinterError::PaperOut)
        } else if self.cover_open {
            Err(PrinterError::CoverOpen)
        } else if self.error {
            Err(PrinterError::Failure)
        } else if self.offline {
            Err(PrinterError::Offline)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_bytes_round_trip_and_name_the_cause() {
        let states = [
            PrinterStatus::default(),
            PrinterStatus {
                paper_out: true,
                ..Default::default()
            },
            PrinterStatus {
                cover_open: true,
                ..Default::default()
            },
            PrinterStatus {
                paper_near_end: true,
                ..Default::default()
            },
            PrinterStatus {
                error: true,
                ..Default::default()
            },
        ];
        for state in states {
            let decoded = PrinterStatus::from_bytes(state.to_bytes()).unwrap();
            assert_eq!(decoded.paper_out, state.paper_out);
            assert_eq!(decoded.cover_open, state.cover_open);
            assert_eq!(decoded.paper_near_end, state.paper_near_end);
            assert_eq!(decoded.error, state.error);
        }
        assert!(PrinterStatus::default().ready().is_ok());
        let paper = PrinterStatus::from_bytes([0x1A, 0x32, 0x12, 0x72]).unwrap();
        assert!(matches!(paper.ready(), Err(PrinterError::PaperOut)));
        let cover = PrinterStatus::from_bytes([0x1A, 0x16, 0x12, 0x12]).unwrap();
        assert!(matches!(cover.ready(), Err(PrinterError::CoverOpen)));
        let offline = PrinterStatus::from_bytes([0x1A, 0x12, 0x12, 0x12]).unwrap();
        assert!(matches!(offline.ready(), Err(PrinterError::Offline)));
        assert!(matches!(
            PrinterStatus::from_bytes([0x00, 0x12, 0x12, 0x12]),
            Err(PrinterError::InvalidStatus(0))
        ));
    }
}
