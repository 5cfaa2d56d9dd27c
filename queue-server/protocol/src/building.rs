//! The building configuration: site, agencies, services, desks, displays and kiosks.
//!
//! The same shape is the TOML file format (`building.toml`) and the body of
//! `GET /api/v1/config`, so there is exactly one definition of it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Text in several languages, keyed by language code (`de`, `en`, `ar`, ...).
pub type Localized = BTreeMap<String, String>;

/// Picks the text for `language`, falling back to `fallback`, then to any language present.
pub fn localized<'a>(text: &'a Localized, language: &str, fallback: &str) -> &'a str {
    text.get(language)
        .or_else(|| text.get(fallback))
        .or_else(|| text.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Building {
    pub site: Site,
    #[serde(default)]
    pub queue: QueuePolicy,
    #[serde(default)]
    pub statistics: StatisticsPolicy,
    pub agencies: Vec<Agency>,
    pub services: Vec<Service>,
    pub desks: Vec<Desk>,
    #[serde(default)]
    pub displays: Vec<Display>,
    #[serde(default)]
    pub kiosks: Vec<Kiosk>,
    /// Texts the call displays show besides the calls.
    #[serde(default)]
    pub signage: Signage,
    /// The SVG text of every pictogram an agency or service names, by name. Filled in when
    /// the server loads the building (from the config's `pictograms/` folder or the built-in
    /// set), never written in the TOML file; clients read it from `GET /config`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pictograms: BTreeMap<String, String>,
    /// Where the building pushes its statistics and live summary (`[central]`, README
    /// "Several buildings"). Read from the TOML file only: never sent to any client.
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub central: Option<crate::central::CentralLink>,
}

impl Building {
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The agency of a service; empty for a service the building no longer has (statistics
    /// of past days may name one).
    pub fn agency_of(&self, service: &str) -> &str {
        self.service(service).map_or("", |s| s.agency.as_str())
    }

    pub fn agency(&self, id: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.id == id)
    }

    /// The SVG text of an agency's pictogram; none when it names none.
    pub fn agency_pictogram(&self, agency: &str) -> Option<&str> {
        let name = self.agency(agency)?.icon.as_deref()?;
        self.pictograms.get(name).map(String::as_str)
    }

    /// The SVG text of a service's pictogram, else its agency's.
    pub fn service_pictogram(&self, service: &str) -> Option<&str> {
        let found = self.service(service)?;
        found
            .icon
            .as_deref()
            .and_then(|name| self.pictograms.get(name))
            .map(String::as_str)
            .or_else(|| self.agency_pictogram(&found.agency))
    }

    pub fn desk(&self, id: &str) -> Option<&Desk> {
        self.desks.iter().find(|d| d.id == id)
    }

    /// How many desks' time a service has, each desk's time shared evenly among the
    /// services it serves (for generated demand: examples and the demo history).
    pub fn desk_share(&self, service: &str) -> f64 {
        self.desks
            .iter()
            .filter(|d| d.services.iter().any(|s| s == service))
            .map(|d| 1.0 / d.services.len() as f64)
            .sum()
    }

    /// Whether a display of `zone` shows calls to `desk`; a display without a zone shows all.
    pub fn desk_in_zone(&self, desk: &str, zone: Option<&str>) -> bool {
        match zone {
            None => self.desk(desk).is_some(),
            Some(zone) => self.desk(desk).is_some_and(|d| d.zone == zone),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub name: Localized,
    #[serde(default)]
    pub address: Option<String>,
    /// IANA time zone of the building, e.g. `Europe/Berlin`; ticket numbers reset at its
    /// midnight. An unknown name is refused wherever a building is read (the config file, a
    /// kiosk's or display's copy from the server, a profile pushed to the centre).
    #[schema(value_type = String, example = "Europe/Berlin")]
    pub time_zone: chrono_tz::Tz,
    /// Base URL that visitors' phones reach from outside; status pages are `<base>/t/<token>`.
    pub public_base_url: String,
    pub languages: Vec<String>,
    pub default_language: String,
}

/// Rules for recalls, no-shows and appointment check-in windows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct QueuePolicy {
    /// A desk may mark a ticket as no-show only after this many recalls.
    pub no_show_after_recalls: u32,
    /// A no-show ticket can be called again within this many minutes.
    pub reactivation_window_minutes: u32,
    /// Check-in is accepted this many minutes before the appointment.
    pub appointment_early_minutes: u32,
    /// ... and this many minutes after it.
    pub appointment_late_minutes: u32,
    /// A desk may call a visitor whose language its staff speak ahead of others, but never
    /// past a stop that has waited longer than this share (in percent) of its target wait
    /// more than the visitor called; 0 turns the language preference off.
    pub language_fairness_percent: u32,
    /// How a visit with several concerns waits for them (README "Visits with several
    /// concerns").
    pub visit_order: VisitOrder,
}

/// How a visit with several concerns waits for them. Dependencies (`Service::after`) hold in
/// every order.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema
)]
#[serde(rename_all = "snake_case")]
pub enum VisitOrder {
    /// One concern at a time, in the order the visitor tapped them.
    Fixed,
    /// One concern at a time, the one whose line is expected to call soonest.
    NextShortest,
    /// In every line whose dependencies are met at once; while the visitor is at one desk
    /// their other places are kept but skipped.
    #[default]
    SeveralLines,
}

impl VisitOrder {
    pub const ALL: [VisitOrder; 3] = [
        VisitOrder::Fixed,
        VisitOrder::NextShortest,
        VisitOrder::SeveralLines,
    ];
}

impl Default for QueuePolicy {
    fn default() -> Self {
        QueuePolicy {
            no_show_after_recalls: 2,
            reactivation_window_minutes: 30,
            appointment_early_minutes: 60,
            appointment_late_minutes: 15,
            language_fairness_percent: 25,
            visit_order: VisitOrder::default(),
        }
    }
}

/// What the statistics keep, and for how long.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct StatisticsPolicy {
    /// Visits' rows (one per concern, with their times) are kept this many days; older days
    /// are folded into daily aggregates and the rows deleted.
    pub detail_days: u32,
}

impl Default for StatisticsPolicy {
    fn default() -> Self {
        StatisticsPolicy { detail_days: 90 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub id: String,
    /// Ticket number prefix letter, e.g. `A` for `A-042`.
    pub prefix: String,
    /// Colour as `#RRGGBB`.
    pub colour: String,
    /// The name of the agency's pictogram (see `pictograms.rs`); none shows the prefix letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    pub name: Localized,
    /// Opening hours; none means always open.
    #[serde(default)]
    pub hours: Option<WeekHours>,
}

/// Opening hours per weekday as `"08:00-12:00,13:00-15:30"`; an empty or missing day is closed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeekHours {
    #[serde(default)]
    pub mon: Option<String>,
    #[serde(default)]
    pub tue: Option<String>,
    #[serde(default)]
    pub wed: Option<String>,
    #[serde(default)]
    pub thu: Option<String>,
    #[serde(default)]
    pub fri: Option<String>,
    #[serde(default)]
    pub sat: Option<String>,
    #[serde(default)]
    pub sun: Option<String>,
}

impl WeekHours {
    /// The ranges of a weekday, Monday = 0.
    pub fn day(&self, weekday_from_monday: u32) -> Option<&str> {
        let day = match weekday_from_monday {
            0 => &self.mon,
            1 => &self.tue,
            2 => &self.wed,
            3 => &self.thu,
            4 => &self.fri,
            5 => &self.sat,
            _ => &self.sun,
        };
        day.as_deref()
    }

    /// Field names with their values, for validation messages.
    pub fn days(&self) -> [(&'static str, Option<&str>); 7] {
        [
            ("mon", self.mon.as_deref()),
            ("tue", self.tue.as_deref()),
            ("wed", self.wed.as_deref()),
            ("thu", self.thu.as_deref()),
            ("fri", self.fri.as_deref()),
            ("sat", self.sat.as_deref()),
            ("sun", self.sun.as_deref()),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub agency: String,
    /// The name of the service's pictogram; none shows the agency's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    pub name: Localized,
    pub description: Localized,
    /// Documents to bring, short.
    #[serde(default)]
    pub documents: Option<Localized>,
    pub target_wait_minutes: u32,
    /// Typical duration of one visit; the wait estimate starts from it.
    pub typical_minutes: u32,
    /// Whether visitors without an appointment may take a ticket.
    #[serde(default = "yes")]
    pub walk_in: bool,
    /// Walk-in tickets accepted per day; none means unlimited.
    #[serde(default)]
    pub daily_walk_in_limit: Option<u32>,
    /// Where to book an appointment instead.
    #[serde(default)]
    pub booking_url: Option<String>,
    /// Overrides the agency's opening hours.
    #[serde(default)]
    pub hours: Option<WeekHours>,
    /// A wait alert is raised when the line's longest wait passes this many times the target
    /// wait (README "Live alerts"); more than 0.
    #[serde(default = "default_alert_factor")]
    pub alert_factor: f64,
    /// Services of the same visit that must be finished before this one is waited for (e.g.
    /// the payment card after the residence permit). Services the visit does not include
    /// are ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
}

/// The alert factor of a service that names none: alert when the target wait is passed.
pub const DEFAULT_ALERT_FACTOR: f64 = 1.0;

fn default_alert_factor() -> f64 {
    DEFAULT_ALERT_FACTOR
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeskKind {
    Desk,
    Room,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Desk {
    pub id: String,
    pub kind: DeskKind,
    /// What visitors read: `3` for a counter, `1.04` for a room.
    pub number: String,
    pub floor: i32,
    pub zone: String,
    pub services: Vec<String>,
    /// Languages the staff at this desk speak.
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub direction: Option<Localized>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Display {
    pub id: String,
    pub name: String,
    /// The zone whose calls it shows; none shows every zone.
    #[serde(default)]
    pub zone: Option<String>,
}

/// What call displays show around the calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Signage {
    /// "Please watch for your number", shown in turn in every language it has.
    #[serde(default)]
    pub watch_for_number: Localized,
    /// Notices shown below the calls, e.g. "The Jobcenter closes at 12:00 on Friday".
    #[serde(default)]
    pub notices: Vec<Localized>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Kiosk {
    pub id: String,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(time_zone: &str) -> serde_json::Result<Site> {
        serde_json::from_value(serde_json::json!({
            "name": {"de": "Kreishaus"},
            "time_zone": time_zone,
            "public_base_url": "https://lotse.example",
            "languages": ["de"],
            "default_language": "de",
        }))
    }

    #[test]
    fn a_site_travels_with_its_time_zone_by_name_and_an_unknown_one_is_refused() {
        let berlin = site("Europe/Berlin").unwrap();
        assert_eq!(berlin.time_zone, chrono_tz::Europe::Berlin);
        assert_eq!(
            serde_json::to_value(&berlin).unwrap()["time_zone"],
            "Europe/Berlin"
        );
        let error = site("Europe/Berlinn").unwrap_err().to_string();
        assert!(error.contains("Europe/Berlinn"), "{error}");
    }
}
