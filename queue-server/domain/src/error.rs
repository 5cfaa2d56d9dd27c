//! Why the domain refuses a change. Each variant maps to one stable API error code
//! (the server's HTTP layer adds the status).

use lotse_protocol::{ErrorCode, InterpreterStatus, StopStatus, limits};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("choose at least one service")]
    NoConcern,
    #[error("at most {} services per ticket", limits::MAX_CONCERNS)]
    TooManyConcerns,
    #[error("\"{0}\" is listed twice")]
    ConcernTwice(String),
    #[error("unknown outcome; the known ones are listed in the console")]
    UnknownOutcome,
    #[error("the note is at most {} characters", limits::MAX_NOTE_CHARS)]
    NoteTooLong,
    #[error(
        "the name must be 1-{} characters, without line breaks",
        super::accounts::MAX_NAME_CHARS
    )]
    BadName,
    #[error(
        "the password needs at least {} characters",
        super::accounts::MIN_PASSWORD_LENGTH
    )]
    WeakPassword,
    #[error("unknown service \"{0}\"")]
    UnknownService(String),
    #[error("language \"{0}\" is not offered in this building")]
    UnknownLanguage(String),
    #[error("\"{0}\" is closed now")]
    ServiceClosed(String),
    #[error("\"{0}\" takes no more walk-in visitors today")]
    WalkInsFull(String),
    #[error("\"{0}\" is by appointment only")]
    AppointmentOnly(String),
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyKeyReused,
    #[error("unknown desk \"{0}\"")]
    UnknownDesk(String),
    #[error("no such ticket today")]
    TicketNotFound,
    #[error("no appointment with this code")]
    AppointmentNotFound,
    #[error("check-in opens {0} minutes before the appointment")]
    AppointmentTooEarly(u32),
    #[error("the appointment time has passed")]
    AppointmentExpired,
    #[error("the desk is still handling ticket {0}")]
    DeskBusy(String),
    #[error("the desk has no current ticket")]
    NoCurrentTicket,
    #[error("not possible while the ticket is {}", .0.as_str())]
    WrongStatus(StopStatus),
    #[error("recall the ticket {0} time(s) before marking a no-show")]
    RecallsRequired(u32),
    #[error("the no-show is too long ago to call the ticket again")]
    ReactivationWindowPassed,
    #[error("the ticket is at another desk")]
    TicketAtOtherDesk,
    #[error("this desk does not serve \"{0}\"")]
    ServiceNotServedHere(String),
    #[error("no clip \"{0}\" is needed for this language")]
    UnknownClip(String),
    #[error("the recording is not usable: {0}")]
    BadRecording(String),
    #[error("no such interpreter request")]
    InterpreterRequestNotFound,
    #[error("not possible while the interpreter request is {}", .0.as_str())]
    InterpreterWrongStatus(InterpreterStatus),
    #[error("this account does not interpret \"{0}\"")]
    LanguageNotSpoken(String),
    #[error("only an interpreter account accepts requests")]
    NotAnInterpreter,
    #[error("this request is another interpreter's")]
    NotYourAssignment,
    #[error("finish the current assignment first")]
    InterpreterBusy,
    #[error("the visit already has an interpreter request")]
    InterpreterAlreadyRequested,
    #[error("every desk speaks the building's default language")]
    NoInterpreterForDefaultLanguage,
    #[error("the score is {} to {}", super::feedback::SCORES.start(), super::feedback::SCORES.end())]
    BadScore,
    #[error(
        "the comment is at most {} characters",
        limits::MAX_FEEDBACK_COMMENT_CHARS
    )]
    CommentTooLong,
    #[error("feedback is asked for when every concern of the visit is finished")]
    VisitNotFinished,
    #[error("this visit's feedback was given already")]
    FeedbackAlreadyGiven,
    #[error("no such active alert")]
    AlertNotFound,
    #[error("an alarm is raised from a desk console")]
    AlarmNeedsDesk,
    #[error("no such alarm")]
    AlarmNotFound,
    #[error("the alarm is closed already")]
    AlarmClosed,
    #[error("only the raiser or a supervisor closes an alarm; its raiser does not respond to it")]
    NotYourAlarm,
    #[error("the closing note is 1 to {} characters", limits::MAX_ALARM_NOTE_CHARS)]
    AlarmNoteLength,
    /// A desk, line or appointment of an agency the account does not work for.
    #[error("not allowed for this account or device")]
    OtherAgency,
    /// A kiosk asking for another channel than its own, or for priority.
    #[error("not allowed for this account or device")]
    NotForThisIssuer,
    #[error("appointment tickets come from POST /api/v1/checkins")]
    AppointmentTicketsByCheckIn,
    #[error("unknown agency \"{0}\"")]
    UnknownAgency(String),
    #[error("no interpreting in \"{0}\"")]
    NoInterpretingIn(String),
    #[error("an interpreter account needs a language")]
    InterpreterNeedsLanguage,
    #[error("only interpreter accounts have languages")]
    LanguagesOnlyForInterpreters,
}

impl DomainError {
    /// The stable code clients match on.
    pub fn code(&self) -> ErrorCode {
        use DomainError::*;
        match self {
            NoConcern | TooManyConcerns | ConcernTwice(_) | UnknownOutcome | NoteTooLong
            | BadName | WeakPassword | BadRecording(_) => ErrorCode::InvalidInput,
            UnknownClip(_) | AlertNotFound | AlarmNotFound => ErrorCode::NotFound,
            AlarmClosed => ErrorCode::WrongStatus,
            AlarmNoteLength => ErrorCode::InvalidInput,
            AlarmNeedsDesk | NotYourAlarm => ErrorCode::Forbidden,
            UnknownService(_) => ErrorCode::UnknownService,
            UnknownLanguage(_) => ErrorCode::UnknownLanguage,
            ServiceClosed(_) => ErrorCode::ServiceClosed,
            WalkInsFull(_) => ErrorCode::WalkInsFull,
            AppointmentOnly(_) => ErrorCode::AppointmentOnly,
            IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            UnknownDesk(_) => ErrorCode::UnknownDesk,
            TicketNotFound => ErrorCode::TicketNotFound,
            AppointmentNotFound => ErrorCode::UnknownAppointment,
            AppointmentTooEarly(_) => ErrorCode::AppointmentTooEarly,
            AppointmentExpired => ErrorCode::AppointmentExpired,
            DeskBusy(_) => ErrorCode::DeskBusy,
            NoCurrentTicket => ErrorCode::NoCurrentTicket,
            WrongStatus(_) => ErrorCode::WrongStatus,
            RecallsRequired(_) => ErrorCode::RecallsRequired,
            ReactivationWindowPassed => ErrorCode::ReactivationWindowPassed,
            TicketAtOtherDesk => ErrorCode::TicketAtOtherDesk,
            ServiceNotServedHere(_) => ErrorCode::ServiceNotServedHere,
            InterpreterRequestNotFound => ErrorCode::UnknownInterpreterRequest,
            InterpreterWrongStatus(_) => ErrorCode::WrongStatus,
            LanguageNotSpoken(_) => ErrorCode::LanguageNotSpoken,
            NotAnInterpreter | NotYourAssignment | OtherAgency | NotForThisIssuer => {
                ErrorCode::Forbidden
            }
            AppointmentTicketsByCheckIn
            | UnknownAgency(_)
            | NoInterpretingIn(_)
            | InterpreterNeedsLanguage
            | LanguagesOnlyForInterpreters => ErrorCode::InvalidInput,
            InterpreterBusy => ErrorCode::InterpreterBusy,
            InterpreterAlreadyRequested => ErrorCode::InterpreterAlreadyRequested,
            NoInterpreterForDefaultLanguage | BadScore | CommentTooLong => ErrorCode::InvalidInput,
            VisitNotFinished => ErrorCode::VisitNotFinished,
            FeedbackAlreadyGiven => ErrorCode::FeedbackAlreadyGiven,
        }
    }
}
