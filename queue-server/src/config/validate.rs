//! Checks a parsed building for what serde cannot: references, uniqueness, formats.

use std::collections::{HashMap, HashSet};

use lotse_protocol::{Building, Localized, WeekHours};

use super::hours::Schedule;
use super::locate::FieldPath;

pub struct Found {
    pub problems: Vec<(FieldPath, String)>,
    pub schedules: HashMap<String, Option<Schedule>>,
}

struct Checker {
    problems: Vec<(FieldPath, String)>,
}

impl Checker {
    fn problem(&mut self, path: FieldPath, message: impl Into<String>) {
        self.problems.push((path, message.into()));
    }

    fn localized(&mut self, path: FieldPath, text: &Localized, default_language: &str) {
        if !text.contains_key(default_language) {
            self.problem(
                path.clone(),
                format!("needs a text in \"{default_language}\""),
            );
        }
        for (language, value) in text {
            if value.trim().is_empty() {
                self.problem(path.key(language), "is empty");
            }
        }
    }

    fn unique<'a>(&mut self, path: FieldPath, ids: impl Iterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for (index, id) in ids.enumerate() {
            if !valid_id(id) {
                self.problem(
                    path.index(index).key("id"),
                    format!("\"{id}\" must be lowercase letters, digits and '-'"),
                );
            }
            if !seen.insert(id) {
                self.problem(
                    path.index(index).key("id"),
                    format!("\"{id}\" is used twice"),
                );
            }
        }
    }

    fn schedule(&mut self, path: FieldPath, hours: &Option<WeekHours>) -> Option<Schedule> {
        let hours = hours.as_ref()?;
        match Schedule::parse(hours) {
            Ok(schedule) => Some(schedule),
            Err((day, message)) => {
                self.problem(path.key(day), message);
                None
            }
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub fn validate(building: &Building) -> Found {
    let mut check = Checker {
        problems: Vec::new(),
    };
    let root = FieldPath::default();
    let site = &building.site;
    let lang = site.default_language.as_str();

    if !(site.public_base_url.starts_with("https://")
        || site.public_base_url.starts_with("http://"))
    {
        check.problem(
            root.key("site").key("public_base_url"),
            "must start with https:// (or http://)",
        );
    }
    for (n, language) in site.languages.iter().enumerate() {
        if lotse_protocol::languages::language(language).is_none() {
            let known: Vec<&str> = lotse_protocol::languages::codes().collect();
            check.problem(
                root.key("site").key("languages").index(n),
                format!(
                    "\"{language}\" is not a language Lotse has ({})",
                    known.join(", ")
                ),
            );
        }
    }
    if !site.languages.iter().any(|l| l == lang) {
        check.problem(
            root.key("site").key("default_language"),
            format!("\"{lang}\" is not in site.languages"),
        );
    }
    check.localized(root.key("site").key("name"), &site.name, lang);
    if building.queue.language_fairness_percent > 100 {
        check.problem(
            root.key("queue").key("language_fairness_percent"),
            "must be a share from 0 to 100 (percent of the target wait)",
        );
    }
    if building.statistics.detail_days == 0 {
        check.problem(
            root.key("statistics").key("detail_days"),
            "must be at least 1 (today's visits are needed in detail)",
        );
    }

    let agencies = root.key("agencies");
    check.unique(
        agencies.clone(),
        building.agencies.iter().map(|a| a.id.as_str()),
    );
    let mut prefixes = HashSet::new();
    let mut agency_schedules = HashMap::new();
    for (index, agency) in building.agencies.iter().enumerate() {
        let path = agencies.index(index);
        let prefix_ok =
            agency.prefix.len() == 1 && agency.prefix.chars().all(|c| c.is_ascii_uppercase());
        if !prefix_ok {
            check.problem(path.key("prefix"), "must be one capital letter A-Z");
        } else if !prefixes.insert(agency.prefix.as_str()) {
            check.problem(
                path.key("prefix"),
                format!("\"{}\" is used twice", agency.prefix),
            );
        }
        let colour_ok = agency.colour.len() == 7
            && agency.colour.starts_with('#')
            && agency.colour[1..].chars().all(|c| c.is_ascii_hexdigit());
        if !colour_ok {
            check.problem(path.key("colour"), "must be #RRGGBB");
        }
        check.localized(path.key("name"), &agency.name, lang);
        let schedule = check.schedule(path.key("hours"), &agency.hours);
        agency_schedules.insert(agency.id.as_str(), schedule);
    }

    let services = root.key("services");
    check.unique(
        services.clone(),
        building.services.iter().map(|s| s.id.as_str()),
    );
    let mut schedules = HashMap::new();
    for (index, service) in building.services.iter().enumerate() {
        let path = services.index(index);
        let Some(agency_schedule) = agency_schedules.get(service.agency.as_str()) else {
            check.problem(
                path.key("agency"),
                format!("unknown agency \"{}\"", service.agency),
            );
            continue;
        };
        check.localized(path.key("name"), &service.name, lang);
        check.localized(path.key("description"), &service.description, lang);
        if let Some(documents) = &service.documents {
            check.localized(path.key("documents"), documents, lang);
        }
        if service.target_wait_minutes == 0 {
            check.problem(path.key("target_wait_minutes"), "must be at least 1");
        }
        if service.typical_minutes == 0 {
            check.problem(path.key("typical_minutes"), "must be at least 1");
        }
        if !(service.alert_factor.is_finite() && service.alert_factor > 0.0) {
            check.problem(path.key("alert_factor"), "must be more than 0");
        }
        let own = check.schedule(path.key("hours"), &service.hours);
        let schedule = if service.hours.is_some() {
            own
        } else {
            agency_schedule.clone()
        };
        schedules.insert(service.id.clone(), schedule);
        if !building
            .desks
            .iter()
            .any(|d| d.services.contains(&service.id))
        {
            check.problem(path.key("id"), format!("no desk serves \"{}\"", service.id));
        }
    }

    check
        .problems
        .extend(super::dependencies::check(&building.services));

    let desks = root.key("desks");
    check.unique(desks.clone(), building.desks.iter().map(|d| d.id.as_str()));
    for (index, desk) in building.desks.iter().enumerate() {
        let path = desks.index(index);
        if desk.services.is_empty() {
            check.problem(path.key("services"), "a desk serves at least one service");
        }
        for (n, service) in desk.services.iter().enumerate() {
            if building.service(service).is_none() {
                check.problem(
                    path.key("services").index(n),
                    format!("unknown service \"{service}\""),
                );
            }
        }
        for (n, language) in desk.languages.iter().enumerate() {
            if !site.languages.contains(language) {
                check.problem(
                    path.key("languages").index(n),
                    format!("\"{language}\" is not in site.languages"),
                );
            }
        }
        if let Some(direction) = &desk.direction {
            check.localized(path.key("direction"), direction, lang);
        }
    }

    let zones: HashSet<&str> = building.desks.iter().map(|d| d.zone.as_str()).collect();
    for (index, display) in building.displays.iter().enumerate() {
        if let Some(zone) = &display.zone
            && !zones.contains(zone.as_str())
        {
            check.problem(
                root.key("displays").index(index).key("zone"),
                format!("no desk is in zone \"{zone}\""),
            );
        }
    }
    check.unique(
        root.key("displays"),
        building.displays.iter().map(|d| d.id.as_str()),
    );
    check.unique(
        root.key("kiosks"),
        building.kiosks.iter().map(|k| k.id.as_str()),
    );
    let signage = root.key("signage");
    if !building.signage.watch_for_number.is_empty() {
        check.localized(
            signage.key("watch_for_number"),
            &building.signage.watch_for_number,
            lang,
        );
    }
    for (index, notice) in building.signage.notices.iter().enumerate() {
        check.localized(signage.key("notices").index(index), notice, lang);
    }

    Found {
        problems: check.problems,
        schedules,
    }
}
