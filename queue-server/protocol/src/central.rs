//! What a building's server sends to the county's central service (README "Several
//! buildings"): a closed day's statistics cells, a live summary, and the building's public
//! profile. No leg-level rows, tickets, tokens, notes or comments: only these types leave a
//! building.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Building;

/// The version of these shapes; the centre refuses one it does not know.
pub const CENTRAL_SCHEMA: u32 = 1;

/// The path of a building's pushes on the central service (under `/api/v1`).
pub fn building_path(building: &str) -> String {
    format!("/buildings/{building}")
}

/// One local day's statistics cells, sent after the day has closed and again when the building
/// folds it for good (`version` 2; the centre keeps the highest version it has seen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayPush {
    pub schema: u32,
    /// 1: the day's cells from its visits' rows; 2: the day as folded for good (durations
    /// kept to the minute), which is what the building's own reports read from then on.
    pub version: u32,
    /// The layout of `cells` (the building's stored-day layout, `storage::aggregates`).
    pub cells_format: u32,
    /// The cells, postcard-encoded, in standard base64.
    pub cells: String,
    /// Visits and legs in the cells (checked by the centre against the decoded cells).
    pub visits: u32,
    pub legs: u32,
}

/// What the centre answers to an accepted push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushAccepted {
    /// False when the centre already held this day in a higher version (nothing changed).
    pub stored: bool,
}

/// A building's lines right now, sent every few seconds and on change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveSummary {
    pub schema: u32,
    /// When the building took this summary.
    pub at: DateTime<Utc>,
    pub services: Vec<LiveService>,
    pub desks_staffed: u32,
    /// The alerts raised and not yet cleared.
    pub alerts: Vec<LiveAlert>,
    pub printers: Vec<LivePrinter>,
    /// The time of the building's newest event (any change at all).
    pub last_event_at: Option<DateTime<Utc>>,
    /// Pushes waiting in the building's outbox (days and profiles).
    pub outbox_backlog: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveService {
    pub service: String,
    pub waiting: u32,
    /// The longest current wait in this service's line, in seconds.
    pub longest_wait_seconds: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveAlert {
    pub kind: String,
    pub service: Option<String>,
    pub raised_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LivePrinter {
    pub kiosk: String,
    /// The printer's condition as the kiosk last reported it (`ready`, `paper_out`, …), or
    /// [`PRINTER_NOT_REPORTED`].
    pub condition: String,
}

/// A `LivePrinter::condition` of a kiosk that has not reported its printer yet.
pub const PRINTER_NOT_REPORTED: &str = "unknown";

/// The building's public configuration (the same as its `GET /api/v1/config`) and time zone:
/// what the centre needs to name services and agencies and to place days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfilePush {
    pub schema: u32,
    pub building: Building,
}

/// The building file's `[central]` table: the county's central service this building pushes
/// to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentralLink {
    /// The central service's base URL, e.g. `https://lotse-central.county.example`.
    pub url: String,
    /// This building's id at the centre.
    pub building: String,
    /// A file holding the building's token (made by `lotse-central token`); a file, so the
    /// token stays out of the readable building file.
    pub token_file: PathBuf,
    /// The county's CA (PEM) to trust for the centre's certificate instead of the public ones.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use crate::Building;

    #[test]
    fn the_central_table_is_read_from_the_building_file_and_never_sent() {
        let sample = include_str!("../../src/config/building.toml");
        let text = format!(
            "{sample}\n[central]\nurl = \"https://centre.example\"\nbuilding = \"kreishaus\"\n\
             token_file = \"/etc/lotse/central-token\"\n"
        );
        let building: Building = toml::from_str(&text).expect("the building file");
        let central = building.central.as_ref().expect("[central] is read");
        assert_eq!(central.building, "kreishaus");
        let sent = serde_json::to_string(&building).expect("JSON");
        assert!(!sent.contains("central-token") && !sent.contains("centre.example"));
        let profile = super::ProfilePush {
            schema: super::CENTRAL_SCHEMA,
            building,
        };
        let pushed = serde_json::to_string(&profile).expect("JSON");
        assert!(
            !pushed.contains("central-token"),
            "not in the profile pushed either"
        );
    }
}
