//! How well a day served visitors in their language, pure: from the visits served (language,
//! desk, whether an interpreter came) and the interpreter requests, per language: visits,
//! served at a desk speaking the language, with an interpreter, in the language at all;
//! requests, accepted, and the mean minutes from request to acceptance.

use std::collections::BTreeMap;

use lotse_protocol::{Building, InterpreterRequest};

/// One visit served (a finished stop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub language: String,
    pub desk: Option<String>,
    /// An interpreter arrived for the visit.
    pub interpreter: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageRow {
    pub language: String,
    pub served: u32,
    /// At a desk whose staff speak the language.
    pub at_speaking_desk: u32,
    /// With an interpreter who arrived.
    pub with_interpreter: u32,
    /// Either of the two: served in the visitor's language.
    pub in_language: u32,
    pub requests: u32,
    pub accepted: u32,
    /// Mean minutes from request to acceptance, of the accepted ones.
    pub mean_minutes_to_accept: Option<u32>,
}

impl LanguageRow {
    /// Share of visits served in the language, in percent.
    pub fn share_in_language(&self) -> Option<u32> {
        (self.served > 0).then(|| self.in_language * 100 / self.served)
    }
}

/// The rows, one per language that had a visit or a request, in code order.
pub fn by_language(
    building: &Building,
    served: &[Served],
    requests: &[InterpreterRequest],
) -> Vec<LanguageRow> {
    let mut rows: BTreeMap<&str, LanguageRow> = BTreeMap::new();
    let mut accept_ms: BTreeMap<&str, i64> = BTreeMap::new();
    for visit in served {
        let row = rows.entry(&visit.language).or_default();
        let speaks = visit
            .desk
            .as_deref()
            .and_then(|d| building.desk(d))
            .is_some_and(|d| d.languages.contains(&visit.language));
        row.served += 1;
        row.at_speaking_desk += u32::from(speaks);
        row.with_interpreter += u32::from(visit.interpreter);
        row.in_language += u32::from(speaks || visit.interpreter);
    }
    for request in requests {
        let row = rows.entry(&request.language).or_default();
        row.requests += 1;
        if let Some(accepted_at) = request.accepted_at {
            row.accepted += 1;
            *accept_ms.entry(&request.language).or_default() += (accepted_at
                - request.requested_at)
                .num_milliseconds()
                .max(0);
        }
    }
    rows.into_iter()
        .map(|(language, mut row)| {
            row.language = language.to_owned();
            row.mean_minutes_to_accept = accept_ms.get(language).and_then(|ms| {
                let mean = ms / i64::from(row.accepted.max(1)) / 60_000;
                u32::try_from(mean).ok()
            });
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};
    use lotse_protocol::{InterpreterSource, InterpreterStatus};

    fn visit(language: &str, desk: &str, interpreter: bool) -> Served {
        Served {
            language: language.into(),
            desk: Some(desk.into()),
            interpreter,
        }
    }

    #[test]
    fn counts_visits_in_the_language_once_and_the_time_to_accept() {
        let building = crate::premises::sample::building();
        // eg-02 speaks de, en, ar; eg-01 de, en, ru.
        let served = [
            visit("ar", "eg-02", false),
            visit("ar", "eg-01", true),
            visit("ar", "eg-02", true),
            visit("ar", "eg-01", false),
            visit("de", "eg-01", false),
        ];
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let request = |minutes: Option<i64>| InterpreterRequest {
            id: 1,
            number: "A-001".into(),
            language: "ar".into(),
            status: InterpreterStatus::Open,
            source: InterpreterSource::Kiosk,
            desk: None,
            requested_at: at,
            interpreter: None,
            accepted_at: minutes.map(|m| at + Duration::minutes(m)),
            arrived_at: None,
            finished_at: None,
        };
        let requests = [request(Some(4)), request(Some(10)), request(None)];
        let rows = by_language(&building, &served, &requests);
        let arabic = &rows[0];
        assert_eq!(
            (
                arabic.language.as_str(),
                arabic.served,
                arabic.at_speaking_desk
            ),
            ("ar", 4, 2)
        );
        assert_eq!((arabic.with_interpreter, arabic.in_language), (2, 3));
        assert_eq!(arabic.share_in_language(), Some(75));
        assert_eq!((arabic.requests, arabic.accepted), (3, 2));
        assert_eq!(arabic.mean_minutes_to_accept, Some(7));
        assert_eq!(rows[1].share_in_language(), Some(100));
        assert_eq!(rows[1].mean_minutes_to_accept, None);
    }
}
