//! Whose figures a caller sees on `/staff/stats` and in its downloads: an admin (or an
//! account of every agency) all agencies', a supervisor only their agencies'. The agency
//! choice offers only those, asking for another is refused, and without a choice the figures
//! cover the legs at their agencies (a visit that went on elsewhere still counts as a
//! cross-agency visit). `queue-server stats export` (IT, on the server) is not scoped.

use std::collections::BTreeSet;

use lotse_protocol::{Building, Role};

use super::Filter;
use crate::auth::AgencyScope;
use crate::services::ServiceError;

/// The agencies a caller may see the figures of; none = every agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsScope(Option<BTreeSet<String>>);

impl StatsScope {
    pub fn of(role: Role, agencies: &AgencyScope) -> StatsScope {
        match agencies {
            _ if role >= Role::Admin => StatsScope(None),
            AgencyScope::All => StatsScope(None),
            AgencyScope::Only(ids) => StatsScope(Some(ids.iter().cloned().collect())),
        }
    }

    pub fn offers(&self, agency: &str) -> bool {
        self.0.as_ref().is_none_or(|ids| ids.contains(agency))
    }

    /// Whether the desk serves a service of these agencies (the desk choice offers it).
    pub fn offers_desk(&self, building: &Building, desk: &str) -> bool {
        self.filter(None)
            .is_ok_and(|filter| filter.keeps_desk(building, desk))
    }

    /// The filter's agencies for the agency asked for (none: all the caller may see); an
    /// agency outside the scope is refused.
    pub fn filter(&self, asked: Option<&str>) -> Result<Filter, ServiceError> {
        let agencies = match asked {
            Some(agency) if self.offers(agency) => Some(BTreeSet::from([agency.to_owned()])),
            Some(_) => return Err(ServiceError::Forbidden),
            None => self.0.clone(),
        };
        Ok(Filter {
            agencies,
            ..Filter::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(ids: &[&str]) -> AgencyScope {
        AgencyScope::Only(ids.iter().map(|id| (*id).to_owned()).collect())
    }

    #[test]
    fn a_supervisor_sees_their_agencies_and_is_refused_others() {
        let scope = StatsScope::of(Role::Supervisor, &only(&["jobcenter", "integration"]));
        let mine = scope.filter(None).expect("allowed").agencies;
        assert_eq!(
            mine,
            Some(["integration".to_owned(), "jobcenter".to_owned()].into())
        );
        let one = scope.filter(Some("jobcenter")).expect("allowed").agencies;
        assert_eq!(one, Some(["jobcenter".to_owned()].into()));
        assert!(matches!(
            scope.filter(Some("immigration")),
            Err(ServiceError::Forbidden)
        ));
        // None of their agencies: nothing, never everything.
        let none = StatsScope::of(Role::Supervisor, &only(&[]));
        assert_eq!(
            none.filter(None).expect("allowed").agencies,
            Some(BTreeSet::new())
        );
    }

    #[test]
    fn admins_and_accounts_of_every_agency_see_all() {
        for scope in [
            StatsScope::of(Role::Admin, &only(&["jobcenter"])),
            StatsScope::of(Role::Supervisor, &AgencyScope::All),
        ] {
            assert_eq!(scope.filter(None).expect("allowed").agencies, None);
            assert!(scope.filter(Some("immigration")).is_ok());
        }
    }
}
