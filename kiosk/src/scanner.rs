//! Appointment codes from barcode scanners: a keyboard-wedge scanner types fast and ends
//! with Enter; a serial scanner sends a line. Whatever arrives is cleaned to the characters
//! appointment codes use, so a scanner sending garbage cannot do harm.

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

/// Keystrokes of a scan arrive closer together than a person types.
const MAX_GAP: Duration = Duration::from_millis(60);
/// Shorter input is typing, not a scan.
const MIN_LENGTH: usize = 4;

/// Recognises keyboard-wedge scans among key presses.
#[derive(Debug, Default)]
pub struct WedgeDecoder {
    buffer: String,
    last: Option<Instant>,
}

impl WedgeDecoder {
    /// Feeds the text of one key press at time `at`; returns a code when a scan ends.
    pub fn key(&mut self, text: &str, at: Instant) -> Option<String> {
        let fast = self
            .last
            .is_some_and(|last| at.duration_since(last) <= MAX_GAP);
        if !fast {
            self.buffer.clear();
        }
        self.last = Some(at);
        if text == "\n" || text == "\r" {
            let scanned = std::mem::take(&mut self.buffer);
            self.last = None;
            return (fast && scanned.chars().count() >= MIN_LENGTH).then_some(scanned);
        }
        self.buffer.push_str(text);
        None
    }
}

/// The characters of an appointment code (`A-Z a-z 0-9 - _`), at most 64; `None` if nothing
/// usable is left.
pub fn clean_code(raw: &str) -> Option<String> {
    let code: String = raw
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect();
    (!code.is_empty()).then_some(code)
}

/// Reads lines from a serial scanner until the port fails, calling `scanned` for each.
pub fn read_serial(path: &str, baud: u32, mut scanned: impl FnMut(String)) -> anyhow::Result<()> {
    let port = serialport::new(path, baud)
        .timeout(Duration::from_secs(3600))
        .open()?;
    let mut reader = BufReader::new(port);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return Ok(()),
            Ok(_) => scanned(String::from_utf8_lossy(&line).into_owned()),
            Err(error) if error.kind() == std::io::ErrorKind::TimedOut => continue,
            Err(error) => return Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_keys_ending_in_enter_are_a_scan() {
        let start = Instant::now();
        let mut wedge = WedgeDecoder::default();
        let mut result = None;
        for (i, key) in ["T", "E", "R", "M", "-", "1", "\n"].iter().enumerate() {
            result = wedge.key(key, start + Duration::from_millis(10 * i as u64));
        }
        assert_eq!(result.as_deref(), Some("TERM-1"));
        // A person typing slowly is not a scanner.
        let mut slow = None;
        for (i, key) in ["1", "2", "3", "4", "\n"].iter().enumerate() {
            slow = wedge.key(key, start + Duration::from_secs(1 + i as u64));
        }
        assert_eq!(slow, None);
    }

    #[test]
    fn codes_are_cleaned() {
        assert_eq!(
            clean_code(" TERMIN-1234\r\n").as_deref(),
            Some("TERMIN-1234")
        );
        assert_eq!(clean_code("\u{1b}[2J%%%").as_deref(), Some("2J"));
        assert_eq!(clean_code("%%%"), None);
        assert_eq!(clean_code(&"x".repeat(500)).map(|c| c.len()), Some(64));
    }
}
