//! What a directory login grants: the role, agencies and interpreter languages that the
//! configured group mapping gives the groups a directory (LDAP/Active Directory, OpenID
//! Connect) reports for a user. Applied at every login and every re-validation; a user in no
//! mapped group gets nothing.

use lotse_protocol::Role;

use crate::AgencyScope;

/// Where an account comes from: its own password here, or a directory.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter
)]
#[strum(serialize_all = "snake_case")]
pub enum AccountSource {
    Local,
    Ldap,
    Oidc,
}

impl AccountSource {
    /// The stored name, also what the audit log records for a login.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One line of the mapping: members of `group` get `role`, `agencies` and `languages` (each
/// optional; several matching lines add up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRule {
    /// A group's distinguished name (LDAP) or a value of the groups claim (OIDC); compared
    /// without regard to ASCII case and surrounding spaces, as directories do for DNs.
    pub group: String,
    pub role: Option<Role>,
    pub agencies: Option<AgencyScope>,
    pub languages: Vec<String>,
}

/// What a user's groups grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The highest role any matching line gives.
    pub role: Role,
    /// The agencies of all matching lines together (every agency if one says `*`; none if no
    /// line names any).
    pub agencies: AgencyScope,
    /// The interpreter languages of all matching lines, sorted, each once.
    pub languages: Vec<String>,
}

/// Why a directory user gets no access.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the user is in no group the mapping names")]
    NoMappedGroup,
    #[error("the user's mapped groups give no role")]
    NoRole,
}

fn same_group(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// What `groups` grant under `rules`.
pub fn grant(rules: &[GroupRule], groups: &[String]) -> Result<Grant, Refusal> {
    let matching: Vec<&GroupRule> = rules
        .iter()
        .filter(|rule| groups.iter().any(|g| same_group(g, &rule.group)))
        .collect();
    if matching.is_empty() {
        return Err(Refusal::NoMappedGroup);
    }
    let role = matching
        .iter()
        .filter_map(|rule| rule.role)
        .max()
        .ok_or(Refusal::NoRole)?;
    let mut agencies = AgencyScope::Only(Vec::new());
    for scope in matching.iter().filter_map(|rule| rule.agencies.as_ref()) {
        agencies = match (agencies, scope) {
            (AgencyScope::All, _) | (_, AgencyScope::All) => AgencyScope::All,
            (AgencyScope::Only(mut ids), AgencyScope::Only(more)) => {
                ids.extend(more.iter().cloned());
                ids.sort();
                ids.dedup();
                AgencyScope::Only(ids)
            }
        };
    }
    let mut languages: Vec<String> = matching
        .iter()
        .flat_map(|rule| rule.languages.iter().cloned())
        .collect();
    languages.sort();
    languages.dedup();
    Ok(Grant {
        role,
        agencies,
        languages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(group: &str, role: Option<Role>, agencies: &str, languages: &[&str]) -> GroupRule {
        GroupRule {
            group: group.to_owned(),
            role,
            agencies: (!agencies.is_empty()).then(|| AgencyScope::parse(agencies)),
            languages: languages.iter().map(|l| (*l).to_owned()).collect(),
        }
    }

    fn rules() -> Vec<GroupRule> {
        vec![
            rule("cn=abh,ou=groups", Some(Role::Staff), "abh", &[]),
            rule("cn=jobcenter,ou=groups", Some(Role::Staff), "jc", &[]),
            rule("cn=leads,ou=groups", Some(Role::Supervisor), "", &[]),
            rule("cn=it,ou=groups", Some(Role::Admin), "*", &[]),
            rule("cn=arabic,ou=groups", Some(Role::Interpreter), "", &["ar"]),
            rule("cn=dari,ou=groups", None, "", &["fa", "ar"]),
        ]
    }

    fn check(groups: &[&str], expected: Result<(Role, &str, &[&str]), Refusal>) {
        let groups: Vec<String> = groups.iter().map(|g| (*g).to_owned()).collect();
        let got = grant(&rules(), &groups);
        let expected = expected.map(|(role, agencies, languages)| Grant {
            role,
            agencies: AgencyScope::parse(agencies),
            languages: languages.iter().map(|l| (*l).to_owned()).collect(),
        });
        assert_eq!(got, expected, "{groups:?}");
    }

    #[test]
    fn groups_grant_the_highest_role_and_all_their_agencies_and_languages() {
        check(&["CN=ABH,OU=Groups"], Ok((Role::Staff, "abh", &[])));
        check(
            &["cn=abh,ou=groups", "cn=jobcenter,ou=groups", "cn=other"],
            Ok((Role::Staff, "abh,jc", &[])),
        );
        check(
            &["cn=abh,ou=groups", "cn=leads,ou=groups"],
            Ok((Role::Supervisor, "abh", &[])),
        );
        check(
            &["cn=it,ou=groups", "cn=abh,ou=groups"],
            Ok((Role::Admin, "*", &[])),
        );
        check(
            &["cn=arabic,ou=groups", "cn=dari,ou=groups"],
            Ok((Role::Interpreter, "", &["ar", "fa"])),
        );
    }

    #[test]
    fn a_user_in_no_mapped_group_or_without_a_role_gets_nothing() {
        check(&[], Err(Refusal::NoMappedGroup));
        check(&["cn=canteen,ou=groups"], Err(Refusal::NoMappedGroup));
        check(&["cn=dari,ou=groups"], Err(Refusal::NoRole));
    }

    #[test]
    fn sources_have_stable_names() {
        assert_eq!(AccountSource::Local.as_str(), "local");
        assert_eq!(AccountSource::Ldap.as_str(), "ldap");
        assert_eq!("oidc".parse::<AccountSource>(), Ok(AccountSource::Oidc));
    }
}
