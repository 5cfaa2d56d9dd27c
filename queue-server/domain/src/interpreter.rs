//! The life cycle of an interpreter request as one table: status × action × who → new
//! status, or why not; and what may be asked for. Pure: the command layer loads the facts
//! (the account's languages, whether it is busy) and writes the result.

use lotse_protocol::{InterpreterRequest, InterpreterStatus, Role};

use super::{AuditAction, DomainError};

/// What is done to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterpreterAction {
    /// An interpreter of the language takes it.
    Accept,
    /// The interpreter is with the visitor.
    Arrive,
    /// The conversation is over.
    Finish,
    /// Staff withdraw it (the visitor left, or no longer needs one).
    Cancel,
}

impl InterpreterAction {
    pub const ALL: [InterpreterAction; 4] = [
        InterpreterAction::Accept,
        InterpreterAction::Arrive,
        InterpreterAction::Finish,
        InterpreterAction::Cancel,
    ];

    pub fn audit(self) -> AuditAction {
        match self {
            InterpreterAction::Accept => AuditAction::InterpreterAccept,
            InterpreterAction::Arrive => AuditAction::InterpreterArrive,
            InterpreterAction::Finish => AuditAction::InterpreterFinish,
            InterpreterAction::Cancel => AuditAction::InterpreterCancel,
        }
    }
}

/// The request as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFacts<'a> {
    pub status: InterpreterStatus,
    pub language: &'a str,
    /// The account that accepted it.
    pub interpreter: Option<&'a str>,
}

/// Who acts, with what the rules need to know of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acting<'a> {
    pub name: &'a str,
    pub role: Role,
    /// The languages of an interpreter account.
    pub languages: &'a [String],
    /// An interpreter with an accepted or arrived request of their own.
    pub busy: bool,
}

/// The status `action` by `by` leads to, or why it is refused. Accepting takes an interpreter
/// who speaks the language and has no current assignment; arriving and finishing are for the
/// interpreter who accepted (or staff at the desk, who see them come and go); cancelling is
/// for staff.
pub fn transition(
    action: InterpreterAction,
    request: RequestFacts<'_>,
    by: Acting<'_>,
) -> Result<InterpreterStatus, DomainError> {
    use InterpreterAction::*;
    use InterpreterStatus::*;
    let is_staff = by.role >= Role::Staff;
    let assigned = request.interpreter == Some(by.name);
    match action {
        Accept => {
            if by.role != Role::Interpreter {
                return Err(DomainError::NotAnInterpreter);
            }
            if !by.languages.iter().any(|l| l == request.language) {
                return Err(DomainError::LanguageNotSpoken(request.language.to_owned()));
            }
        }
        Arrive | Finish if !(assigned || is_staff) => return Err(DomainError::NotYourAssignment),
        Cancel if !is_staff => return Err(DomainError::NotYourAssignment),
        _ => {}
    }
    let to = match (action, request.status) {
        (Accept, Open) if by.busy => return Err(DomainError::InterpreterBusy),
        (Accept, Open) => Accepted,
        (Arrive, Accepted) => Arrived,
        (Finish, Accepted | Arrived) => Done,
        (Cancel, Open | Accepted | Arrived) => Cancelled,
        (_, status) => return Err(DomainError::InterpreterWrongStatus(status)),
    };
    Ok(to)
}

/// What becomes of a live request when its visit ends (the last concern finished): an
/// interpreter who is there is done, one not yet there is no longer needed.
pub fn when_visit_ends(status: InterpreterStatus) -> Option<InterpreterAction> {
    match status {
        InterpreterStatus::Open | InterpreterStatus::Accepted => Some(InterpreterAction::Cancel),
        InterpreterStatus::Arrived => Some(InterpreterAction::Finish),
        InterpreterStatus::Done | InterpreterStatus::Cancelled => None,
    }
}

/// What an interpreter's list shows: open requests of their languages and their own.
pub fn shown_to(request: &InterpreterRequest, name: &str, languages: &[String]) -> bool {
    let open_in_language =
        request.status == InterpreterStatus::Open && languages.contains(&request.language);
    open_in_language || request.interpreter.as_deref() == Some(name)
}

/// Whether an interpreter may be asked for in `language`: one the building offers, and not
/// its default language (every desk speaks that).
pub fn check_language(
    language: &str,
    offered: &[String],
    default_language: &str,
) -> Result<(), DomainError> {
    if !offered.iter().any(|l| l == language) {
        return Err(DomainError::UnknownLanguage(language.to_owned()));
    }
    if language == default_language {
        return Err(DomainError::NoInterpreterForDefaultLanguage);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    const NONE: &[String] = &[];

    fn request(status: InterpreterStatus, interpreter: Option<&str>) -> RequestFacts<'_> {
        RequestFacts {
            status,
            language: "ar",
            interpreter,
        }
    }

    fn interpreter<'a>(name: &'a str, languages: &'a [String], busy: bool) -> Acting<'a> {
        Acting {
            name,
            role: Role::Interpreter,
            languages,
            busy,
        }
    }

    fn staff() -> Acting<'static> {
        Acting {
            name: "anna",
            role: Role::Staff,
            languages: NONE,
            busy: false,
        }
    }

    #[test]
    fn the_table() {
        use InterpreterAction::*;
        use InterpreterStatus::*;
        let arabic = vec!["ar".to_owned(), "fa".to_owned()];
        let samir = interpreter("samir", &arabic, false);
        let check = |action, status, by, expected: Result<InterpreterStatus, DomainError>| {
            let assigned = (status != Open).then_some("samir");
            assert_eq!(
                transition(action, request(status, assigned), by),
                expected,
                "{action:?} on {status:?} by {by:?}"
            );
        };
        check(Accept, Open, samir, Ok(Accepted));
        check(Arrive, Accepted, samir, Ok(Arrived));
        check(Finish, Arrived, samir, Ok(Done));
        check(Finish, Accepted, samir, Ok(Done));
        check(Cancel, Accepted, staff(), Ok(Cancelled));
        check(Arrive, Accepted, staff(), Ok(Arrived));
        // Accepting twice, and acting on a finished request, do not fit the state.
        check(
            Accept,
            Accepted,
            samir,
            Err(DomainError::InterpreterWrongStatus(Accepted)),
        );
        for status in [Done, Cancelled] {
            for action in InterpreterAction::ALL {
                let by = if action == Cancel { staff() } else { samir };
                check(
                    action,
                    status,
                    by,
                    Err(DomainError::InterpreterWrongStatus(status)),
                );
            }
        }
        check(
            Arrive,
            Open,
            staff(),
            Err(DomainError::InterpreterWrongStatus(Open)),
        );
        // Who may act.
        let other = interpreter("olga", &arabic, false);
        check(Arrive, Accepted, other, Err(DomainError::NotYourAssignment));
        check(Cancel, Open, samir, Err(DomainError::NotYourAssignment));
        check(Accept, Open, staff(), Err(DomainError::NotAnInterpreter));
        let russian = vec!["ru".to_owned()];
        check(
            Accept,
            Open,
            interpreter("olga", &russian, false),
            Err(DomainError::LanguageNotSpoken("ar".into())),
        );
        check(
            Accept,
            Open,
            interpreter("samir", &arabic, true),
            Err(DomainError::InterpreterBusy),
        );
    }

    #[test]
    fn an_ended_visit_closes_what_is_live_and_staff_may_do_it() {
        for status in InterpreterStatus::iter() {
            match when_visit_ends(status) {
                Some(action) => {
                    assert!(status.is_live(), "{status:?}");
                    let facts = request(status, Some("samir"));
                    assert!(transition(action, facts, staff()).is_ok(), "{status:?}");
                }
                None => assert!(!status.is_live(), "{status:?}"),
            }
        }
    }

    #[test]
    fn every_status_and_action_has_an_answer() {
        let arabic = vec!["ar".to_owned()];
        for status in InterpreterStatus::iter() {
            for action in InterpreterAction::ALL {
                for by in [interpreter("samir", &arabic, false), staff()] {
                    let result = transition(action, request(status, Some("samir")), by);
                    if let Ok(to) = result {
                        assert_ne!(to, status, "{action:?} changes {status:?}");
                        assert!(status.is_live());
                    }
                }
            }
        }
    }

    #[test]
    fn interpreters_are_asked_for_in_offered_languages_but_german() {
        let offered = vec!["de".to_owned(), "ar".to_owned()];
        assert_eq!(check_language("ar", &offered, "de"), Ok(()));
        assert_eq!(
            check_language("de", &offered, "de"),
            Err(DomainError::NoInterpreterForDefaultLanguage)
        );
        assert_eq!(
            check_language("xx", &offered, "de"),
            Err(DomainError::UnknownLanguage("xx".into()))
        );
    }
}
