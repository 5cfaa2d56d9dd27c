//! The agencies a staff account works for, and what that scope lets it reach (social-data
//! secrecy: notes, desks and lines of its own agencies only).

use lotse_protocol::Building;

use crate::DomainError;

/// The agencies a staff account works for. Social-data secrecy: an account reads transfer
/// notes and sits at desks only of its agencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgencyScope {
    All,
    Only(Vec<String>),
}

impl AgencyScope {
    /// `*` is every agency; otherwise agency ids separated by commas.
    pub fn parse(text: &str) -> AgencyScope {
        if text.trim() == "*" {
            return AgencyScope::All;
        }
        AgencyScope::Only(
            text.split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    pub fn to_text(&self) -> String {
        match self {
            AgencyScope::All => "*".to_owned(),
            AgencyScope::Only(ids) => ids.join(","),
        }
    }

    pub fn includes(&self, agency: &str) -> bool {
        match self {
            AgencyScope::All => true,
            AgencyScope::Only(ids) => ids.iter().any(|id| id == agency),
        }
    }

    /// An unknown desk is 404, a desk of other agencies 403.
    pub fn check_desk(&self, building: &Building, desk: &str) -> Result<(), DomainError> {
        if building.desk(desk).is_none() {
            Err(DomainError::UnknownDesk(desk.to_owned()))
        } else if self.serves_at(building, desk) {
            Ok(())
        } else {
            Err(DomainError::OtherAgency)
        }
    }

    /// Staff put tickets (walk-ins, priority or not) and appointments only into the lines
    /// of their agencies; an unknown service is left to the request checks.
    pub fn check_services<'a>(
        &self,
        building: &Building,
        services: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), DomainError> {
        let foreign = services.into_iter().any(|id| {
            building
                .service(id)
                .is_some_and(|service| !self.includes(&service.agency))
        });
        if foreign {
            Err(DomainError::OtherAgency)
        } else {
            Ok(())
        }
    }

    /// Whether at least one of `services` belongs to these agencies (a visit that concerns
    /// them).
    pub fn concerns_any<'a>(
        &self,
        building: &Building,
        services: impl IntoIterator<Item = &'a str>,
    ) -> bool {
        services
            .into_iter()
            .any(|service| self.includes(building.agency_of(service)))
    }

    /// Whether `desk` serves at least one service of these agencies.
    pub fn serves_at(&self, building: &Building, desk: &str) -> bool {
        building.desk(desk).is_some_and(|desk| {
            desk.services.iter().any(|service| {
                building
                    .service(service)
                    .is_some_and(|s| self.includes(&s.agency))
            })
        })
    }
}
