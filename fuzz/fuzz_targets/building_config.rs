//! The building TOML loader and its validation (`Config::parse`), then the lookups the
//! server makes on a config that passed: no text may panic the loader, and a config that
//! passed must answer every lookup.
#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use lotse_queue_server::config::Config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = match Config::parse("building.toml", text) {
        Ok(config) => config,
        Err(error) => {
            // The message (field path and line) is built too.
            let _ = error.to_string();
            return;
        }
    };
    let instants = [
        Utc.timestamp_opt(0, 0).single(),
        Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).single(),
        Utc.with_ymd_and_hms(2026, 10, 25, 0, 59, 59).single(),
        Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).single(),
    ];
    for now in instants.into_iter().flatten() {
        let _ = config.day_start(now);
        for service in &config.building.services {
            let _ = config.is_open(&service.id, now);
            let _ = config.prefix_of(&service.id);
        }
    }
    let _ = config.clone().always_open();
    let _ = config.status_url("token");
});
