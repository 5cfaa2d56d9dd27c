//! Which role may open which staff page: one table, read by every page's guard
//! (`StaffPage::require`) and by the navigation, so a link shows only where its page opens.

use lotse_protocol::Role;

use super::staff_texts::StaffTexts;
use crate::domain::alarm::answers_everywhere;

/// The staff pages behind the navigation (a desk's console and one's own password page open
/// for every account, and are not in the table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffArea {
    /// Interpreter requests: interpreters see theirs, supervisors and admins all of today's.
    Interpreting,
    /// Every desk at a glance.
    Overview,
    /// Emergency alarms: each account sees only the alarms that concern it (the raiser closes
    /// their own there); linked for those who answer every alarm.
    Alarms,
    Statistics,
    /// Accounts, devices, voices.
    Administration,
}

impl StaffArea {
    /// Every area, in the navigation's order.
    pub const ALL: [StaffArea; 5] = [
        StaffArea::Interpreting,
        StaffArea::Overview,
        StaffArea::Alarms,
        StaffArea::Statistics,
        StaffArea::Administration,
    ];

    /// The table: whether `role` may open the area's pages.
    pub fn opens_for(self, role: Role) -> bool {
        match self {
            StaffArea::Interpreting => role == Role::Interpreter || role >= Role::Supervisor,
            StaffArea::Overview | StaffArea::Statistics => role >= Role::Supervisor,
            StaffArea::Alarms => true,
            StaffArea::Administration => role >= Role::Admin,
        }
    }

    /// Whether the navigation links the area for `role`: where it opens, and for the alarms
    /// only for those who answer every alarm (the others reach theirs from the console).
    pub fn listed_for(self, role: Role) -> bool {
        match self {
            StaffArea::Alarms => answers_everywhere(role),
            _ => self.opens_for(role),
        }
    }

    /// Where the navigation links to.
    pub fn path(self) -> &'static str {
        match self {
            StaffArea::Interpreting => "/staff/interpreter",
            StaffArea::Overview => "/staff/overview",
            StaffArea::Alarms => "/staff/alarms",
            StaffArea::Statistics => "/staff/stats",
            StaffArea::Administration => "/staff/admin",
        }
    }

    /// The navigation's label in the account's language.
    pub fn label(self, t: &StaffTexts) -> &'static str {
        match self {
            StaffArea::Interpreting => t.nav_interpreting,
            StaffArea::Overview => t.nav_overview,
            StaffArea::Alarms => t.nav_alarms,
            StaffArea::Statistics => t.nav_stats,
            StaffArea::Administration => t.nav_admin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn areas(role: Role, rule: fn(StaffArea, Role) -> bool) -> Vec<StaffArea> {
        StaffArea::ALL
            .into_iter()
            .filter(|area| rule(*area, role))
            .collect()
    }

    #[test]
    fn each_role_opens_what_the_table_says() {
        use Role::*;
        use StaffArea::*;
        assert_eq!(areas(Security, StaffArea::opens_for), [Alarms]);
        assert_eq!(
            areas(Interpreter, StaffArea::opens_for),
            [Interpreting, Alarms]
        );
        assert_eq!(areas(Staff, StaffArea::opens_for), [Alarms]);
        assert_eq!(
            areas(Supervisor, StaffArea::opens_for),
            [Interpreting, Overview, Alarms, Statistics]
        );
        assert_eq!(
            areas(Admin, StaffArea::opens_for),
            [Interpreting, Overview, Alarms, Statistics, Administration]
        );
    }

    #[test]
    fn the_navigation_links_only_pages_that_open() {
        for role in Role::iter() {
            for area in areas(role, StaffArea::listed_for) {
                assert!(area.opens_for(role), "{role:?} sees a link to {area:?}");
            }
        }
        assert_eq!(
            areas(Role::Security, StaffArea::listed_for),
            [StaffArea::Alarms]
        );
        assert!(areas(Role::Staff, StaffArea::listed_for).is_empty());
    }
}
