//! A transfer note: free text for the next agency, within one limit counted in characters
//! (the form's `maxlength` counts the same way, so a note the form takes is never refused).

use lotse_protocol::limits::MAX_NOTE_CHARS;

use crate::DomainError;

pub fn check_note(note: &str) -> Result<(), DomainError> {
    if note.chars().count() > MAX_NOTE_CHARS {
        Err(DomainError::NoteTooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        let umlauts = "ä".repeat(MAX_NOTE_CHARS);
        assert_eq!(check_note(&umlauts), Ok(()));
        let longer = "ä".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(check_note(&longer), Err(DomainError::NoteTooLong));
    }
}
