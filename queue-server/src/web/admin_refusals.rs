//! Why an admin change on `/staff/admin` was refused, said on the admin page in the
//! account's language (the form is a plain HTML form: a JSON error would leave the admin on
//! a page of code). Failures the page cannot explain (a rejected CSRF token, a busy server,
//! storage) keep their plain error response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::admin_texts::{AdminTexts, fill};
use crate::domain::DomainError;
use crate::domain::accounts::{MAX_NAME_CHARS, MIN_PASSWORD_LENGTH};
use crate::http::error::AppError;
use crate::services::ServiceError;
use crate::storage::StorageError;

/// A refused or failed admin change.
pub enum Failure {
    /// A reason the page states, with the status the error has in the API.
    Refused(StatusCode, Reason),
    /// Anything else: the plain error response.
    Plain(Response),
}

/// A reason an admin change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    NameTaken,
    BadName,
    WeakPassword,
    InterpreterNeedsLanguage,
    LanguagesOnlyForInterpreters,
    /// A role, agency, language or device type the building does not know.
    UnknownChoice,
    OwnAccount,
    NotFound,
}

impl Reason {
    /// What the admin page says.
    pub fn text(self, a: &AdminTexts) -> String {
        match self {
            Reason::NameTaken => a.name_taken.to_owned(),
            Reason::BadName => fill(a.bad_name, "n", &MAX_NAME_CHARS.to_string()),
            Reason::WeakPassword => fill(a.weak_password, "n", &MIN_PASSWORD_LENGTH.to_string()),
            Reason::InterpreterNeedsLanguage => a.interpreter_needs_language.to_owned(),
            Reason::LanguagesOnlyForInterpreters => a.languages_only_for_interpreters.to_owned(),
            Reason::UnknownChoice => a.unknown_choice.to_owned(),
            Reason::OwnAccount => a.own_account.to_owned(),
            Reason::NotFound => a.not_found.to_owned(),
        }
    }

    /// The reason behind a domain refusal of an account or device change, if it is one.
    fn of(error: &DomainError) -> Option<Reason> {
        Some(match error {
            DomainError::BadName => Reason::BadName,
            DomainError::WeakPassword => Reason::WeakPassword,
            DomainError::InterpreterNeedsLanguage => Reason::InterpreterNeedsLanguage,
            DomainError::LanguagesOnlyForInterpreters => Reason::LanguagesOnlyForInterpreters,
            DomainError::UnknownAgency(_)
            | DomainError::NoInterpretingIn(_)
            | DomainError::UnknownLanguage(_) => Reason::UnknownChoice,
            _ => return None,
        })
    }
}

impl Failure {
    /// A refusal for `reason`, with the status of the same refusal in the API.
    pub fn refused(reason: Reason) -> Failure {
        let status = match reason {
            Reason::NotFound => StatusCode::NOT_FOUND,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        Failure::Refused(status, reason)
    }
}

impl From<AppError> for Failure {
    fn from(error: AppError) -> Failure {
        match &error {
            AppError::Domain(domain) => match Reason::of(domain) {
                Some(reason) => Failure::Refused(error.status(), reason),
                None => Failure::Plain(error.into_response()),
            },
            AppError::NotFound => Failure::refused(Reason::NotFound),
            _ => Failure::Plain(error.into_response()),
        }
    }
}

impl From<ServiceError> for Failure {
    fn from(error: ServiceError) -> Failure {
        match error {
            ServiceError::Storage(StorageError::NameTaken(_)) => {
                Failure::refused(Reason::NameTaken)
            }
            error => Failure::from(AppError::from(error)),
        }
    }
}

impl From<DomainError> for Failure {
    fn from(error: DomainError) -> Failure {
        Failure::from(AppError::from(error))
    }
}

/// A response already made (a rejected CSRF token, a busy password hasher).
impl From<Response> for Failure {
    fn from(response: Response) -> Failure {
        Failure::Plain(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::admin_texts::{ENGLISH, GERMAN};

    #[test]
    fn account_refusals_are_stated_and_other_failures_stay_plain() {
        let refused = |failure: Failure| match failure {
            Failure::Refused(status, reason) => Some((status, reason)),
            Failure::Plain(_) => None,
        };
        assert_eq!(
            refused(ServiceError::Storage(StorageError::NameTaken("kim".into())).into()),
            Some((StatusCode::UNPROCESSABLE_ENTITY, Reason::NameTaken))
        );
        assert_eq!(
            refused(DomainError::UnknownAgency("x".into()).into()),
            Some((StatusCode::UNPROCESSABLE_ENTITY, Reason::UnknownChoice))
        );
        assert_eq!(
            refused(AppError::NotFound.into()),
            Some((StatusCode::NOT_FOUND, Reason::NotFound))
        );
        assert_eq!(refused(AppError::CsrfRejected.into()), None);
        assert_eq!(refused(AppError::Busy.into()), None);
        assert_eq!(
            Reason::WeakPassword.text(&ENGLISH),
            format!("The password needs at least {MIN_PASSWORD_LENGTH} characters.")
        );
        assert!(
            Reason::BadName
                .text(&GERMAN)
                .contains(&MAX_NAME_CHARS.to_string())
        );
    }
}
