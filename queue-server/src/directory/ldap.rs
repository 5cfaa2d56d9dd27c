//! The LDAP/Active Directory client (the `ldap3` crate): find a user by the configured filter,
//! check their password by binding as them, and list their groups, nested ones included.
//! Every step has the configured timeout; a connection is kept for the next check when it
//! ends bound as the service account (`pool.rs`).

use std::collections::BTreeSet;
use std::sync::Arc;

use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, Scope, SearchEntry, ldap_escape};

use super::{DirectoryError, DirectoryUser};
use crate::config::auth::{GroupLookup, LdapSettings};

/// LDAP's result code for a wrong password (or an unknown bind DN).
const INVALID_CREDENTIALS: u32 = 49;
/// Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: membership through nested groups.
const IN_CHAIN: &str = "1.2.840.113556.1.4.1941";
/// How deep `GroupLookup::Search` follows groups in groups.
const MAX_NESTING: usize = 10;

/// A connection to the directory, bound as the service account (or anonymous).
pub struct Connection {
    ldap: Ldap,
    settings: Arc<LdapSettings>,
}

fn unreachable(error: LdapError) -> DirectoryError {
    DirectoryError::Unreachable(error.to_string())
}

impl Connection {
    /// Connects (with the connect timeout, TLS as configured) and binds as the service
    /// account.
    pub async fn open(settings: Arc<LdapSettings>) -> Result<Connection, DirectoryError> {
        let mut connection = LdapConnSettings::new()
            .set_conn_timeout(settings.connect_timeout)
            .set_starttls(settings.starttls);
        if let Some(ca) = &settings.ca_file {
            let tls = crate::net::tls::client_trusting(ca)
                .map_err(|e| DirectoryError::Unreachable(format!("{e:#}")))?;
            connection = connection.set_config(Arc::new(tls));
        }
        let (driver, ldap) = LdapConnAsync::with_settings(connection, &settings.url)
            .await
            .map_err(unreachable)?;
        ldap3::drive!(driver);
        let mut connection = Connection { ldap, settings };
        connection.bind_service().await?;
        Ok(connection)
    }

    async fn bind_service(&mut self) -> Result<(), DirectoryError> {
        if let (Some(dn), Some(password)) = (&self.settings.bind_dn, &self.settings.bind_password) {
            let timeout = self.settings.operation_timeout;
            self.ldap
                .with_timeout(timeout)
                .simple_bind(dn, &password.0)
                .await
                .and_then(|r| r.success())
                .map_err(|error| {
                    // The service account's password is wrong or it is locked: the
                    // directory cannot be used, whoever logs in.
                    DirectoryError::Unreachable(format!(
                        "the service account's bind failed: {error}"
                    ))
                })?;
        }
        Ok(())
    }

    /// Checks `password` for `name`: the user's entry, a bind as it, then its groups.
    pub async fn check_password(
        &mut self,
        name: &str,
        password: &str,
    ) -> Result<DirectoryUser, DirectoryError> {
        // An empty password is an "unauthenticated bind", which many servers accept.
        if password.is_empty() {
            return Err(DirectoryError::InvalidCredentials);
        }
        let entry = self.find_user(name).await?;
        let timeout = self.settings.operation_timeout;
        match self
            .ldap
            .with_timeout(timeout)
            .simple_bind(&entry.dn, password)
            .await
            .map_err(unreachable)?
        {
            result if result.rc == INVALID_CREDENTIALS => {
                return Err(DirectoryError::InvalidCredentials);
            }
            result => {
                result.success().map_err(unreachable)?;
            }
        }
        // Groups are read with the service account's rights, not the user's.
        self.bind_service().await?;
        self.user_with_groups(entry).await
    }

    /// The user `name` and their groups as the directory says now, without a password (for
    /// re-validation); `InvalidCredentials` when the user is gone (or disabled, where the
    /// filter excludes disabled users).
    pub async fn look_up(&mut self, name: &str) -> Result<DirectoryUser, DirectoryError> {
        let entry = self.find_user(name).await?;
        self.user_with_groups(entry).await
    }

    pub async fn close(mut self) {
        let _ = self.ldap.unbind().await;
    }

    async fn find_user(&mut self, name: &str) -> Result<SearchEntry, DirectoryError> {
        let filter = self
            .settings
            .user_filter
            .replace("{name}", &ldap_escape(name));
        let base = self.settings.user_base.clone();
        let mut found = self.search(&base, &filter, &["memberOf"]).await?;
        if found.len() != 1 {
            if found.len() > 1 {
                tracing::warn!(
                    count = found.len(),
                    "the LDAP user filter matches several entries for one name; refused"
                );
            }
            return Err(DirectoryError::InvalidCredentials);
        }
        Ok(found.remove(0))
    }

    async fn user_with_groups(
        &mut self,
        entry: SearchEntry,
    ) -> Result<DirectoryUser, DirectoryError> {
        let groups = match self.settings.groups {
            GroupLookup::MemberOf => entry.attrs.get("memberOf").cloned().unwrap_or_default(),
            GroupLookup::InChain => {
                let filter = format!("(member:{IN_CHAIN}:={})", ldap_escape(&entry.dn));
                self.group_dns(&filter).await?
            }
            GroupLookup::Search => self.nested_groups(&entry.dn).await?,
        };
        Ok(DirectoryUser {
            id: entry.dn,
            groups,
        })
    }

    /// Groups with `member` = the user, then groups with one of those as member, and so on.
    async fn nested_groups(&mut self, user: &str) -> Result<Vec<String>, DirectoryError> {
        let mut found = BTreeSet::new();
        let mut members = vec![user.to_owned()];
        for _ in 0..MAX_NESTING {
            if members.is_empty() {
                break;
            }
            let filter = format!(
                "(|{})",
                members
                    .iter()
                    .map(|dn| format!("(member={})", ldap_escape(dn)))
                    .collect::<String>()
            );
            members = self
                .group_dns(&filter)
                .await?
                .into_iter()
                .filter(|dn| found.insert(dn.clone()))
                .collect();
        }
        Ok(found.into_iter().collect())
    }

    async fn group_dns(&mut self, filter: &str) -> Result<Vec<String>, DirectoryError> {
        let base = self
            .settings
            .group_base
            .clone()
            .unwrap_or_else(|| self.settings.user_base.clone());
        // "1.1": no attributes, the DNs only.
        let entries = self.search(&base, filter, &["1.1"]).await?;
        Ok(entries.into_iter().map(|e| e.dn).collect())
    }

    async fn search(
        &mut self,
        base: &str,
        filter: &str,
        attributes: &[&str],
    ) -> Result<Vec<SearchEntry>, DirectoryError> {
        let timeout = self.settings.operation_timeout;
        let (entries, _) = self
            .ldap
            .with_timeout(timeout)
            .search(base, Scope::Subtree, filter, attributes.to_vec())
            .await
            .and_then(|r| r.success())
            .map_err(unreachable)?;
        Ok(entries
            .into_iter()
            .filter(|e| !e.is_ref() && !e.is_intermediate())
            .map(SearchEntry::construct)
            .collect())
    }
}
