//! The silent emergency alarm's rules, pure: who may raise one, who is notified (and so
//! receives its events), who may acknowledge and close it, and the figures the statistics
//! show. README "Emergency alarm" states the same rules in words.

use lotse_protocol::{Change, Role, limits::MAX_ALARM_NOTE_CHARS};

use crate::DomainError;

/// A staff member as the alarm rules see them: their account and role, and the desk their
/// session sits at (with its floor), if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person<'a> {
    pub name: &'a str,
    pub role: Role,
    /// The desk the session chose and its floor.
    pub desk: Option<(&'a str, i32)>,
}

/// Where an alarm was raised and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Raised<'a> {
    pub desk: &'a str,
    pub floor: i32,
    pub raised_by: &'a str,
    pub open: bool,
}

/// Whether `role` answers every alarm of the building, wherever it is raised.
pub fn answers_everywhere(role: Role) -> bool {
    role >= Role::Supervisor || role == Role::Security
}

/// The desk (and its floor) `person` raises an alarm at: staff of any desk role at the desk
/// their session sits at. Security and interpreter accounts, and a session at no desk,
/// raise none (the control is on the desk console).
pub fn raising_desk<'a>(person: &Person<'a>) -> Result<(&'a str, i32), DomainError> {
    match person.desk {
        Some(desk) if person.role >= Role::Staff => Ok(desk),
        _ => Err(DomainError::AlarmNeedsDesk),
    }
}

/// Whether `person` hears of alarms at `desk` on `floor`: supervisors, admins and security
/// everywhere; staff at another desk on the same floor. Never the desk itself (whoever sits
/// there raised it or is beside the threat).
pub fn hears(person: &Person<'_>, desk: &str, floor: i32) -> bool {
    if person.desk.is_some_and(|(own, _)| own == desk) {
        return false;
    }
    answers_everywhere(person.role)
        || (person.role >= Role::Staff && person.desk.is_some_and(|(_, f)| f == floor))
}

/// Whether `person` is alerted to `alarm`: they hear of its place and did not raise it (the
/// raiser's screens show nothing: the alarm is silent).
pub fn notified(person: &Person<'_>, alarm: &Raised<'_>) -> bool {
    person.name != alarm.raised_by && hears(person, alarm.desk, alarm.floor)
}

/// Whether `person` sees `alarm` on the alarms page: those it notifies, and its raiser (who
/// may close it there).
pub fn visible(person: &Person<'_>, alarm: &Raised<'_>) -> bool {
    person.name == alarm.raised_by || notified(person, alarm)
}

/// `person` may say "on my way" to an open alarm that notifies them.
pub fn may_acknowledge(person: &Person<'_>, alarm: &Raised<'_>) -> Result<(), DomainError> {
    if !visible(person, alarm) {
        return Err(DomainError::AlarmNotFound);
    }
    if !alarm.open {
        return Err(DomainError::AlarmClosed);
    }
    if !notified(person, alarm) {
        return Err(DomainError::NotYourAlarm);
    }
    Ok(())
}

/// The raiser or a supervisor (or admin) closes an open alarm.
pub fn may_close(person: &Person<'_>, alarm: &Raised<'_>) -> Result<(), DomainError> {
    if !visible(person, alarm) {
        return Err(DomainError::AlarmNotFound);
    }
    if !alarm.open {
        return Err(DomainError::AlarmClosed);
    }
    if person.name == alarm.raised_by || person.role >= Role::Supervisor {
        Ok(())
    } else {
        Err(DomainError::NotYourAlarm)
    }
}

/// The closing note, trimmed: 1 to `MAX_ALARM_NOTE_CHARS` characters.
pub fn closing_note(text: &str) -> Result<&str, DomainError> {
    let note = text.trim();
    let length = note.chars().count();
    if length == 0 || length > MAX_ALARM_NOTE_CHARS {
        return Err(DomainError::AlarmNoteLength);
    }
    Ok(note)
}

/// Whether the live stream of `listener` (a staff member; none for a device token) carries
/// `change`. Every change but an alarm goes to everyone; an alarm's events only to the staff
/// who hear of its place.
pub fn streamed_to(change: &Change, listener: Option<&Person<'_>>) -> bool {
    match change {
        Change::Alarm { desk, floor, .. } => listener.is_some_and(|p| hears(p, desk, *floor)),
        _ => true,
    }
}

/// One month's alarms for the statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthFigures {
    /// `YYYY-MM` in the building's time zone.
    pub month: String,
    pub count: u64,
    /// How many got a response at all.
    pub answered: u64,
    /// The median time from raising to the first "on my way", in seconds.
    pub median_first_response_seconds: Option<i64>,
    /// The longest such time.
    pub longest_first_response_seconds: Option<i64>,
}

/// Alarms per month from `(month, seconds to the first response)` of each alarm, in month
/// order.
pub fn monthly(alarms: &[(String, Option<i64>)]) -> Vec<MonthFigures> {
    let mut months: std::collections::BTreeMap<&str, Vec<Option<i64>>> = Default::default();
    for (month, response) in alarms {
        months.entry(month).or_default().push(*response);
    }
    months
        .into_iter()
        .map(|(month, responses)| {
            let mut times: Vec<i64> = responses.iter().flatten().copied().collect();
            times.sort_unstable();
            MonthFigures {
                month: month.to_owned(),
                count: responses.len() as u64,
                answered: times.len() as u64,
                median_first_response_seconds: median(&times),
                longest_first_response_seconds: times.last().copied(),
            }
        })
        .collect()
}

/// The median of sorted values (the lower middle one for an even count).
fn median(sorted: &[i64]) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted[(sorted.len() - 1) / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use lotse_protocol::AlarmState;

    fn person(
        name: &'static str,
        role: Role,
        desk: Option<(&'static str, i32)>,
    ) -> Person<'static> {
        Person { name, role, desk }
    }

    const RAISED: Raised<'static> = Raised {
        desk: "eg-01",
        floor: 0,
        raised_by: "anna",
        open: true,
    };

    #[test]
    fn only_staff_at_a_desk_raise_an_alarm() {
        let at_desk = person("anna", Role::Staff, Some(("eg-01", 0)));
        assert_eq!(raising_desk(&at_desk), Ok(("eg-01", 0)));
        let lead = person("lead", Role::Supervisor, Some(("og1-04", 1)));
        assert_eq!(raising_desk(&lead), Ok(("og1-04", 1)));
        for nobody in [
            person("anna", Role::Staff, None),
            person("guard", Role::Security, Some(("eg-01", 0))),
            person("mediator", Role::Interpreter, Some(("eg-01", 0))),
        ] {
            assert_eq!(
                raising_desk(&nobody),
                Err(DomainError::AlarmNeedsDesk),
                "{nobody:?}"
            );
        }
    }

    #[test]
    fn an_alarm_notifies_the_floor_supervisors_and_security_never_the_raiser() {
        let check = |who: Person<'_>, expected: bool| {
            assert_eq!(notified(&who, &RAISED), expected, "{who:?}");
        };
        check(person("ben", Role::Staff, Some(("eg-04", 0))), true);
        check(person("carl", Role::Staff, Some(("og1-02", 1))), false);
        check(person("dora", Role::Staff, None), false);
        check(person("lead", Role::Supervisor, None), true);
        check(person("lead", Role::Supervisor, Some(("og1-02", 1))), true);
        check(person("root", Role::Admin, None), true);
        check(person("guard", Role::Security, None), true);
        check(person("mediator", Role::Interpreter, None), false);
        // The raiser, in this session or another one, and anyone else at the same desk.
        check(person("anna", Role::Staff, Some(("eg-01", 0))), false);
        check(person("anna", Role::Supervisor, None), false);
        check(person("eve", Role::Supervisor, Some(("eg-01", 0))), false);
    }

    #[test]
    fn responders_acknowledge_and_the_raiser_or_a_supervisor_closes() {
        let colleague = person("ben", Role::Staff, Some(("eg-04", 0)));
        let raiser = person("anna", Role::Staff, Some(("eg-01", 0)));
        let lead = person("lead", Role::Supervisor, None);
        let guard = person("guard", Role::Security, None);
        let upstairs = person("carl", Role::Staff, Some(("og1-02", 1)));
        assert_eq!(may_acknowledge(&colleague, &RAISED), Ok(()));
        assert_eq!(may_acknowledge(&guard, &RAISED), Ok(()));
        assert_eq!(
            may_acknowledge(&raiser, &RAISED),
            Err(DomainError::NotYourAlarm)
        );
        assert_eq!(
            may_acknowledge(&upstairs, &RAISED),
            Err(DomainError::AlarmNotFound)
        );
        assert_eq!(may_close(&raiser, &RAISED), Ok(()));
        assert_eq!(may_close(&lead, &RAISED), Ok(()));
        assert_eq!(
            may_close(&colleague, &RAISED),
            Err(DomainError::NotYourAlarm)
        );
        assert_eq!(may_close(&guard, &RAISED), Err(DomainError::NotYourAlarm));
        let closed = Raised {
            open: false,
            ..RAISED
        };
        assert_eq!(
            may_acknowledge(&colleague, &closed),
            Err(DomainError::AlarmClosed)
        );
        assert_eq!(may_close(&lead, &closed), Err(DomainError::AlarmClosed));
    }

    #[test]
    fn a_closing_note_is_short_and_not_empty() {
        assert_eq!(closing_note("  Fehlalarm \n"), Ok("Fehlalarm"));
        assert_eq!(closing_note("   "), Err(DomainError::AlarmNoteLength));
        let long = "ä".repeat(MAX_ALARM_NOTE_CHARS);
        assert_eq!(closing_note(&long), Ok(long.as_str()), "counts characters");
        assert_eq!(
            closing_note(&format!("{long}x")),
            Err(DomainError::AlarmNoteLength)
        );
    }

    #[test]
    fn alarm_events_reach_the_staff_who_hear_of_them_and_no_device() {
        let alarm = Change::Alarm {
            alarm: 1,
            desk: "eg-01".into(),
            floor: 0,
            state: AlarmState::Raised,
        };
        let other = Change::AppointmentsImported { count: 1 };
        assert!(!streamed_to(&alarm, None), "a kiosk or display");
        assert!(streamed_to(&other, None));
        let ben = person("ben", Role::Staff, Some(("eg-04", 0)));
        let carl = person("carl", Role::Staff, Some(("og1-02", 1)));
        let anna = person("anna", Role::Staff, Some(("eg-01", 0)));
        let mediator = person("mediator", Role::Interpreter, None);
        assert!(streamed_to(&alarm, Some(&ben)));
        assert!(!streamed_to(&alarm, Some(&carl)));
        assert!(!streamed_to(&alarm, Some(&anna)), "the raising desk");
        assert!(!streamed_to(&alarm, Some(&mediator)));
        assert!(streamed_to(&other, Some(&carl)));
    }

    #[test]
    fn months_count_alarms_and_the_time_to_the_first_response() {
        let alarms = [
            ("2026-11".to_owned(), Some(90)),
            ("2026-12".to_owned(), Some(30)),
            ("2026-11".to_owned(), None),
            ("2026-11".to_owned(), Some(40)),
            ("2026-11".to_owned(), Some(200)),
        ];
        let figures = monthly(&alarms);
        assert_eq!(figures.len(), 2);
        assert_eq!(
            figures[0],
            MonthFigures {
                month: "2026-11".into(),
                count: 4,
                answered: 3,
                median_first_response_seconds: Some(90),
                longest_first_response_seconds: Some(200),
            }
        );
        assert_eq!(figures[1].count, 1);
        assert_eq!(figures[1].median_first_response_seconds, Some(30));
        assert!(monthly(&[]).is_empty());
    }
}
