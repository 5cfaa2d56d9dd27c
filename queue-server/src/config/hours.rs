//! Opening hours: parsing `"08:00-12:00,13:00-15:30"` per weekday and asking "open at this
//! local time?".

use chrono::{Datelike, NaiveTime, Timelike};
use lotse_protocol::WeekHours;

/// Opening hours parsed into time ranges, Monday first.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    days: [Vec<(NaiveTime, NaiveTime)>; 7],
}

impl Schedule {
    /// Parses every day; the error names the day and the bad text.
    pub fn parse(hours: &WeekHours) -> Result<Schedule, (&'static str, String)> {
        let mut days: [Vec<(NaiveTime, NaiveTime)>; 7] = Default::default();
        for (index, (name, text)) in hours.days().into_iter().enumerate() {
            if let Some(text) = text {
                days[index] = parse_day(text).map_err(|message| (name, message))?;
            }
        }
        Ok(Schedule { days })
    }

    /// Whether `local` (a wall-clock time in the building's time zone) is inside opening hours.
    pub fn is_open<T: Datelike + Timelike>(&self, local: &T) -> bool {
        let weekday = local.weekday().num_days_from_monday() as usize;
        let Some(time) = NaiveTime::from_hms_opt(local.hour(), local.minute(), local.second())
        else {
            return false;
        };
        self.days[weekday]
            .iter()
            .any(|(open, close)| *open <= time && time < *close)
    }
}

fn parse_day(text: &str) -> Result<Vec<(NaiveTime, NaiveTime)>, String> {
    let mut ranges = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (open, close) = part
            .split_once('-')
            .ok_or_else(|| format!("\"{part}\" is not a range like 08:00-12:00"))?;
        let open = parse_time(open)?;
        let close = parse_time(close)?;
        if open >= close {
            return Err(format!("\"{part}\" closes before it opens"));
        }
        if let Some((_, previous_close)) = ranges.last()
            && open < *previous_close
        {
            return Err(format!(
                "\"{part}\" overlaps or precedes the range before it"
            ));
        }
        ranges.push((open, close));
    }
    Ok(ranges)
}

fn parse_time(text: &str) -> Result<NaiveTime, String> {
    let text = text.trim();
    if text == "24:00" {
        return NaiveTime::from_hms_opt(23, 59, 59).ok_or_else(|| "bad time".to_owned());
    }
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| format!("\"{text}\" is not a time HH:MM"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32, hour: u32, minute: u32) -> chrono::NaiveDateTime {
        // 2026-11-16 is a Monday.
        NaiveDate::from_ymd_opt(2026, 11, 16 + day)
            .and_then(|d| d.and_hms_opt(hour, minute, 0))
            .unwrap()
    }

    #[test]
    fn open_inside_ranges_only() {
        let hours = WeekHours {
            mon: Some("08:00-12:00, 13:00-15:30".into()),
            wed: Some(String::new()),
            ..WeekHours::default()
        };
        let schedule = Schedule::parse(&hours).unwrap();
        let check = |time, expected: bool| assert_eq!(schedule.is_open(&time), expected, "{time}");
        check(at(0, 7, 59), false);
        check(at(0, 8, 0), true);
        check(at(0, 11, 59), true);
        check(at(0, 12, 0), false);
        check(at(0, 13, 30), true);
        check(at(0, 15, 30), false);
        check(at(1, 9, 0), false);
        check(at(2, 9, 0), false);
    }

    #[test]
    fn bad_hours_name_the_day() {
        let check = |text: &str| {
            let hours = WeekHours {
                tue: Some(text.into()),
                ..WeekHours::default()
            };
            Schedule::parse(&hours).unwrap_err()
        };
        assert_eq!(check("8-12").0, "tue");
        assert!(check("12:00-08:00").1.contains("closes before"));
        assert!(check("08:00-12:00,11:00-13:00").1.contains("overlaps"));
        assert!(check("08:00").1.contains("not a range"));
    }
}
