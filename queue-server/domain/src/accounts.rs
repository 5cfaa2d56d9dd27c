//! The rules for staff account names and passwords, the same for the admin page, the CLI
//! and a staff member changing their own password.

use super::DomainError;

/// Minimum password length for staff accounts, in characters.
pub const MIN_PASSWORD_LENGTH: usize = 10;
/// Longer passwords are refused (argon2 would hash them, but nobody types more).
pub const MAX_PASSWORD_BYTES: usize = 1_000;
/// Account and device names, in bytes.
pub const MAX_NAME_BYTES: usize = 100;

/// A name as typed (trimmed): 1-100 bytes, no control characters (names end up in logs and
/// the audit log, where a line break would forge an entry).
pub fn account_name(typed: &str) -> Result<String, DomainError> {
    let name = typed.trim();
    let fits = !name.is_empty() && name.len() <= MAX_NAME_BYTES;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_passwords() {
        assert_eq!(account_name("  anna "), Ok("anna".into()));
        for bad in ["", "   ", "anna\nINFO forged", &"x".repeat(101)] {
            assert_eq!(account_name(bad), Err(DomainError::BadName), "{bad:?}");
        }
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
