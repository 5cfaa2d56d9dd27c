//! The building configuration: loaded from TOML (or the embedded sample building), validated
//! into a [`Config`] whose errors name the file, field and line.

pub mod auth;
mod dependencies;
mod hours;
mod locate;
mod pictograms;
mod validate;

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use lotse_protocol::{Building, Service};

pub use hours::Schedule;
pub use locate::FieldPath;

/// The sample migration-agency building used when no config file is given.
pub const EMBEDDED_BUILDING: &str = include_str!("building.toml");

/// The embedded building without opening hours and daily walk-in limits: every service is
/// open at any time. For tests and benchmarks, which run at any hour and issue hundreds of
/// tickets.
pub fn embedded_always_open() -> String {
    EMBEDDED_BUILDING
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            !line.starts_with("hours =") && !line.starts_with("daily_walk_in_limit =")
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// A validated building with the lookups the server needs.
#[derive(Debug, Clone)]
pub struct Config {
    pub building: Building,
    /// The building's time zone (`building.site.time_zone`, checked when the file was read).
    pub time_zone: Tz,
    /// Opening hours per service id (the service's own or its agency's); none = always open.
    schedules: HashMap<String, Option<Schedule>>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`serve --trusted-proxy`; not
    /// part of the building file). Login limits count per client address.
    pub trusted_proxies: Vec<IpAddr>,
    /// How staff log in (`serve --auth-config`; not part of the building file): local
    /// passwords unless directories are configured.
    pub auth: auth::AuthConfig,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: {} problem(s):\n{}", problems.len(), list(problems))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

/// One validation problem: where and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub field: String,
    pub line: Option<usize>,
    pub message: String,
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| match p.line {
            Some(line) => format!("  line {line}: {}: {}", p.field, p.message),
            None => format!("  {}: {}", p.field, p.message),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Config {
    /// The embedded sample building.
    pub fn embedded() -> Result<Config, ConfigError> {
        Config::parse("embedded building.toml", EMBEDDED_BUILDING)
    }

    /// Reads and validates a TOML file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            file: file.clone(),
            source,
        })?;
        Config::parse_in(&file, &text, path.parent())
    }

    /// Parses and validates TOML text; `file` names it in errors. Pictograms are the
    /// built-in ones.
    pub fn parse(file: &str, text: &str) -> Result<Config, ConfigError> {
        Config::parse_in(file, text, None)
    }

    /// Parses and validates TOML text whose pictogram files are in `folder`'s `pictograms/`.
    pub fn parse_in(file: &str, text: &str, folder: Option<&Path>) -> Result<Config, ConfigError> {
        let mut building: Building = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        let mut found = validate::validate(&building);
        match pictograms::resolve(&building, folder) {
            Ok(svgs) => building.pictograms = svgs,
            Err(problems) => found.problems.extend(problems),
        }
        if !found.problems.is_empty() {
            let problems = found
                .problems
                .into_iter()
                .map(|(path, message)| Problem {
                    field: path.to_string(),
                    line: locate::line_of(text, &path),
                    message,
                })
                .collect();
            return Err(ConfigError::Invalid {
                file: file.to_owned(),
                problems,
            });
        }
        Ok(Config {
            time_zone: building.site.time_zone,
            building,
            schedules: found.schedules,
            trusted_proxies: Vec::new(),
            auth: auth::AuthConfig::default(),
        })
    }

    /// The same building with no opening hours and no daily walk-in limits, for demonstrations
    /// at any hour (`serve --always-open`).
    pub fn always_open(mut self) -> Config {
        for schedule in self.schedules.values_mut() {
            *schedule = None;
        }
        for agency in &mut self.building.agencies {
            agency.hours = None;
        }
        for service in &mut self.building.services {
            service.hours = None;
            service.daily_walk_in_limit = None;
        }
        self
    }

    /// The start of the building's local day that `now` falls in.
    pub fn day_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let local_midnight = now
            .with_timezone(&self.time_zone)
            .date_naive()
            .and_time(chrono::NaiveTime::MIN);
        self.time_zone
            .from_local_datetime(&local_midnight)
            .earliest()
            .map_or(now, |start| start.with_timezone(&Utc))
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.building.service(id)
    }

    /// The target wait of a service; for a stop of a service no longer in the building, the
    /// usual 30 minutes, so it still takes its turn.
    pub fn target_wait_minutes(&self, service: &str) -> u32 {
        self.service(service).map_or(30, |s| s.target_wait_minutes)
    }

    /// Whether a service is inside its opening hours at `now`.
    pub fn is_open(&self, service: &str, now: DateTime<Utc>) -> bool {
        match self.schedules.get(service) {
            Some(Some(schedule)) => schedule.is_open(&now.with_timezone(&self.time_zone)),
            Some(None) => true,
            None => false,
        }
    }

    /// The ticket-number prefix of a service's agency.
    pub fn prefix_of(&self, service: &str) -> Option<&str> {
        let service = self.building.service(service)?;
        let agency = self.building.agency(&service.agency)?;
        Some(&agency.prefix)
    }

    /// The status page URL for a ticket token.
    pub fn status_url(&self, token: &str) -> String {
        format!(
            "{}/t/{token}",
            self.building.site.public_base_url.trim_end_matches('/')
        )
    }

    pub fn speaks(&self, language: &str) -> bool {
        self.building.site.languages.iter().any(|l| l == language)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_building_is_valid_and_complete() {
        let config = Config::embedded().unwrap();
        let building = &config.building;
        assert_eq!(building.site.languages.len(), 10);
        assert!(building.services.len() >= 18, "{}", building.services.len());
        assert!(building.desks.len() >= 18);
        for service in &building.services {
            for language in &building.site.languages {
                assert!(
                    service.name.contains_key(language),
                    "{} {language}",
                    service.id
                );
                assert!(service.description.contains_key(language));
            }
        }
        assert_eq!(config.time_zone, chrono_tz::Europe::Berlin);
    }

    #[test]
    fn an_unknown_time_zone_is_refused_at_load_naming_its_line() {
        let text = EMBEDDED_BUILDING.replace(
            "time_zone = \"Europe/Berlin\"",
            "time_zone = \"Europe/Berlinn\"",
        );
        let error = Config::parse("b.toml", &text).unwrap_err().to_string();
        assert!(
            error.contains("line 21") && error.contains("Europe/Berlinn"),
            "{error}"
        );
    }

    #[test]
    fn always_open_variant_is_valid_and_open_at_night() {
        let config = Config::parse("always open", &embedded_always_open()).unwrap();
        let sunday_night = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 22, 2, 0, 0).unwrap();
        assert!(config.is_open("residence-permit", sunday_night));
        assert!(
            config
                .building
                .services
                .iter()
                .all(|s| s.daily_walk_in_limit.is_none())
        );
    }

    #[test]
    fn the_alert_factor_defaults_to_one_and_must_be_positive() {
        let config = Config::parse("b.toml", EMBEDDED_BUILDING).unwrap();
        let factor = |id: &str| config.service(id).unwrap().alert_factor;
        assert_eq!(factor("eat-pickup"), 1.5);
        assert_eq!(
            factor("address-change"),
            lotse_protocol::DEFAULT_ALERT_FACTOR
        );
        for bad in ["0", "-1.0", "nan"] {
            let broken = EMBEDDED_BUILDING.replacen(
                "alert_factor = 1.5",
                &format!("alert_factor = {bad}"),
                1,
            );
            let error = Config::parse("b.toml", &broken).unwrap_err();
            let ConfigError::Invalid { problems, .. } = error else {
                panic!("expected validation problems for {bad}, got {error}");
            };
            assert!(
                problems.iter().any(|p| p.field.ends_with("alert_factor")),
                "{bad}: {problems:?}"
            );
        }
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let error = Config::parse("b.toml", "[site]\nname = \n").unwrap_err();
        let text = error.to_string();
        assert!(text.starts_with("b.toml:"), "{text}");
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn unknown_service_on_a_desk_names_field_and_line() {
        let text = EMBEDDED_BUILDING.replacen("[[desks]]", "[[desks]]\n# injected\n", 1);
        let broken = text.replacen("services = [\"", "services = [\"no-such-service\", \"", 1);
        let error = Config::parse("b.toml", &broken).unwrap_err();
        let ConfigError::Invalid { problems, .. } = error else {
            panic!("expected validation problems, got {error}");
        };
        let problem = problems
            .iter()
            .find(|p| p.message.contains("no-such-service"))
            .expect("the unknown service is reported");
        assert_eq!(problem.field, "desks[0].services[0]");
        let line = problem.line.unwrap();
        assert!(
            broken
                .lines()
                .nth(line - 1)
                .unwrap()
                .contains("no-such-service")
        );
    }

    #[test]
    fn the_visit_order_is_one_of_three_and_defaults_to_several_lines() {
        use lotse_protocol::VisitOrder;
        let order =
            |text: &str| Config::parse("b.toml", text).map(|c| c.building.queue.visit_order);
        assert_eq!(order(EMBEDDED_BUILDING).unwrap(), VisitOrder::SeveralLines);
        let without = EMBEDDED_BUILDING.replacen("visit_order = \"several_lines\"\n", "", 1);
        assert_ne!(without, EMBEDDED_BUILDING);
        assert_eq!(order(&without).unwrap(), VisitOrder::SeveralLines);
        for (name, expected) in [
            ("fixed", VisitOrder::Fixed),
            ("next_shortest", VisitOrder::NextShortest),
        ] {
            let text = EMBEDDED_BUILDING.replacen(
                "visit_order = \"several_lines\"",
                &format!("visit_order = \"{name}\""),
                1,
            );
            assert_eq!(order(&text).unwrap(), expected);
        }
        let wrong = EMBEDDED_BUILDING.replacen(
            "visit_order = \"several_lines\"",
            "visit_order = \"shortest\"",
            1,
        );
        let line = wrong
            .lines()
            .position(|l| l.starts_with("visit_order"))
            .unwrap()
            + 1;
        let error = order(&wrong).unwrap_err().to_string();
        assert!(error.contains(&format!("line {line}")), "{error}");
    }

    #[test]
    fn language_fairness_share_is_a_percentage() {
        let broken = EMBEDDED_BUILDING.replacen(
            "language_fairness_percent = 25",
            "language_fairness_percent = 250",
            1,
        );
        assert_ne!(broken, EMBEDDED_BUILDING);
        let error = Config::parse("b.toml", &broken).unwrap_err();
        let ConfigError::Invalid { problems, .. } = error else {
            panic!("expected validation problems, got {error}");
        };
        let problem = &problems[0];
        assert_eq!(problem.field, "queue.language_fairness_percent");
        assert!(problem.line.is_some());
        let default = EMBEDDED_BUILDING.replacen("language_fairness_percent = 25\n", "", 1);
        let config = Config::parse("b.toml", &default).unwrap();
        assert_eq!(config.building.queue.language_fairness_percent, 25);
    }

    #[test]
    fn a_site_language_missing_from_the_language_table_is_refused() {
        let broken = EMBEDDED_BUILDING.replacen(
            "languages = [\"de\", \"en\", \"ar\"",
            "languages = [\"de\", \"en\", \"ur\", \"ar\"",
            1,
        );
        assert_ne!(broken, EMBEDDED_BUILDING);
        let error = Config::parse("b.toml", &broken).unwrap_err();
        let ConfigError::Invalid { problems, .. } = error else {
            panic!("expected validation problems, got {error}");
        };
        assert_eq!(problems[0].field, "site.languages[2]");
        assert!(
            problems[0].message.contains("\"ur\""),
            "{}",
            problems[0].message
        );
    }
}
