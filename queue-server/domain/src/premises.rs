//! What the rules need to know of the loaded building: its description, its time zone and
//! whether a service is open. The server's validated `Config` implements it; the rules never
//! see how the building was loaded.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lotse_protocol::{Building, Service};

pub trait Premises {
    fn building(&self) -> &Building;
    /// The building's time zone: numbers and days count in it.
    fn time_zone(&self) -> Tz;
    /// Whether a service is inside its opening hours at `now` (an unknown one is closed).
    fn is_open(&self, service: &str, now: DateTime<Utc>) -> bool;
    /// Whether the building offers `language`.
    fn speaks(&self, language: &str) -> bool;

    fn service(&self, id: &str) -> Option<&Service> {
        self.building().service(id)
    }
}

/// The server shares its config behind an `Arc`.
impl<P: Premises + ?Sized> Premises for std::sync::Arc<P> {
    fn building(&self) -> &Building {
        (**self).building()
    }
    fn time_zone(&self) -> Tz {
        (**self).time_zone()
    }
    fn is_open(&self, service: &str, now: DateTime<Utc>) -> bool {
        (**self).is_open(service, now)
    }
    fn speaks(&self, language: &str) -> bool {
        (**self).speaks(language)
    }
}

/// The sample building of the server (its embedded `building.toml`), always open, for the
/// rules' own tests.
#[cfg(test)]
pub(crate) mod sample {
    use super::*;

    pub struct Sample(pub Building);

    pub fn building() -> Building {
        toml::from_str(include_str!("../../src/config/building.toml")).expect("sample building")
    }

    pub fn premises() -> Sample {
        Sample(building())
    }

    impl Premises for Sample {
        fn building(&self) -> &Building {
            &self.0
        }
        fn time_zone(&self) -> Tz {
            chrono_tz::Europe::Berlin
        }
        fn is_open(&self, service: &str, _now: DateTime<Utc>) -> bool {
            self.0.service(service).is_some()
        }
        fn speaks(&self, language: &str) -> bool {
            self.0.site.languages.iter().any(|l| l == language)
        }
    }
}
