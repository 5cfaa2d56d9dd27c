//! The validated building config as the domain's [`Premises`]: the rules ask it about
//! services, languages, hours and the time zone.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lotse_domain::Premises;
use lotse_protocol::Building;

use crate::config::Config;

impl Premises for Config {
    fn building(&self) -> &Building {
        &self.building
    }

    fn time_zone(&self) -> Tz {
        self.time_zone
    }

    fn is_open(&self, service: &str, now: DateTime<Utc>) -> bool {
        Config::is_open(self, service, now)
    }

    fn speaks(&self, language: &str) -> bool {
        Config::speaks(self, language)
    }
}
