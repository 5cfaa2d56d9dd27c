//! The kiosk config (`kiosk/src/config.rs`, compiled here by path so that fuzzing does not
//! build Slint): TOML with printer profile overrides, checked against the built-in
//! catalogue, errors with their line. A config that passes must encode a ticket and a test
//! print for its profile, and the emulator playing that profile must read the bytes.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use lotse_printer::emulator::CharacterTables;
use lotse_printer::emulator::Emulator;
use lotse_printer::raster::TextRenderer;
use lotse_printer::samples::sample_ticket;
use lotse_printer::test_print::encode_test_print;

/// What `config.rs` takes from the kiosk's flow (the values do not matter here).
mod flow {
    pub const DEFAULT_IDLE_SECONDS: u32 = 60;
    pub const DEFAULT_DONE_SECONDS: u32 = 20;
}

#[allow(dead_code)]
#[path = "../../kiosk/src/config.rs"]
mod config;

thread_local! {
    static RENDERER: RefCell<TextRenderer> = RefCell::new(TextRenderer::new());
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = match config::KioskConfig::parse("kiosk.toml", text) {
        Ok(config) => config,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    let profile = config
        .profile()
        .expect("a config that parsed resolves its profile");
    let _ = config.profiles().expect("and its catalogue");
    RENDERER.with(|renderer| {
        let mut renderer = renderer.borrow_mut();
        let ticket = lotse_printer::encode_ticket(&sample_ticket("de"), &profile, &mut renderer)
            .expect("a checked profile encodes a ticket");
        let test = encode_test_print(&profile, &["de", "uk"], &mut renderer)
            .expect("a checked profile encodes a test print");
        let mut printer = Emulator::with_tables(None, CharacterTables::of_profile(&profile));
        printer.receive(&ticket);
        printer.receive(&test);
    });
});
