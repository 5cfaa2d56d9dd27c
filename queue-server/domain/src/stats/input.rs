//! What the figures are computed from: one row per leg (a stop: one concern at one desk, a
//! transfer starts a new leg), the period and the filters. Plain data, no tokens, no notes.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use lotse_protocol::{Building, Channel, StopStatus};

/// One leg of a visit, as stored in `stops` with its ticket's channel and language.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    /// The visit (the ticket's row id; no token, no number).
    pub visit: i64,
    /// The order of legs within a visit: position, then id (a transfer's leg follows the leg
    /// it came from).
    pub position: i64,
    pub id: i64,
    pub service: String,
    pub status: StopStatus,
    pub channel: Channel,
    pub language: String,
    /// When the visit arrived (ticket issued or appointment checked in).
    pub issued_at: DateTime<Utc>,
    /// The booked time of an appointment.
    pub appointment_at: Option<DateTime<Utc>>,
    pub queued_at: DateTime<Utc>,
    /// The last call (a recall overwrites it: after a recall the last call counts).
    pub called_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub recalls: u32,
    pub desk: Option<String>,
}

/// A range of the building's local dates, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The range, or `None` when `to` lies before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Option<Period> {
        (from <= to).then_some(Period { from, to })
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// The number of days.
    pub fn days(&self) -> u64 {
        u64::try_from((self.to - self.from).num_days() + 1).unwrap_or(0)
    }

    /// The range of the same length right before this one (the KPI tiles compare with it).
    pub fn previous(&self) -> Period {
        let days = self.days();
        let to = self.from.pred_opt().unwrap_or(self.from);
        let from = to.checked_sub_days(Days::new(days - 1)).unwrap_or(to);
        Period { from, to }
    }

    /// The dates, in order.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let (from, to) = (self.from, self.to);
        from.iter_days().take_while(move |d| *d <= to)
    }

    /// The presets of the stats page: today, the week (Monday on), the month, the year.
    pub fn preset(name: &str, today: NaiveDate) -> Option<Period> {
        let from = match name {
            "today" => today,
            "week" => {
                today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()))
            }
            "month" => today.with_day(1)?,
            "year" => today.with_ordinal(1)?,
            _ => return None,
        };
        Period::new(from, today)
    }
}

/// Keeps only the legs that match every given value. Hour and weekday are those of the
/// leg's start in the building's local time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The agencies whose legs count (none: every agency): the one chosen on the page, or a
    /// supervisor's own (`scope.rs`).
    pub agencies: Option<BTreeSet<String>>,
    pub service: Option<String>,
    pub desk: Option<String>,
    pub channel: Option<Channel>,
    pub language: Option<String>,
    pub hour: Option<u32>,
    pub weekday: Option<Weekday>,
}

impl Filter {
    /// Whether the legs of `agency`'s services count.
    pub fn keeps_agency(&self, agency: &str) -> bool {
        self.agencies
            .as_ref()
            .is_none_or(|agencies| agencies.contains(agency))
    }

    /// Whether a cell of this channel, visitor's language, local hour and weekday
    /// (0 = Monday) counts: the leg and visit cells share these filters.
    pub fn keeps_channel_language_and_time(
        &self,
        channel: Channel,
        language: &str,
        hour: u8,
        weekday: u8,
    ) -> bool {
        self.channel.is_none_or(|c| c == channel)
            && self.language.as_deref().is_none_or(|l| l == language)
            && self.hour.is_none_or(|h| h == u32::from(hour))
            && self
                .weekday
                .is_none_or(|w| w.num_days_from_monday() == u32::from(weekday))
    }

    /// Whether a desk's staffed time counts: the desk chosen (if any), serving the service
    /// chosen (if any) and a service of the agencies kept.
    pub fn keeps_desk(&self, building: &Building, desk: &str) -> bool {
        let Some(found) = building.desk(desk) else {
            return false;
        };
        self.desk.as_deref().is_none_or(|d| d == desk)
            && self
                .service
                .as_deref()
                .is_none_or(|s| found.services.iter().any(|id| id == s))
            && found.services.iter().any(|id| {
                building
                    .service(id)
                    .is_some_and(|s| self.keeps_agency(&s.agency))
            })
    }
}

/// What a breakdown table splits by.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
    serde::Serialize,
    serde::Deserialize
)]
#[strum(serialize_all = "snake_case")]
pub enum Dimension {
    Agency,
    #[default]
    Service,
    Desk,
    Channel,
    Language,
    Hour,
    Weekday,
}
