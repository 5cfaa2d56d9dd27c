//! The scanner input cleaner (`kiosk/src/scanner.rs`, compiled here by path so that fuzzing
//! does not build Slint): whatever a scanner sends, the cleaned code is empty or at most 64
//! characters of `A-Z a-z 0-9 - _`, and cleaning is idempotent. The keyboard-wedge decoder
//! takes arbitrary key texts at arbitrary gaps.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../kiosk/src/scanner.rs"]
mod scanner;

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    if let Some(code) = scanner::clean_code(&raw) {
        assert!(!code.is_empty() && code.len() <= 64, "{code:?}");
        assert!(
            code.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{code:?}"
        );
        assert_eq!(scanner::clean_code(&code).as_deref(), Some(code.as_str()));
    }
    // Key presses: each byte pair is a gap in milliseconds and a key (Enter ends a scan).
    let start = Instant::now();
    let mut at = start;
    let mut wedge = scanner::WedgeDecoder::default();
    for pair in data.chunks(2) {
        at += Duration::from_millis(u64::from(pair[0]));
        let key = match pair.get(1) {
            Some(b'\n') => "\n".to_owned(),
            Some(b'\r') => "\r".to_owned(),
            Some(&byte) => char::from(byte).to_string(),
            None => "\n".to_owned(),
        };
        if let Some(scanned) = wedge.key(&key, at) {
            let _ = scanner::clean_code(&scanned);
        }
    }
});
