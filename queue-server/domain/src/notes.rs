//! A transfer note: free text for the next agency, within one limit counted in characters
//! (the form's `maxlength` counts the same way, so a note the form takes is never refused).

use lotse_protocol::Building;
use lotse_protocol::limits::MAX_NOTE_CHARS;

use crate::{AgencyScope, DomainError};

/// The agency whose notes on a stop of `service` `reader` may read: social-data secrecy
/// lets only the agency a note was written for read it, and only its own staff. `None`
/// when the reader may read none (or the service is gone).
pub fn readable_agency<'a>(
    building: &'a Building,
    service: &str,
    reader: &AgencyScope,
) -> Option<&'a str> {
    let agency = building.service(service)?.agency.as_str();
    reader.includes(agency).then_some(agency)
}

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
    fn only_the_staff_of_the_stops_agency_read_its_notes() {
        let building = crate::premises::sample::building();
        let service = &building.services[0];
        let own = AgencyScope::Only(vec![service.agency.clone()]);
        let other = AgencyScope::Only(vec!["someone-else".to_owned()]);
        assert_eq!(
            readable_agency(&building, &service.id, &own),
            Some(service.agency.as_str())
        );
        assert_eq!(
            readable_agency(&building, &service.id, &AgencyScope::All),
            Some(service.agency.as_str())
        );
        assert_eq!(readable_agency(&building, &service.id, &other), None);
        assert_eq!(readable_agency(&building, "gone", &AgencyScope::All), None);
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        let umlauts = "ä".repeat(MAX_NOTE_CHARS);
        assert_eq!(check_note(&umlauts), Ok(()));
        let longer = "ä".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(check_note(&longer), Err(DomainError::NoteTooLong));
    }
}
