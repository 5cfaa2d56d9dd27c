//! The rules for staff account names and passwords, the same for the admin page, the CLI
//! and a staff member changing their own password.

use lotse_protocol::{Building, Role};

use super::{AgencyScope, DomainError};

/// Minimum password length for staff accounts, in characters.
pub const MIN_PASSWORD_LENGTH: usize = 10;
/// Longer passwords are refused (argon2 would hash them, but nobody types more).
pub const MAX_PASSWORD_BYTES: usize = 1_000;
pub use lotse_protocol::limits::MAX_NAME_CHARS;

/// A name as typed (trimmed): 1 to [`MAX_NAME_CHARS`] characters, no control characters (names end up in logs and
/// the audit log, where a line break would forge an entry).
pub fn account_name(typed: &str) -> Result<String, DomainError> {
    let name = typed.trim();
    let fits = !name.is_empty() && name.chars().count() <= MAX_NAME_CHARS;
    if !fits || name.chars().any(char::is_control) {
        return Err(DomainError::BadName);
    }
    Ok(name.to_owned())
}

pub fn check_password(password: &str) -> Result<(), DomainError> {
    if password.chars().count() < MIN_PASSWORD_LENGTH || password.len() > MAX_PASSWORD_BYTES {
        return Err(DomainError::WeakPassword);
    }
    Ok(())
}

/// The one account rule, for the admin page and the command line alike: a valid name (the
/// trimmed one is returned), agencies the building has, and languages for interpreter
/// accounts only — at least one, each offered by the building besides its default language.
pub fn check_account(
    building: &Building,
    name: &str,
    role: Role,
    agencies: &AgencyScope,
    languages: &[String],
) -> Result<String, DomainError> {
    let name = account_name(name)?;
    if let AgencyScope::Only(ids) = agencies
        && let Some(unknown) = ids.iter().find(|id| building.agency(id).is_none())
    {
        return Err(DomainError::UnknownAgency(unknown.clone()));
    }
    let site = &building.site;
    if let Some(unknown) = languages
        .iter()
        .find(|l| **l == site.default_language || !site.languages.contains(l))
    {
        return Err(DomainError::NoInterpretingIn(unknown.clone()));
    }
    match (role == Role::Interpreter, languages.is_empty()) {
        (true, true) => Err(DomainError::InterpreterNeedsLanguage),
        (false, false) => Err(DomainError::LanguagesOnlyForInterpreters),
        _ => Ok(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_rule_for_names_agencies_and_interpreter_languages() {
        let building = crate::premises::sample::building();
        let agency = building.agencies[0].id.clone();
        let other_language = building
            .site
            .languages
            .iter()
            .find(|l| **l != building.site.default_language)
            .expect("a second language")
            .clone();
        let check = |role, agencies: &AgencyScope, languages: &[String]| {
            check_account(&building, " anna ", role, agencies, languages)
        };
        let all = AgencyScope::All;
        assert_eq!(check(Role::Staff, &all, &[]), Ok("anna".into()));
        let own = AgencyScope::Only(vec![agency]);
        assert_eq!(check(Role::Staff, &own, &[]), Ok("anna".into()));
        let unknown = AgencyScope::Only(vec!["nowhere".into()]);
        assert_eq!(
            check(Role::Staff, &unknown, &[]),
            Err(DomainError::UnknownAgency("nowhere".into()))
        );
        let speaks = [other_language];
        assert_eq!(check(Role::Interpreter, &all, &speaks), Ok("anna".into()));
        assert_eq!(
            check(Role::Interpreter, &all, &[]),
            Err(DomainError::InterpreterNeedsLanguage)
        );
        assert_eq!(
            check(Role::Staff, &all, &speaks),
            Err(DomainError::LanguagesOnlyForInterpreters)
        );
        let default = [building.site.default_language.clone()];
        assert_eq!(
            check(Role::Interpreter, &all, &default),
            Err(DomainError::NoInterpretingIn(default[0].clone()))
        );
        assert_eq!(
            check_account(&building, "", Role::Staff, &all, &[]),
            Err(DomainError::BadName)
        );
    }

    #[test]
    fn names_and_passwords() {
        assert_eq!(account_name("  anna "), Ok("anna".into()));
        for bad in ["", "   ", "anna\nINFO forged", &"x".repeat(101)] {
            assert_eq!(account_name(bad), Err(DomainError::BadName), "{bad:?}");
        }
        let umlauts = "ä".repeat(MAX_NAME_CHARS);
        assert_eq!(
            account_name(&umlauts),
            Ok(umlauts.clone()),
            "the form's maxlength counts characters, so does the rule"
        );
        assert_eq!(check_password("123456789"), Err(DomainError::WeakPassword));
        assert_eq!(
            check_password("ääääääääää"),
            Ok(()),
            "characters, not bytes"
        );
        let long = "x".repeat(MAX_PASSWORD_BYTES + 1);
        assert_eq!(check_password(&long), Err(DomainError::WeakPassword));
    }
}
