//! How staff log in: the `[auth]` table of the auth file (`serve --auth-config`): local
//! passwords (the default), an LDAP/Active Directory server, an OpenID provider, the group
//! mapping. A file of its own, apart from the building file, because it holds secrets' paths
//! and the building file is world-readable; validated against the building (agencies,
//! languages).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lotse_protocol::Role;
use serde::Deserialize;

use super::{Config, ConfigError, FieldPath, Problem};
use crate::domain::AgencyScope;
use crate::domain::directory::GroupRule;

/// A way to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// An account with its own password here (`queue-server user add`, the admin page).
    Local,
    Ldap,
    /// OpenID Connect (Keycloak, Entra ID, …): "Log in with …" on the login page.
    Oidc,
}

/// The validated `[auth]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthConfig {
    pub methods: Vec<Method>,
    /// A directory account's role, agencies and languages are checked again this often; a
    /// user gone from the directory or from every mapped group loses their sessions then.
    pub revalidate_every: Duration,
    pub ldap: Option<LdapSettings>,
    pub oidc: Option<OidcSettings>,
    pub groups: Vec<GroupRule>,
}

impl Default for AuthConfig {
    /// Local passwords only, as before directory logins existed.
    fn default() -> AuthConfig {
        AuthConfig {
            methods: vec![Method::Local],
            revalidate_every: Duration::from_secs(DEFAULT_REVALIDATE_MINUTES * 60),
            ldap: None,
            oidc: None,
            groups: Vec::new(),
        }
    }
}

impl AuthConfig {
    pub fn allows(&self, method: Method) -> bool {
        self.methods.contains(&method)
    }

    /// The LDAP settings when LDAP logins are on.
    pub fn ldap(&self) -> Option<&LdapSettings> {
        self.ldap.as_ref().filter(|_| self.allows(Method::Ldap))
    }

    /// The OpenID provider when OIDC logins are on.
    pub fn oidc(&self) -> Option<&OidcSettings> {
        self.oidc.as_ref().filter(|_| self.allows(Method::Oidc))
    }
}

/// The OpenID provider and this server as its client.
#[derive(Debug, Clone, PartialEq)]
pub struct OidcSettings {
    /// The button's name: "Log in with <name>".
    pub name: String,
    /// The issuer URL; its `/.well-known/openid-configuration` is read at the first login.
    pub issuer: String,
    pub client_id: String,
    /// Read from `client_secret_file` at start; none for a public client.
    pub client_secret: Option<Secret>,
    /// This server's `/staff/login/oidc/callback` as the provider knows it.
    pub redirect_url: String,
    /// Where the provider sends the browser after logging out (RP-initiated logout).
    pub post_logout_redirect_url: Option<String>,
    /// Asked for besides `openid`, e.g. `profile`, `groups`, `offline_access`.
    pub scopes: Vec<String>,
    /// The ID-token claim with the user's groups (Keycloak: `groups`; Entra ID: `groups`,
    /// object ids unless configured otherwise).
    pub groups_claim: String,
    /// The ID-token claim that names the account (`preferred_username`, `upn`, `email`).
    pub name_claim: String,
    pub timeout: Duration,
}

const DEFAULT_REVALIDATE_MINUTES: u64 = 15;

/// How a user's groups are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupLookup {
    /// The user entry's `memberOf` values (direct groups; OpenLDAP's memberof overlay, AD).
    MemberOf,
    /// Active Directory: every group the user is in, nested ones included, in one search with
    /// the matching rule LDAP_MATCHING_RULE_IN_CHAIN (`member:1.2.840.113556.1.4.1941:=`).
    InChain,
    /// Groups whose `member` is the user, then groups whose member is one of those, and so on
    /// (nested groups on servers without the in-chain rule, e.g. OpenLDAP).
    Search,
}

/// The LDAP server and how users and groups are found there.
#[derive(Debug, Clone, PartialEq)]
pub struct LdapSettings {
    /// `ldaps://host:636` or `ldap://host:389` (with `starttls`, or `allow_plain`).
    pub url: String,
    pub starttls: bool,
    /// Plain LDAP, passwords readable on the wire: only when set, with a warning at start.
    pub allow_plain: bool,
    /// Trust only this CA (PEM) for the server's certificate; the system's CAs when absent.
    pub ca_file: Option<PathBuf>,
    /// The service account that searches; anonymous search when absent.
    pub bind_dn: Option<String>,
    /// Its password, read from this file at start (first line).
    pub bind_password: Option<Secret>,
    pub user_base: String,
    /// `{name}` stands for the typed name, escaped.
    pub user_filter: String,
    pub groups: GroupLookup,
    /// Where groups are searched (`in_chain`, `search`); the user base when absent.
    pub group_base: Option<String>,
    pub connect_timeout: Duration,
    pub operation_timeout: Duration,
    /// Directory checks at once; more wait, as password checks do.
    pub max_concurrent: usize,
}

/// A secret that `Debug` does not print.
#[derive(Clone, PartialEq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthFile {
    auth: AuthTable,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthTable {
    #[serde(default = "local_only")]
    methods: Vec<Method>,
    #[serde(default = "default_revalidate")]
    revalidate_minutes: u64,
    ldap: Option<LdapTable>,
    oidc: Option<OidcTable>,
    #[serde(default)]
    groups: Vec<GroupTable>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OidcTable {
    name: String,
    issuer: String,
    client_id: String,
    client_secret_file: Option<PathBuf>,
    redirect_url: String,
    post_logout_redirect_url: Option<String>,
    #[serde(default = "default_scopes")]
    scopes: Vec<String>,
    #[serde(default = "default_groups_claim")]
    groups_claim: String,
    #[serde(default = "default_name_claim")]
    name_claim: String,
    #[serde(default = "five")]
    timeout_seconds: u64,
}

fn default_scopes() -> Vec<String> {
    vec!["profile".into()]
}

fn default_groups_claim() -> String {
    "groups".into()
}

fn default_name_claim() -> String {
    "preferred_username".into()
}

fn local_only() -> Vec<Method> {
    vec![Method::Local]
}

fn default_revalidate() -> u64 {
    DEFAULT_REVALIDATE_MINUTES
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LdapTable {
    url: String,
    #[serde(default)]
    starttls: bool,
    #[serde(default)]
    allow_plain: bool,
    ca_file: Option<PathBuf>,
    bind_dn: Option<String>,
    bind_password_file: Option<PathBuf>,
    user_base: String,
    user_filter: String,
    groups: GroupLookup,
    group_base: Option<String>,
    #[serde(default = "five")]
    connect_timeout_seconds: u64,
    #[serde(default = "five")]
    operation_timeout_seconds: u64,
    #[serde(default = "eight")]
    max_concurrent: usize,
}

fn five() -> u64 {
    5
}

fn eight() -> usize {
    8
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupTable {
    group: String,
    role: Option<Role>,
    /// Agency ids, or `["*"]` for every agency.
    agencies: Option<Vec<String>>,
    #[serde(default)]
    languages: Vec<String>,
}

impl AuthConfig {
    /// Reads and validates the auth file against the building `config`.
    pub fn load(path: &Path, config: &Config) -> Result<AuthConfig, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            file: file.clone(),
            source,
        })?;
        AuthConfig::parse(&file, &text, config)
    }

    /// Parses and validates auth TOML; `file` names it in errors. Secret files are read here.
    pub fn parse(file: &str, text: &str, config: &Config) -> Result<AuthConfig, ConfigError> {
        let syntax = |message: String| ConfigError::Syntax {
            file: file.to_owned(),
            message,
        };
        let table = toml::from_str::<AuthFile>(text)
            .map_err(|e| syntax(e.to_string()))?
            .auth;
        let mut problems = Vec::new();
        let mut problem = |field: String, message: String| {
            let line = super::locate::line_of(text, &field_path(&field));
            problems.push(Problem {
                field,
                line,
                message,
            });
        };
        if table.methods.is_empty() {
            problem("auth.methods".into(), "name at least one method".into());
        }
        if table.revalidate_minutes == 0 {
            problem(
                "auth.revalidate_minutes".into(),
                "must be at least 1".into(),
            );
        }
        let agencies: HashSet<&str> = config
            .building
            .agencies
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        let mut groups = Vec::new();
        for (n, group) in table.groups.into_iter().enumerate() {
            for agency in group.agencies.iter().flatten() {
                if agency != "*" && !agencies.contains(agency.as_str()) {
                    problem(
                        format!("auth.groups[{n}].agencies"),
                        format!("no agency \"{agency}\" in the building"),
                    );
                }
            }
            for language in &group.languages {
                if !config.speaks(language) {
                    problem(
                        format!("auth.groups[{n}].languages"),
                        format!("the building does not offer \"{language}\""),
                    );
                }
            }
            let agencies = group.agencies.map(|ids| {
                if ids.iter().any(|id| id == "*") {
                    AgencyScope::All
                } else {
                    AgencyScope::Only(ids)
                }
            });
            groups.push(GroupRule {
                group: group.group,
                role: group.role,
                agencies,
                languages: group.languages,
            });
        }
        let directory = table.methods.iter().any(|m| *m != Method::Local);
        if directory && groups.is_empty() {
            problem(
                "auth.groups".into(),
                "directory logins need a group mapping: nobody could log in".into(),
            );
        }
        if table.methods.contains(&Method::Ldap) && table.ldap.is_none() {
            problem(
                "auth.methods".into(),
                "\"ldap\" needs an [auth.ldap] table".into(),
            );
        }
        if table.methods.contains(&Method::Oidc) && table.oidc.is_none() {
            problem(
                "auth.methods".into(),
                "\"oidc\" needs an [auth.oidc] table".into(),
            );
        }
        let ldap = match table.ldap {
            Some(ldap) => ldap_settings(ldap, &mut problem),
            None => None,
        };
        let oidc = table.oidc.map(|oidc| oidc_settings(oidc, &mut problem));
        if !problems.is_empty() {
            return Err(ConfigError::Invalid {
                file: file.to_owned(),
                problems,
            });
        }
        Ok(AuthConfig {
            methods: table.methods,
            revalidate_every: Duration::from_secs(table.revalidate_minutes * 60),
            ldap,
            oidc,
            groups,
        })
    }
}

fn oidc_settings(oidc: OidcTable, problem: &mut impl FnMut(String, String)) -> OidcSettings {
    for (field, url) in [
        ("issuer", &oidc.issuer),
        ("redirect_url", &oidc.redirect_url),
    ] {
        if url::Url::parse(url).is_err() {
            problem(format!("auth.oidc.{field}"), format!("\"{url}\" is no URL"));
        }
    }
    let client_secret = match &oidc.client_secret_file {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some(Secret(text.lines().next().unwrap_or("").to_owned())),
            Err(error) => {
                problem(
                    "auth.oidc.client_secret_file".into(),
                    format!("cannot read {}: {error}", path.display()),
                );
                None
            }
        },
        None => None,
    };
    OidcSettings {
        name: oidc.name,
        issuer: oidc.issuer,
        client_id: oidc.client_id,
        client_secret,
        redirect_url: oidc.redirect_url,
        post_logout_redirect_url: oidc.post_logout_redirect_url,
        scopes: oidc.scopes,
        groups_claim: oidc.groups_claim,
        name_claim: oidc.name_claim,
        timeout: Duration::from_secs(oidc.timeout_seconds.max(1)),
    }
}

/// `auth.groups[2].agencies` as a [`FieldPath`], to find its line.
fn field_path(field: &str) -> FieldPath {
    let mut path = FieldPath::default();
    for part in field.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']').parse().ok()),
            None => (part, None),
        };
        path = path.key(key);
        if let Some(index) = index {
            path = path.index(index);
        }
    }
    path
}

fn ldap_settings(
    ldap: LdapTable,
    problem: &mut impl FnMut(String, String),
) -> Option<LdapSettings> {
    let secure = ldap.url.starts_with("ldaps://");
    let plain = ldap.url.starts_with("ldap://");
    if !secure && !plain {
        problem(
            "auth.ldap.url".into(),
            "must start with ldaps:// or ldap://".into(),
        );
    }
    if secure && ldap.starttls {
        problem(
            "auth.ldap.starttls".into(),
            "StartTLS is for ldap:// URLs; ldaps:// is TLS already".into(),
        );
    }
    if plain && !ldap.starttls && !ldap.allow_plain {
        problem(
            "auth.ldap.url".into(),
            "plain ldap:// sends passwords readable: use ldaps://, starttls = true, or \
             allow_plain = true if you must"
                .into(),
        );
    }
    if !ldap.user_filter.contains("{name}") {
        problem(
            "auth.ldap.user_filter".into(),
            "must contain {name}, where the typed name goes".into(),
        );
    }
    if ldap.bind_dn.is_some() != ldap.bind_password_file.is_some() {
        problem(
            "auth.ldap.bind_password_file".into(),
            "bind_dn and bind_password_file go together".into(),
        );
    }
    let bind_password = match &ldap.bind_password_file {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some(Secret(text.lines().next().unwrap_or("").to_owned())),
            Err(error) => {
                problem(
                    "auth.ldap.bind_password_file".into(),
                    format!("cannot read {}: {error}", path.display()),
                );
                None
            }
        },
        None => None,
    };
    if ldap.connect_timeout_seconds == 0 || ldap.operation_timeout_seconds == 0 {
        problem(
            "auth.ldap.connect_timeout_seconds".into(),
            "timeouts must be at least 1 second".into(),
        );
    }
    Some(LdapSettings {
        url: ldap.url,
        starttls: ldap.starttls,
        allow_plain: ldap.allow_plain,
        ca_file: ldap.ca_file,
        bind_dn: ldap.bind_dn,
        bind_password,
        user_base: ldap.user_base,
        user_filter: ldap.user_filter,
        groups: ldap.groups,
        group_base: ldap.group_base,
        connect_timeout: Duration::from_secs(ldap.connect_timeout_seconds),
        operation_timeout: Duration::from_secs(ldap.operation_timeout_seconds),
        max_concurrent: ldap.max_concurrent.max(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LDAP: &str = r#"
[auth]
methods = ["local", "ldap"]
revalidate_minutes = 10

[auth.ldap]
url = "ldaps://dc1.county.example:636"
user_base = "DC=county,DC=example"
user_filter = "(&(objectClass=user)(sAMAccountName={name}))"
groups = "in_chain"

[[auth.groups]]
group = "CN=Lotse-ABH,OU=Groups,DC=county,DC=example"
role = "staff"
agencies = ["immigration"]

[[auth.groups]]
group = "CN=Lotse-IT,OU=Groups,DC=county,DC=example"
role = "admin"
agencies = ["*"]
"#;

    fn parse(text: &str) -> Result<AuthConfig, ConfigError> {
        AuthConfig::parse("auth.toml", text, &Config::embedded().unwrap())
    }

    fn problems(text: &str) -> Vec<Problem> {
        match parse(text) {
            Err(ConfigError::Invalid { problems, .. }) => problems,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn an_active_directory_config_is_read() {
        let auth = parse(LDAP).unwrap();
        assert_eq!(auth.methods, [Method::Local, Method::Ldap]);
        assert_eq!(auth.revalidate_every, Duration::from_secs(600));
        let ldap = auth.ldap().unwrap();
        assert_eq!(ldap.groups, GroupLookup::InChain);
        assert_eq!(ldap.operation_timeout, Duration::from_secs(5));
        assert_eq!(auth.groups[1].agencies, Some(AgencyScope::All));
        assert_eq!(
            auth.groups[0].agencies,
            Some(AgencyScope::Only(vec!["immigration".into()]))
        );
    }

    #[test]
    fn plain_ldap_needs_the_explicit_flag() {
        let plain = LDAP.replace("ldaps://dc1.county.example:636", "ldap://dc1:389");
        let found = problems(&plain);
        assert_eq!(found[0].field, "auth.ldap.url");
        assert!(found[0].message.contains("allow_plain"), "{found:?}");
        assert!(found[0].line.is_some());
        let allowed = plain.replace(
            "groups = \"in_chain\"",
            "groups = \"in_chain\"\nallow_plain = true",
        );
        assert!(parse(&allowed).is_ok());
        let starttls = plain.replace(
            "groups = \"in_chain\"",
            "groups = \"in_chain\"\nstarttls = true",
        );
        assert!(parse(&starttls).unwrap().ldap().unwrap().starttls);
    }

    #[test]
    fn unknown_agencies_and_languages_and_a_missing_mapping_are_refused() {
        let wrong = LDAP.replace(
            "[\"immigration\"]",
            "[\"immigration\", \"zoo\"]\nlanguages = [\"xx\"]",
        );
        let fields: Vec<String> = problems(&wrong).into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            ["auth.groups[0].agencies", "auth.groups[0].languages"]
        );
        let unmapped = LDAP.split("[[auth.groups]]").next().unwrap();
        assert_eq!(problems(unmapped)[0].field, "auth.groups");
    }

    #[test]
    fn without_an_auth_file_only_local_passwords_count() {
        let auth = AuthConfig::default();
        assert!(auth.allows(Method::Local));
        assert!(auth.ldap().is_none());
    }
}
